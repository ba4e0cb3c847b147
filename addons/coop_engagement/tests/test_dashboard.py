from datetime import date

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
        """The board's figures for the year are the registry's, recounted in SQL."""
        row = self.env["coop.engagement.company.report"].search(
            [("company_id", "=", self.company_a.id), ("year", "=", self.today.year)]
        )
        self.assertEqual(len(row), 1)
        cr = self.env.cr
        cr.execute(
            """SELECT COUNT(*),
                      COUNT(*) FILTER (WHERE democratic_level >= 3 OR militant_level >= 1),
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
        """The engagement analysis per college counts what the registry holds."""
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
        """A moderator of another cooperative does not see this one on the board."""
        moderator = self._create_user(
            "moderator_dash", "coop_engagement.group_coop_moderator", self.company_b
        )
        rows = self.env["coop.engagement.company.report"].with_user(moderator).search([])
        self.assertFalse(rows.filtered(lambda r: r.company_id == self.company_a))


@tagged("post_install", "-at_install")
class TestDashboardFigures(EngagementCommon):
    """Active shares as the study defines them, worked out on small cooperatives.

    The study: active members are 5-10 % of a cooperative, very active 2 %; the very
    active are among the active. Very active = democratic level 4+ (debates, board) or
    militant level 1+ (volunteers, organisers); active = democratic level 3+ (votes) or
    very active.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Cooperative B, 20 members: 1 voter, 1 debater, 2 volunteers who never vote,
        # 16 who hold their shares only.
        voter = cls._create_member("B voter", company=cls.company_b)
        debater = cls._create_member("B debater", company=cls.company_b)
        volunteers = [cls._create_member(f"B volunteer {i}", company=cls.company_b) for i in (1, 2)]
        for i in range(16):
            cls._create_member(f"B quiet {i}", company=cls.company_b)
        cls._activity(voter, "vote_cast")
        cls._activity(debater, "question_asked")
        for volunteer in volunteers:
            cls._activity(volunteer, "action_volunteered")
        # Cooperative A, 2 members: 1 voter, 1 quiet.
        cls._activity(cls._create_member("A voter"), "vote_cast")
        cls._create_member("A quiet")
        cls.env["coop.member"]._coop_recompute_engagement(cls.company_a | cls.company_b)
        cls.env.flush_all()
        cls.year = str(cls.today.year)
        cls.both = [("company_id", "in", (cls.company_a | cls.company_b).ids)]

    def _board(self, company):
        return self.env["coop.engagement.company.report"].search(
            [("company_id", "=", company.id), ("year", "=", self.year)]
        )

    def test_volunteers_who_do_not_vote_are_active(self):
        """The board counts the very active among the active, as the study does."""
        row = self._board(self.company_b)
        self.assertEqual(row.rated_member_count, 20)
        # Active: voter + debater + 2 volunteers = 4 of 20 = 20 %.
        self.assertEqual(row.active_count, 4)
        self.assertEqual(row.active_rate, 20.0)
        # Very active: debater + 2 volunteers = 3 of 20 = 15 %.
        self.assertEqual(row.very_active_count, 3)
        self.assertEqual(row.very_active_rate, 15.0)
        self.assertGreaterEqual(row.active_rate, row.very_active_rate)

    def test_grouped_shares_are_computed_from_counts(self):
        """Both cooperatives together: 5 active of 22 members, not the mean of 50 % and 20 %."""
        self.assertEqual(self._board(self.company_a).active_rate, 50.0)  # 1 of 2
        self.assertEqual(self._board(self.company_b).active_rate, 20.0)  # 4 of 20
        # 100 * (1 + 4) / (2 + 20) = 22.73 %; very active 100 * (0 + 3) / 22 = 13.64 %.
        [(active, very_active)] = self.env["coop.engagement.company.report"]._read_group(
            [*self.both, ("year", "=", self.year)],
            [],
            ["active_rate:avg", "very_active_rate:avg"],
        )
        self.assertEqual((active, very_active), (22.73, 13.64))
        # Same share in the engagement analysis (its pivot and graph measure).
        [(active, very_active)] = self.env["coop.engagement.report"]._read_group(
            self.both, [], ["active_rate:avg", "very_active_rate:avg"]
        )
        self.assertEqual((active, very_active), (22.73, 13.64))
        pivot = self.env.ref("coop_engagement.coop_engagement_report_view_pivot").arch
        self.assertIn('name="active_rate" type="measure"', pivot)

    def test_year_reads_as_a_year(self):
        """The board shows the year as 2026, not as the number 2 026."""
        [row] = self._board(self.company_b).read(["year"])
        self.assertEqual(row["year"], self.year)
        groups = self.env["coop.engagement.company.report"]._read_group(
            [*self.both, ("year", "=", self.year)], ["year"], ["member_count:sum"]
        )
        self.assertEqual(groups, [(self.year, 22)])

    def test_engagement_analysis_by_year(self):
        """The moderator filters the engagement analysis on the year members took part."""
        last_year = self._create_member("B last year", company=self.company_b)
        self.Activity.create(
            {
                "partner_id": last_year.partner_id.id,
                "company_id": self.company_b.id,
                "activity_type": "vote_cast",
                "date": date(self.today.year - 1, 6, 1),
            }
        )
        self.env.flush_all()
        search = self.env.ref("coop_engagement.coop_engagement_report_view_search").arch
        self.assertIn('date="last_activity_date"', search)
        Report = self.env["coop.engagement.report"]
        this_year = Report.search(
            [
                *self.both,
                ("last_activity_date", ">=", date(self.today.year, 1, 1)),
                ("last_activity_date", "<=", date(self.today.year, 12, 31)),
            ]
        )
        # The voters, the debater and the volunteers of both cooperatives: 5.
        self.assertEqual(len(this_year), 5)
        self.assertNotIn(last_year, this_year.member_id)
        previous = Report.search(
            [
                *self.both,
                ("last_activity_date", ">=", date(self.today.year - 1, 1, 1)),
                ("last_activity_date", "<=", date(self.today.year - 1, 12, 31)),
            ]
        )
        self.assertEqual(previous.member_id, last_year)

    def test_moderator_analyses_her_cooperative_shares(self):
        """The moderator of B reads B's active shares in the pivot: 20 % and 15 %."""
        moderator = self._create_moderator("dash_moderator_b", self.company_b)
        for model in ("coop.engagement.company.report", "coop.engagement.report"):
            [(company, active, very_active)] = (
                self.env[model]
                .with_user(moderator)
                ._read_group([], ["company_id"], ["active_rate:avg", "very_active_rate:avg"])
            )
            self.assertEqual((company, active, very_active), (self.company_b, 20.0, 15.0))
