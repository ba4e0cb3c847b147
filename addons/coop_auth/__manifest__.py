# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
{
    "name": "Cooperative Strong Login",
    "summary": "Two-factor authentication required for the staff, offered to members; "
    "login delays per address and per login; single sign-on users matched to members",
    "version": "18.0.1.0.0",
    "category": "Cooperative",
    "website": "https://github.com/coop-suite/coop-suite",
    "author": "Coop Suite contributors",
    "maintainers": ["coop-suite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    # auth_totp_mail_enforce: Odoo's own "2FA required" flow (a code by email until the
    # person sets up an authenticator app); auth_totp_portal: members set up TOTP in /my.
    "depends": ["coop_portal", "auth_totp_portal", "auth_totp_mail_enforce"],
    "data": [
        "views/res_config_settings_views.xml",
    ],
    "demo": [
        "demo/ir_config_parameter_demo.xml",
    ],
    "installable": True,
}
