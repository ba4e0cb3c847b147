# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl.html).
{
    "name": "Cooperative Governance",
    "summary": "General assemblies, census, proxies, college-weighted votes and minutes",
    "version": "18.0.1.2.0",
    "category": "Cooperative",
    "website": "https://github.com/coop-suite/coop-suite",
    "author": "Coop Suite contributors",
    "maintainers": ["coop-suite"],
    "license": "AGPL-3",
    "development_status": "Beta",
    "depends": ["coop_membership"],
    "data": [
        "security/coop_governance_security.xml",
        "security/ir.model.access.csv",
        "data/mail_template_data.xml",
        "data/ir_cron_data.xml",
        "report/coop_governance_reports.xml",
        "wizard/coop_wizard_views.xml",
        "views/coop_assembly_views.xml",
        "views/coop_assembly_voter_views.xml",
        "views/coop_resolution_views.xml",
        "views/coop_ballot_views.xml",
        "views/coop_poll_templates.xml",
        "views/coop_poll_views.xml",
        "views/res_config_settings_views.xml",
        "views/coop_governance_menus.xml",
    ],
    "demo": [
        "demo/coop_governance_demo.xml",
        "demo/res_users_demo.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "coop_governance/static/tests/tours/*.js",
        ],
    },
    "installable": True,
}
