# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
{
    "name": "Cooperative LDAP Login",
    "summary": "Members log in with their directory account (Odoo's auth_ldap, one "
    "directory per cooperative); the first login finds the existing member by email",
    "version": "18.0.1.0.0",
    "category": "Cooperative",
    "website": "https://github.com/coop-suite/coop-suite",
    "author": "Coop Suite contributors",
    "maintainers": ["coop-suite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["coop_portal", "auth_ldap"],
    "external_dependencies": {"python": ["python-ldap"]},
    "data": [
        "views/res_company_ldap_views.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "coop_auth_ldap/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
