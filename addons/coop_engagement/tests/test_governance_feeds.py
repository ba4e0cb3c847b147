from odoo.tests import tagged

from odoo.addons.coop_governance.tests.common import GovernanceCommon


@tagged("post_install", "-at_install")
class TestGovernanceFeeds(GovernanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls._create_members(4, cls.college_a_cons, "Voter")
        cls.assembly = cls._create_assembly(resolutions=1)
        cls.election = cls.env["coop.resolution"].create(
            {"assembly_id": cls.assembly.id, "name": "Board", "kind": "election", "seats": 1}
        )
        cls.candidacy = cls.env["coop.candidacy"].create(
            {"resolution_id": cls.election.id, "member_id": cls.members[3].id}
        )
        cls.assembly.action_convene()
        cls.assembly.action_open()

    def _types(self, member):
        return set(
            self.env["coop.engagement.activity"]
            .search([("partner_id", "=", member.partner_id.id)])
            .mapped("activity_type")
        )

    def _levels(self):
        self.env["coop.member"]._coop_recompute_engagement(self.company_a)
        return [m.democratic_level for m in self.members]

    def test_assembly_vote_and_candidacy_feed_levels(self):
        """Checking in, voting and standing for the board raise the members' levels."""
        assembly = self.assembly.with_user(self.gov_officer_a)
        voters = assembly.voter_ids
        attending = voters.filtered(lambda v: v.member_id == self.members[0])
        attending.action_check_in()
        voting = voters.filtered(lambda v: v.member_id == self.members[1])
        resolution = assembly.resolution_ids.filtered(lambda r: r.kind != "election")
        resolution.action_start_vote()
        resolution.cast_vote(voting, "yes", "online")
        self.assertEqual(self._types(self.members[0]), {"assembly_attended"})
        self.assertEqual(self._types(self.members[1]), {"assembly_attended", "vote_cast"})
        self.assertEqual(self._types(self.members[3]), {"board_candidacy"})
        self.assertEqual(self._levels(), [3, 3, 1, 5])

    def test_resolution_proposed_and_cosigned(self):
        """Proposing or co-signing a members' resolution counts as taking part in debates."""
        self.company_a.coop_member_resolution_threshold = 5.0
        assembly = self._create_assembly(resolutions=0)
        resolution = self.env["coop.resolution"].create(
            {
                "assembly_id": assembly.id,
                "name": "Members' motion",
                "origin": "members",
                "proposer_ids": [(6, 0, self.members[0].ids)],
                "cosigner_ids": [(6, 0, self.members[1:3].ids)],
            }
        )
        resolution.with_user(self.gov_officer_a).action_propose()
        self.assertEqual(self._types(self.members[0]), {"resolution_proposed"})
        self.assertEqual(self._types(self.members[2]), {"resolution_cosigned"})
        self.assertEqual(self._levels()[:3], [4, 4, 4])

    def test_participation_report_and_drop_alert(self):
        """Participation per college is reported, and a drop the next year alerts the moderator."""
        moderator = self._create_user(
            "moderator_gov", "coop_engagement.group_coop_moderator", self.company_a
        )
        moderator.coop_moderated_company_ids = self.company_a
        assembly = self.assembly.with_user(self.gov_officer_a)
        assembly.voter_ids[:2].action_check_in()
        assembly.action_close()
        rows = self.env["coop.assembly.participation.report"].search(
            [("assembly_id", "=", self.assembly.id)]
        )
        self.env.cr.execute(
            """SELECT college_id, COUNT(*), COUNT(*) FILTER (WHERE attendance <> 'absent')
                 FROM coop_assembly_voter WHERE assembly_id = %s GROUP BY college_id""",
            [self.assembly.id],
        )
        expected = {r[0]: (r[1], r[2]) for r in self.env.cr.fetchall()}
        self.assertEqual(
            {r.college_id.id: (r.voter_count, r.participant_count) for r in rows}, expected
        )
        # A year later, nobody comes: the moderator is alerted.
        later = self._create_assembly(
            date=self.in_a_month.replace(year=self.in_a_month.year + 1)
        ).with_user(self.gov_officer_a)
        later.action_convene()
        later.action_open()
        later.action_close()
        self.env["coop.assembly.participation.report"]._coop_alert_participation_drop()
        alert = self.env["mail.activity"].search(
            [("res_model", "=", "coop.assembly"), ("res_id", "=", later.id)]
        )
        self.assertEqual(alert.user_id, moderator)
