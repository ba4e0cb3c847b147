from odoo.exceptions import UserError

from .common import GovernanceCommon


class TestElection(GovernanceCommon):
    """Two seats, three candidates; consumers (40 %) 6 voters, producers (20 %) 2."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cons, prod = cls.colleges_a[0], cls.colleges_a[1]
        cls.cons = cls._create_members(6, cons, "Consumer")
        cls.prod = cls._create_members(2, prod, "Producer")
        cls.assembly = cls._create_assembly(resolutions=0)
        cls.election = cls.env["coop.resolution"].create(
            {"assembly_id": cls.assembly.id, "name": "Board election", "kind": "election",
             "seats": 2}
        )  # fmt: skip
        Candidacy = cls.env["coop.candidacy"]
        cls.alice, cls.bob, cls.carol = Candidacy.create(
            [
                {"resolution_id": cls.election.id, "member_id": m.id, "sequence": i,
                 "statement": "<p>I stand for a local energy plan.</p>"}
                for i, m in enumerate((cls.cons[0], cls.cons[1], cls.prod[0]))
            ]
        )  # fmt: skip
        cls.assembly.action_convene()
        cls.assembly.action_open()
        cls.assembly.voter_ids.action_check_in()

    def setUp(self):
        super().setUp()
        # The secretary of coop A's assemblies runs the election.
        self.assembly = self.assembly.with_user(self.gov_officer_a)
        self.election = self.election.with_user(self.gov_officer_a)

    def _voters(self, members):
        return self.assembly.voter_ids.filtered(lambda v: v.member_id in members)

    def _vote(self, election):
        election.action_start_vote()
        cons = self._voters(self.cons)
        for voter in cons[:4]:
            election.cast_vote(voter, self.alice | self.bob, "in_room")
        for voter in cons[4:]:
            election.cast_vote(voter, self.bob, "in_room")
        for voter in self._voters(self.prod):
            election.cast_vote(voter, [self.carol.id], "in_room")

    def test_weighted_approval_ranking(self):
        """Weighted by college, Bob and Alice are elected ahead of Carol."""
        self._vote(self.election)
        self.election.action_close_vote()
        # By hand, weights 40 and 20 scaled over 60:
        # Bob   = 40/60 x 6/6                = 66.67 %
        # Alice = 40/60 x 4/6                = 44.44 %
        # Carol = 20/60 x 2/2                = 33.33 %
        self.assertAlmostEqual(self.bob.score, 100.0 * 40 / 60, places=2)
        self.assertAlmostEqual(self.alice.score, 100.0 * 40 / 60 * 4 / 6, places=2)
        self.assertAlmostEqual(self.carol.score, 100.0 * 20 / 60, places=2)
        self.assertEqual((self.bob.rank, self.alice.rank, self.carol.rank), (1, 2, 3))
        self.assertEqual((self.bob | self.alice).mapped("elected"), [True, True])
        self.assertFalse(self.carol.elected)
        self.assertEqual(self.election.state, "adopted")
        self.assertEqual(self.alice.approval_count, 4)
        self.assertTrue(self.assembly.verify_audit_chain()["ok"])

    def test_unweighted_ranking_differs_for_small_colleges(self):
        """One member one vote ranks the candidates by their approvals only."""
        self.company_a.coop_vote_by_college = False
        self._vote(self.election)
        ranking = self.election.get_results()["candidates"]
        # One member one vote over 8 ballots: Bob 6, Alice 4, Carol 2.
        self.assertEqual([line["approvals"] for line in ranking], [6, 4, 2])
        self.assertAlmostEqual(ranking[2]["score"], 25.0)

    def test_election_rules(self):
        """No late candidacy, no more approvals than seats, only standing candidates."""
        self.election.action_start_vote()
        with self.assertRaisesRegex(UserError, "Candidacies close"):
            self.env["coop.candidacy"].with_user(self.gov_officer_a).create(
                {"resolution_id": self.election.id, "member_id": self.cons[2].id}
            )
        voter = self._voters(self.cons)[0]
        with self.assertRaisesRegex(UserError, "at most 2 candidates"):
            self.election.cast_vote(voter, self.alice | self.bob | self.carol, "in_room")
        with self.assertRaisesRegex(UserError, "standing candidates"):
            self.election.cast_vote(voter, [self.alice.id + 1000], "in_room")
        blank = self.election.cast_vote(voter, [], "in_room")
        self.assertFalse(blank.approvals)

    def test_secret_election(self):
        """A secret election stores no approvals by voter and ranks the same."""
        self.election.secret = True
        self._vote(self.election)
        self.assertFalse(any(self.election.ballot_ids.mapped("approvals")))
        self.election.action_close_vote()
        self.assertEqual((self.bob.rank, self.alice.rank, self.carol.rank), (1, 2, 3))
        self.assertTrue(self.assembly.verify_audit_chain()["ok"])

    def test_elected_candidates_cannot_change_after_the_vote(self):
        """After the vote, the candidates and their results are frozen and sealed."""
        self._vote(self.election)
        self.election.action_close_vote()
        self.assertTrue(self.election.result_seal)
        carol = self.carol.with_user(self.gov_officer_a)
        with self.assertRaisesRegex(UserError, "counted when the vote closes"):
            carol.write({"elected": True})
        with self.assertRaisesRegex(UserError, "put to the vote cannot change"):
            carol.write({"member_id": self.cons[2].id})
        with self.assertRaisesRegex(UserError, "put to the vote cannot change"):
            carol.unlink()
        self.assertEqual((self.carol.elected, self.carol.rank), (False, 3))
        self.assertTrue(self.assembly.verify_audit_chain()["ok"])
        # Changed behind the application's back: the seal of the results breaks.
        self.env.cr.execute(
            "UPDATE coop_candidacy SET elected = TRUE WHERE id = %s", [self.carol.id]
        )
        self.env.invalidate_all()
        check = self.assembly.verify_audit_chain()
        self.assertFalse(check["ok"])
        self.assertIn("results of resolution Board election were altered", check["message"])
