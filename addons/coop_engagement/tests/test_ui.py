from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup


@tagged("post_install", "-at_install")
class TestModeratorUi(HttpCase):
    def test_moderator_writes_to_her_local_group(self):
        """The moderator of a region opens her local group, writes to it and sends."""
        ara = self.env.ref("coop_membership.coop_company_ara")
        group = self.env["coop.local.group"].create(
            {"name": "Tour Group Die", "company_id": ara.id, "contact_email": "die@example.org"}
        )
        member = self.env["res.partner"].create(
            {"name": "Tour Group Member", "email": "tour.group.member@example.org"}
        )
        with superuser_setup("arrange: the group has a member to write to"):
            group.action_join(member)
        moderator = new_test_user(
            self.env,
            login="tour_moderator",
            groups="base.group_user,coop_engagement.group_coop_moderator",
            company_id=ara.id,
            company_ids=[Command.set(ara.ids)],
        )
        moderator.coop_moderated_company_ids = ara
        moderator.email = False  # writes from the group's address
        self.assertFalse(moderator.has_group("mass_mailing.group_mass_mailing_user"))

        self.start_tour(
            "/odoo/action-coop_engagement.coop_local_group_action",
            "coop_group_mailing_tour",
            login="tour_moderator",
        )

        mailing = self.env["mailing.mailing"].search(
            [("contact_list_ids", "in", group.mailing_list_id.ids)]
        )
        self.assertEqual(len(mailing), 1)
        self.assertEqual(mailing.subject, "Back-to-school meeting")
        self.assertIn("See you on Monday", mailing.body_html)
        self.assertEqual(mailing.state, "in_queue")
        self.assertEqual(mailing.create_uid, moderator)
        # She has no address of her own: the message leaves from the group's.
        self.assertEqual(mailing.email_from, "die@example.org")
        # In the moderator's cooperative: the group's list belongs to it.
        self.assertEqual(mailing.contact_list_ids.coop_company_id, ara)
        recipients = self.env["mailing.contact"].browse(mailing._get_recipients())
        self.assertEqual(recipients.mapped("email"), ["tour.group.member@example.org"])


@tagged("post_install", "-at_install")
class TestModeratorDashboardUi(HttpCase):
    def test_moderator_dashboard_opens_on_charts(self):
        """The moderator of a region opens her dashboard: charts, then the pivot behind."""
        ara = self.env.ref("coop_membership.coop_company_ara")
        moderator = new_test_user(
            self.env,
            login="tour_dash_moderator",
            groups="base.group_user,coop_engagement.group_coop_moderator",
            company_id=ara.id,
            company_ids=[Command.set(ara.ids)],
            lang="en_US",
        )
        moderator.coop_moderated_company_ids = ara
        self.assertTrue(
            self.env["coop.assembly.preparation.report"]
            .with_user(moderator)
            .search_count([("company_id", "=", ara.id)])
        )
        self.start_tour(
            "/odoo/action-coop_engagement.coop_engagement_company_report_action",
            "coop_moderator_dashboard_tour",
            login="tour_dash_moderator",
        )

    def test_moderator_spreadsheet_dashboard(self):
        """The moderator opens the Dashboards app: the cooperative-life charts are drawn."""
        ara = self.env.ref("coop_membership.coop_company_ara")
        moderator = new_test_user(
            self.env,
            login="tour_sheet_moderator",
            groups="base.group_user,coop_engagement.group_coop_moderator",
            company_id=ara.id,
            company_ids=[Command.set(ara.ids)],
            lang="en_US",
        )
        moderator.coop_moderated_company_ids = ara
        dashboard = self.env.ref("coop_engagement.spreadsheet_dashboard_coop_life")
        self.assertEqual(
            self.env["spreadsheet.dashboard"].with_user(moderator).search([]) & dashboard,
            dashboard,
        )
        data = dashboard.with_user(moderator).get_readonly_dashboard()
        charts = [
            figure["data"]
            for figure in data["snapshot"]["sheets"][0]["figures"]
            if figure["tag"] == "chart"
        ]
        self.assertEqual(len(charts), 8)
        # Every chart reads a report the moderator may read.
        for chart in charts:
            model = chart["metaData"]["resModel"]
            self.assertTrue(self.env[model].with_user(moderator).has_access("read"), model)
        self.start_tour(
            "/odoo/dashboards", "coop_moderator_spreadsheet_tour", login=moderator.login
        )
