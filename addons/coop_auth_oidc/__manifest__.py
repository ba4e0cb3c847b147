# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
{
    "name": "Cooperative OpenID Connect Login",
    "summary": "Optional: members log in through the cooperative's OpenID Connect provider "
    "(Keycloak, Authentik, LemonLDAP::NG) with OCA's auth_oidc, matched to the member by email",
    "version": "18.0.1.0.0",
    "category": "Cooperative",
    "website": "https://github.com/coop-suite/coop-suite",
    "author": "Coop Suite contributors",
    "maintainers": ["coop-suite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    # Optional: no other coop module depends on this one.
    "depends": ["coop_portal", "auth_oidc"],
    "data": [
        "data/auth_oauth_provider_data.xml",
        "views/auth_oauth_provider_views.xml",
    ],
    "demo": [
        "demo/auth_oauth_provider_demo.xml",
    ],
    "installable": True,
}
