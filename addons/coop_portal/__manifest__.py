# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
{
    "name": "Cooperative Member Portal",
    "summary": "Member space: my cooperative, my shares, my votes, proxies and polls; "
    "public membership application",
    "version": "18.0.1.1.0",
    "category": "Cooperative",
    "website": "https://github.com/coop-suite/coop-suite",
    "author": "Coop Suite contributors",
    "maintainers": ["coop-suite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    # auth_totp_mail_enforce: Odoo's own "2FA required" flow (a code by email until the
    # person sets up an authenticator app), applied to the staff; auth_totp_portal: members
    # set up two-factor authentication in /my. auth_password_policy_portal/_signup: Odoo's
    # minimum password length on the member space's password change and on signup.
    "depends": [
        "coop_engagement",
        "portal",
        "website",
        "website_event",
        "website_forum",
        "auth_totp_portal",
        "auth_totp_mail_enforce",
        "auth_password_policy_portal",
        "auth_password_policy_signup",
    ],
    "data": [
        "security/ir.model.access.csv",
        "security/coop_portal_security.xml",
        "security/coop_activation_security.xml",
        "security/coop_portal_account_security.xml",
        "security/coop_message_security.xml",
        "data/coop_document_data.xml",
        "data/event_waitlist_mail_data.xml",
        "data/coop_activation_mail_data.xml",
        "data/coop_activation_cron_data.xml",
        "report/coop_admission_letter_report.xml",
        "views/coop_activation_templates.xml",
        "views/coop_member_activation_views.xml",
        "views/res_config_settings_views.xml",
        "views/coop_document_views.xml",
        "views/coop_portal_templates.xml",
        "views/coop_portal_share_templates.xml",
        "views/coop_portal_assembly_templates.xml",
        "views/coop_portal_candidacy_templates.xml",
        "views/coop_portal_join_templates.xml",
        "views/coop_portal_document_templates.xml",
        "views/coop_portal_engagement_templates.xml",
        "views/coop_portal_event_templates.xml",
        "views/coop_portal_group_templates.xml",
        "views/coop_portal_group_poll_templates.xml",
        "views/coop_portal_channel_templates.xml",
        "views/coop_portal_proposal_templates.xml",
        "views/coop_portal_amendment_templates.xml",
        "views/coop_local_group_views.xml",
        "views/res_company_views.xml",
        "views/coop_portal_privacy_templates.xml",
        "views/coop_portal_website_templates.xml",
        "views/event_event_views.xml",
        "views/event_registration_views.xml",
        "views/forum_forum_views.xml",
        "views/forum_templates.xml",
        "views/coop_subscription_request_views.xml",
        "data/website_menu_data.xml",
        "data/coop_member_account_data.xml",
        "views/coop_member_invitation_views.xml",
        "views/coop_member_account_views.xml",
        "views/coop_portal_message_templates.xml",
        "views/coop_message_report_views.xml",
    ],
    "demo": [
        "demo/coop_portal_demo.xml",
        "demo/coop_local_group_demo.xml",
        "demo/website_demo.xml",
        "demo/ir_config_parameter_demo.xml",
        "demo/coop_portal_messages_demo.xml",
    ],
    "assets": {
        # Fonts served by Odoo, none from Google (issue #23 §3): before website's
        # variables, which only set their defaults.
        "web._assets_primary_variables": [
            (
                "before",
                "website/static/src/scss/primary_variables.scss",
                "coop_portal/static/src/scss/primary_variables.scss",
            ),
        ],
        "web.assets_frontend": [
            "coop_portal/static/src/scss/coop_fonts.scss",
            "coop_portal/static/src/scss/coop_portal.scss",
            "coop_portal/static/src/js/coop_proposal_editor.js",
        ],
        # Leaflet and the map of /cooperative/groups: loaded by that page only.
        "coop_portal.assets_groups_map": [
            "coop_portal/static/lib/leaflet/leaflet.css",
            "coop_portal/static/src/css/coop_groups_map.css",
            "coop_portal/static/lib/leaflet/leaflet.js",
            "coop_portal/static/src/js/coop_groups_map.js",
        ],
        "web.assets_tests": [
            "coop_portal/static/tests/tours/*.js",
        ],
        # Discuss's full-page channel (/discuss/channel/<id>) loads its own test bundle.
        "mail.assets_discuss_public_test_tours": [
            "coop_portal/static/tests/tours/coop_portal_message_tours.js",
            "coop_portal/static/tests/tours/coop_portal_channel_tours.js",
        ],
    },
    "post_init_hook": "post_init_hook",
    "installable": True,
}
