# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
{
    "name": "Cooperative Engagement",
    "summary": "Engagement levels, skills, local groups, action calls, contact caps and "
    "moderator dashboards",
    "version": "18.0.1.1.0",
    "category": "Cooperative",
    "website": "https://github.com/coop-suite/coop-suite",
    "author": "Coop Suite contributors",
    "maintainers": ["coop-suite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["coop_governance", "event", "mass_mailing"],
    "external_dependencies": {"python": ["xlsxwriter"]},
    "data": [
        "security/coop_engagement_security.xml",
        "security/ir.model.access.csv",
        "security/coop_proposal_security.xml",
        "security/discuss_channel_security.xml",
        "data/coop_engagement_data.xml",
        "data/mail_template_data.xml",
        "data/discuss_channel_data.xml",
        "report/coop_paper_label_report.xml",
        "wizard/coop_paper_label_wizard_views.xml",
        "wizard/coop_proposal_hide_wizard_views.xml",
        "views/coop_engagement_activity_views.xml",
        "views/coop_skill_views.xml",
        "views/coop_local_group_views.xml",
        "views/coop_poll_views.xml",
        "views/coop_action_call_views.xml",
        "views/coop_production_project_views.xml",
        "views/coop_college_views.xml",
        "views/coop_member_views.xml",
        "views/res_partner_views.xml",
        "views/res_company_views.xml",
        "views/res_users_views.xml",
        "views/event_event_views.xml",
        "views/mailing_mailing_views.xml",
        "views/res_config_settings_views.xml",
        "views/coop_engagement_report_views.xml",
        "views/coop_engagement_menus.xml",
    ],
    "demo": [
        "demo/coop_engagement_demo.xml",
    ],
    "assets": {
        # Coordinators' delete button in Discuss, back office and full-page channel.
        "web.assets_backend": [
            "coop_engagement/static/src/discuss/coop_moderation.js",
        ],
        "mail.assets_public": [
            "coop_engagement/static/src/discuss/coop_moderation.js",
        ],
        "web.assets_tests": [
            "coop_engagement/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
