from datetime import timedelta

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup


@tagged("post_install", "-at_install")
class TestMomentumAlerts(TransactionCase):
    """Nadia, moderator of Auvergne-Rhône-Alpes, sets thresholds; the scheduled job tells
    her once when an event, an action call, a proposal or a theme crosses one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.ara = ref("coop_membership.coop_company_ara")
        cls.centre = ref("coop_membership.coop_company_centre")
        cls.user_nadia = ref("coop_membership.user_nadia_chevalier")
        cls.moderator_centre = create_user(
            cls.env,
            "moderator_centre",
            "coop_engagement.group_coop_moderator",
            cls.centre,
            coop_moderated_company_ids=[Command.set(cls.centre.ids)],
        )
        cls.members = cls.env["coop.member"].search(
            [("company_id", "=", cls.ara.id), ("is_active_member", "=", True)], limit=3, order="id"
        )
        begin = fields.Datetime.now() + timedelta(days=10)
        cls.event = cls.env["event.event"].create(
            {
                "name": "Fête de l'énergie à Crest",
                "company_id": cls.ara.id,
                "date_begin": begin,
                "date_end": begin + timedelta(hours=3),
            }
        )
        cls.Threshold = cls.env["coop.momentum.threshold"]
        cls.Alert = cls.env["coop.momentum.alert"]

    def register(self, members):
        with superuser_setup("members register on the website"):
            self.env["event.registration"].create(
                [
                    {"event_id": self.event.id, "partner_id": m.partner_id.id, "state": "open"}
                    for m in members
                ]
            )

    def run_job(self):
        # What the scheduled action runs (as its own user, the superuser).
        return self.Threshold._coop_cron_momentum()

    def nadia_alerts(self):
        return self.Alert.with_user(self.user_nadia).search([])

    def test_registrations_take_off_once(self):
        """Two registrations reach Nadia's threshold of 2: one alert, one activity, once."""
        self.Threshold.with_user(self.user_nadia).create(
            {"company_id": self.ara.id, "kind": "registration", "threshold": 2}
        )
        self.register(self.members[:1])
        self.run_job()
        self.assertFalse(self.nadia_alerts().filtered(lambda a: a.res_id == self.event.id))
        self.register(self.members[1:2])
        self.run_job()
        alert = self.nadia_alerts().filtered(
            lambda a: a.res_model == "event.event" and a.res_id == self.event.id
        )
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.count, 2)
        self.assertEqual(alert.record_ref, self.event)
        activity = alert.activity_ids.filtered(lambda a: a.user_id == self.user_nadia)
        self.assertIn("Something takes off", activity.summary)
        self.assertIn("Fête de l'énergie", activity.summary)
        notified = self.env["mail.notification"].search(
            [
                ("res_partner_id", "=", self.user_nadia.partner_id.id),
                ("mail_message_id.model", "=", "coop.momentum.alert"),
                ("mail_message_id.res_id", "=", alert.id),
            ]
        )
        self.assertTrue(notified, "Nadia got a notification in her inbox")
        # A third registration, another run: no second alert for the same threshold.
        self.register(self.members[2:3])
        self.run_job()
        self.assertEqual(len(self.nadia_alerts().filtered(lambda a: a.res_id == self.event.id)), 1)

    def test_volunteers_signatures_and_themes(self):
        """Each kind of threshold alerts on its own records: a call, a proposal, a theme."""
        for kind in ("volunteer", "signature", "theme"):
            self.Threshold.with_user(self.user_nadia).create(
                {"company_id": self.ara.id, "kind": kind, "threshold": 1}
            )
        theme = self.env["coop.engagement.theme"].search([], limit=1)
        with superuser_setup("members volunteer, co-sign and tick a theme"):
            call = self.env["coop.action.call"].create(
                {"name": "Stand au marché de Die", "company_id": self.ara.id}
            )
            call.action_open()
            self.env["coop.action.call.volunteer"].create(
                {
                    "action_call_id": call.id,
                    "partner_id": self.members[0].partner_id.id,
                    "state": "volunteered",
                }
            )
            proposal = self.env["coop.proposal"]._member_create(
                self.members[0], {"name": "Des panneaux sur l'école", "body": "<p>Oui</p>"}
            )
            self.env["coop.proposal.signature"].create(
                {"proposal_id": proposal.id, "member_id": self.members[1].id}
            )
            self.members[0].partner_id.coop_theme_ids = [Command.link(theme.id)]
        self.run_job()
        found = {(a.res_model, a.res_id) for a in self.nadia_alerts()}
        self.assertIn(("coop.action.call", call.id), found)
        self.assertIn(("coop.proposal", proposal.id), found)
        self.assertIn(("coop.engagement.theme", theme.id), found)

    def test_other_region_sees_nothing(self):
        """The moderator of Centre-Val de Loire neither sees nor hears of Nadia's alerts."""
        threshold = self.Threshold.with_user(self.user_nadia).create(
            {"company_id": self.ara.id, "kind": "registration", "threshold": 1}
        )
        self.register(self.members[:1])
        self.run_job()
        self.assertTrue(self.nadia_alerts())
        self.assertFalse(self.Alert.with_user(self.moderator_centre).search([]))
        self.assertFalse(self.Threshold.with_user(self.moderator_centre).search([]))
        self.assertFalse(
            self.env["mail.activity"].search(
                [
                    ("res_model", "=", "coop.momentum.alert"),
                    ("user_id", "=", self.moderator_centre.id),
                ]
            )
        )
        self.assertIn(threshold, self.Threshold.with_user(self.user_nadia).search([]))

    def test_job_counts_in_sets(self):
        """The job's cost does not grow with the number of records counted."""
        self.Threshold.with_user(self.user_nadia).create(
            {"company_id": self.ara.id, "kind": "registration", "threshold": 1}
        )
        self.register(self.members)
        self.env.flush_all()
        with self.assertQueryCount(__system__=130):
            self.run_job()
