from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from .common import GovernanceCommon


class TestVote(GovernanceCommon):
    """SCIC example: colleges of 20, 2, 3, 1 and 1 members weighing 40/20/15/15/10 %.

    The secretary of the assemblies (governance officer of coop A) runs the votes.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cons, prod, sal, part, coll = cls.colleges_a
        cls.cons = cls._create_members(20, cons, "Consumer")
        cls.prod = cls._create_members(2, prod, "Producer")
        cls.sal = cls._create_members(3, sal, "Employee")
        cls.part = cls._create_members(1, part, "Partner")
        cls.coll = cls._create_members(1, coll, "Town")
        cls.assembly = cls._create_assembly(resolutions=3)
        cls.assembly.action_convene()
        cls.assembly.action_open()
        cls.assembly.voter_ids.action_check_in()
        cls.resolution, cls.resolution_2, cls.resolution_3 = cls.assembly.resolution_ids

    def setUp(self):
        super().setUp()
        officer = self.gov_officer_a
        self.assembly = self.assembly.with_user(officer)
        self.resolution = self.resolution.with_user(officer)
        self.resolution_2 = self.resolution_2.with_user(officer)
        self.resolution_3 = self.resolution_3.with_user(officer)

    def _voters(self, members):
        return self.assembly.voter_ids.filtered(lambda v: v.member_id in members)

    def _vote_scic_example(self, resolution):
        resolution.action_start_vote()
        cons = self._voters(self.cons)
        for voter in cons[:4]:
            resolution.cast_vote(voter, "yes", "in_room")
        for voter in cons[4:]:
            resolution.cast_vote(voter, "no", "in_room")
        for voter in self._voters(self.prod | self.sal | self.part):
            resolution.cast_vote(voter, "yes", "in_room")
        resolution.cast_vote(self._voters(self.coll), "abstain", "in_room")

    def test_weighted_and_unweighted_outcomes_differ(self):
        """By college the SCIC example is adopted; one member one vote rejects it."""
        resolution = self.resolution
        self._vote_scic_example(resolution)
        results = resolution.get_results()
        by_name = {line["college_name"]: line for line in results["colleges"]}
        self.assertEqual(
            (
                by_name["Consumers"]["yes"],
                by_name["Consumers"]["no"],
                by_name["Consumers"]["expressed"],
            ),
            (4, 16, 20),
        )
        self.assertEqual(by_name["Local authorities"]["abstain"], 1)
        self.assertEqual(by_name["Local authorities"]["expressed"], 0)
        # By hand: the local authorities (10 %) expressed nothing; the 90 % left are
        # scaled to 100 %: (40 x 4/20 + 20 x 2/2 + 15 x 3/3 + 15 x 1/1) / 90 = 58/90.
        self.assertAlmostEqual(results["yes_share"], 100.0 * 58 / 90, places=6)
        self.assertAlmostEqual(by_name["Consumers"]["effective_weight"], 100.0 * 40 / 90)
        self.assertEqual(by_name["Local authorities"]["effective_weight"], 0.0)
        self.assertTrue(results["adopted"])
        # One member one vote: 10 yes against 16 no -> 10/26 = 38.46 %, rejected.
        self.company_a.coop_vote_by_college = False
        flat = resolution.get_results()
        self.assertAlmostEqual(flat["yes_share"], 100.0 * 10 / 26, places=6)
        self.assertFalse(flat["adopted"])
        self.company_a.coop_vote_by_college = True
        resolution.action_close_vote()
        self.assertEqual(resolution.state, "adopted")
        self.assertEqual(len(resolution.result_ids), 5)
        self.assertEqual(
            (resolution.yes_count, resolution.no_count, resolution.abstain_count), (10, 16, 1)
        )

    def test_two_thirds_and_abstentions_expressed(self):
        """Abstentions counted as expressed pull the two-thirds vote under its majority."""
        self.resolution_2.majority = "two_thirds"
        self.resolution_2.abstention_expressed = True
        self._vote_scic_example(self.resolution_2)
        results = self.resolution_2.get_results()
        # Abstentions expressed: the local authorities count, with 0 yes out of 1:
        # (40 x 4/20 + 20 + 15 + 15 + 10 x 0) / 100 = 58 %, under two thirds.
        self.assertAlmostEqual(results["yes_share"], 58.0, places=6)
        self.assertFalse(results["adopted"])
        self.resolution_2.action_close_vote()
        self.assertEqual(self.resolution_2.state, "rejected")

    def test_vote_rules(self):
        """The desk cannot record a vote twice, a vote other than yes/no/abstain, a stranger."""
        resolution = self.resolution
        voter = self._voters(self.cons)[0]
        with self.assertRaisesRegex(UserError, "is not open"):
            resolution.cast_vote(voter, "yes", "in_room")
        resolution.action_start_vote()
        resolution.cast_vote(voter, "yes", "in_room")
        with self.assertRaisesRegex(UserError, "already voted"):
            resolution.cast_vote(voter, "no", "in_room")
        with self.assertRaisesRegex(UserError, "yes, no or abstain"):
            resolution.cast_vote(self._voters(self.cons)[1], "maybe", "in_room")
        other = self._create_assembly().with_user(self.gov_officer_a)
        other.action_convene()
        stranger = other.voter_ids[0]
        with self.assertRaisesRegex(UserError, "not in the census"):
            resolution.cast_vote(stranger, "yes", "in_room")
        self.assertEqual(resolution.participation_count, 1)

    def test_proxy_votes(self):
        """The proxy holder casts the votes they hold, once; the represented cannot."""
        # Consumers 0 holds the proxies of consumers 1 and 2 (they were present: reset).
        cons = self._voters(self.cons)
        cons[1:3].action_mark_absent()
        cons[1:3].action_give_proxy(cons[0])
        resolution = self.resolution
        resolution.action_start_vote()
        with self.assertRaisesRegex(UserError, "is represented by"):
            resolution.cast_vote(cons[1], "yes", "online")
        with self.assertRaisesRegex(UserError, "does not hold the proxy"):
            resolution.cast_vote(cons[3], "yes", "proxy", cast_by=cons[0])
        ballot = resolution.cast_vote(cons[1], "no", "proxy", cast_by=cons[0])
        self.assertEqual(ballot.cast_by_id, cons[0])
        resolution.cast_vote(cons[0], "yes", "in_room")
        with self.assertRaisesRegex(UserError, "already voted"):
            resolution.cast_vote(cons[1], "yes", "proxy", cast_by=cons[0])

    def test_member_casts_own_online_vote_only(self):
        """A member votes online for themselves, never for another member."""
        cons = self._voters(self.cons)
        user = new_test_user(
            self.env,
            login="member_c0",
            groups="base.group_portal",
            partner_id=cons[0].partner_id.id,
        )
        resolution = self.resolution
        resolution.action_start_vote()
        cons[0].action_mark_absent()
        ballot = resolution.with_user(user).cast_vote(cons[0], "yes", "online")
        self.assertEqual(ballot.channel, "online")
        self.assertEqual(cons[0].attendance, "remote")
        with self.assertRaises(AccessError):
            resolution.with_user(user).cast_vote(cons[1], "yes", "online")

    def test_votes_refused_when_assembly_not_open(self):
        """Once the assembly is closed, no vote is recorded any more."""
        resolution = self.resolution
        resolution.action_start_vote()
        voter = self._voters(self.cons)[0]
        self.assembly.action_close()
        self.assertEqual(resolution.state, "rejected", "no vote: nothing expressed")
        with self.assertRaisesRegex(UserError, "is not open: votes are not accepted"):
            resolution.cast_vote(voter, "yes", "in_room")

    def test_status_and_results_cannot_be_forged(self):
        """The secretary cannot type in a status, results or seals, nor create them."""
        resolution = self.resolution
        state = resolution.state
        for vals in (
            {"state": "adopted"},
            {"yes_count": 999},
            {"yes_share": 100.0},
            {"result_seal": "0" * 64},
        ):
            with self.assertRaisesRegex(UserError, "only through its actions"):
                resolution.write(vals)
        self.assertEqual(resolution.state, state)
        self.assertFalse(resolution.yes_count)
        with self.assertRaisesRegex(UserError, "only through its actions"):
            self.assembly.write({"state": "closed"})
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["coop.resolution"].with_user(self.gov_officer_a).create(
                {"assembly_id": self.assembly.id, "name": "Forged", "state": "adopted"}
            )
        self.assertEqual(self.assembly.state, "open")

    def test_forged_guard_pass_does_not_open_the_guard(self):
        """The secretary sends the actions' context key herself, as any caller over RPC
        can: a status or results still cannot be typed in."""
        resolution = self.resolution
        state = resolution.state
        for forged in (True, "1", {"model": "coop.resolution", "ids": resolution.ids}):
            with self.assertRaisesRegex(UserError, "only through its actions"):
                resolution.with_context(coop_guard_pass=forged).write({"state": "adopted"})
        self.assertEqual(resolution.state, state)

    def test_secret_ballot_cannot_be_linked(self):
        """A secret vote keeps who voted apart from what they voted; its urn is sealed."""
        resolution = self.resolution_3
        resolution.secret = True
        resolution.action_start_vote()
        Slot = self.env["coop.ballot.secret"]
        slots = Slot.search([("resolution_id", "=", resolution.id)])
        self.assertEqual(len(slots), self.assembly.voter_count, "urn filled before any vote")
        self.assertFalse(Slot._log_access, "no create/write date or user on a slot")
        links = {
            name
            for name, field in Slot._fields.items()
            if field.type in ("many2one", "one2many", "many2many")
        }
        self.assertEqual(links, {"resolution_id", "college_id"})
        with self.assertRaisesRegex(UserError, "hidden until the vote closes"):
            resolution.get_results()
        self._vote_scic_example_secret(resolution)
        self.assertEqual(
            Slot.search_count([("resolution_id", "=", resolution.id)]),
            len(slots),
            "voting inserts nothing: slot ids say nothing of the order of votes",
        )
        participations = resolution.ballot_ids
        self.assertEqual(len(participations), 27)
        self.assertFalse(any(participations.mapped("choice")), "who voted, never what")
        resolution.action_close_vote()
        results = resolution.get_results()
        self.assertAlmostEqual(results["yes_share"], 100.0 * 58 / 90, places=6)
        self.assertTrue(self.assembly.verify_audit_chain()["ok"])
        # Tampering with the urn is caught by its seal.
        self.env.cr.execute(
            "UPDATE coop_ballot_secret SET choice = 'yes' WHERE resolution_id = %s "
            "AND choice = 'no' AND id = (SELECT MIN(id) FROM coop_ballot_secret "
            "WHERE resolution_id = %s AND choice = 'no')",
            [resolution.id, resolution.id],
        )
        self.env.invalidate_all()
        check = self.assembly.verify_audit_chain()
        self.assertFalse(check["ok"])
        self.assertIn("secret urn", check["message"])

    def _vote_scic_example_secret(self, resolution):
        cons = self._voters(self.cons)
        for i, voter in enumerate(cons):
            resolution.cast_vote(voter, "yes" if i < 4 else "no", "in_room")
        for voter in self._voters(self.prod | self.sal | self.part):
            resolution.cast_vote(voter, "yes", "in_room")
        resolution.cast_vote(self._voters(self.coll), "abstain", "in_room")

    def test_audit_chain_catches_sql_change(self):
        """A ballot changed in the database breaks the audit chain at that ballot."""
        resolution = self.resolution
        resolution.action_start_vote()
        voters = self._voters(self.cons)[:3]
        ballots = self.env["coop.ballot"].concat(
            *(resolution.cast_vote(v, "yes", "in_room") for v in voters)
        )
        # Stored with their receipt; linked into the chain after commit, in their order.
        self.assertEqual(ballots.mapped("chain_index"), [0, 0, 0])
        self.assertTrue(all(ballots.mapped("receipt")))
        self.assertEqual(self.assembly._link_ballots(), 3)
        self.assertEqual(ballots.mapped("chain_index"), [1, 2, 3])
        self.assertEqual(ballots[1].prev_hash, ballots[0].hash)
        self.assertEqual(self.assembly._link_ballots(), 0)
        self.assertTrue(self.assembly.verify_audit_chain()["ok"])
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            ballots[1].write({"choice": "no"})
        self.env.cr.execute("UPDATE coop_ballot SET choice = 'no' WHERE id = %s", [ballots[1].id])
        self.env.invalidate_all()
        check = self.assembly.verify_audit_chain()
        self.assertFalse(check["ok"])
        self.assertEqual(check["broken_ballot"], ballots[1].id)
        self.assertIn("#2", check["message"])
