from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestDashboard(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.voter = cls._create_member("Dash voter")
        cls.debater = cls._create_member("Dash debater")
        cls.quiet = cls._create_member("Dash quiet")
        cls.client = cls.env["res.partner"].create({"name": "Dash client"})
        cls._activity(cls.voter, "vote_cast")
        cls._activity(cls.debater, "question_asked")
        event = cls.env["event.event"].create(
            {
                "name": "Member event",
                "company_id": cls.company_a.id,
                "organizer_id": cls.debater.partner_id.id,
                "date_begin": f"{cls.today.year}-01-10 18:00:00",
                "date_end": f"{cls.today.year}-01-10 20:00:00",
            }
        )
        for partner in (cls.voter.partner_id, cls.quiet.partner_id, cls.client):
            cls.env["event.registration"].create({"event_id": event.id, "partner_id": partner.id})
        cls.env["coop.local.group"].create({"name": "Dash group", "company_id": cls.company_a.id})
        cls.env["coop.member"]._coop_recompute_engagement(cls.company_a)
        cls.env.flush_all()

    def test_company_dashboard_equals_sql(self):
        row = self.env["coop.engagement.company.report"].search(
            [("company_id", "=", self.company_a.id), ("year", "=", self.today.year)]
        )
        self.assertEqual(len(row), 1)
        cr = self.env.cr
        cr.execute(
            """SELECT COUNT(*),
                      COUNT(*) FILTER (WHERE democratic_level >= 3),
                      COUNT(*) FILTER (WHERE democratic_level >= 4 OR militant_level >= 1)
                 FROM coop_member WHERE company_id = %s AND state IN ('member', 'resigning')""",
            [self.company_a.id],
        )
        members, active, very_active = cr.fetchone()
        self.assertEqual(members, 3)
        self.assertEqual(row.member_count, members)
        self.assertEqual(row.active_count, active)
        self.assertEqual(row.very_active_count, very_active)
        self.assertAlmostEqual(row.active_rate, round(100.0 * active / members, 2))
        self.assertAlmostEqual(row.very_active_rate, round(100.0 * very_active / members, 2))
        self.assertEqual(row.active_target_min, 5.0)
        self.assertEqual(row.very_active_target, 2.0)
        self.assertEqual(row.local_group_count, 1)
        self.assertEqual(row.member_event_count, 1)
        self.assertEqual(row.people_reached, 3)
        # Militant 2 for the organiser makes them very active as well.
        self.assertEqual(self.debater.militant_level, 2)

    def test_engagement_report_equals_sql(self):
        groups = self.env["coop.engagement.report"]._read_group(
            [("company_id", "=", self.company_a.id)],
            ["college_id"],
            ["member_count:sum", "active_count:sum", "very_active_count:sum"],
        )
        cr = self.env.cr
        cr.execute(
            """SELECT college_id, COUNT(*), COUNT(*) FILTER (WHERE is_engaged_active),
                      COUNT(*) FILTER (WHERE is_very_active)
                 FROM coop_member WHERE company_id = %s AND state IN ('member', 'resigning')
             GROUP BY college_id""",
            [self.company_a.id],
        )
        expected = {row[0]: row[1:] for row in cr.fetchall()}
        self.assertEqual({college.id: (m, a, v) for college, m, a, v in groups}, expected)

    def test_moderator_sees_only_their_companies(self):
        moderator = self._create_user(
            "moderator_dash", "coop_engagement.group_coop_moderator", self.company_b
        )
        rows = self.env["coop.engagement.company.report"].with_user(moderator).search([])
        self.assertFalse(rows.filtered(lambda r: r.company_id == self.company_a))
