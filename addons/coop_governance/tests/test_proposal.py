from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import GovernanceCommon


class TestProposal(GovernanceCommon):
    """Members draft, co-sign and send proposals to the board, which decides on them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls._create_members(5, cls.college_a_cons, "Member")
        cls.member_b = cls._create_member("Other coop member", company=cls.company_b)
        cls.users = [
            new_test_user(
                cls.env,
                login=f"proposal_member_{i}",
                groups="base.group_portal",
                partner_id=member.partner_id.id,
            )
            for i, member in enumerate(cls.members)
        ]
        cls.user_b = new_test_user(
            cls.env,
            login="proposal_member_b",
            groups="base.group_portal",
            partner_id=cls.member_b.partner_id.id,
        )
        # Three signatures send a proposal to the board.
        cls.company_a.write(
            {"coop_proposal_threshold_type": "count", "coop_proposal_threshold_count": 3}
        )
        cls.Proposal = cls.env["coop.proposal"]

    def _draft(self, i=0, **vals):
        values = {"name": "Un jardin partagé", "body": "<p>Créer un jardin.</p>", **vals}
        return self.Proposal.with_user(self.users[i])._member_create(self.members[i], values)

    def _published(self):
        proposal = self._draft()
        proposal.with_user(self.users[0])._member_publish(self.members[0])
        return proposal

    def _reach_threshold(self):
        proposal = self._published()
        for i in (1, 2, 3):
            proposal.with_user(self.users[i])._member_sign(self.members[i])
        return proposal

    def test_draft_coauthor_publish(self):
        """A member drafts a proposal, invites a co-author who edits it, and publishes it."""
        proposal = self._draft()
        self.assertEqual(proposal.state, "draft")
        self.assertEqual(proposal.author_id, self.members[0])
        found = proposal.with_user(self.users[0])._member_coauthor_candidates(
            self.members[0], self.members[1].partner_id.name
        )
        self.assertIn(self.members[1], found)
        proposal.with_user(self.users[0])._member_add_coauthor(self.members[0], self.members[1].id)
        proposal.with_user(self.users[1])._member_write(
            self.members[1], {"name": "Un jardin partagé", "body": "<p>Deux jardins.</p>"}
        )
        history = proposal.sudo().html_field_history_metadata["body"]
        self.assertEqual(len(history), 1)
        self.assertEqual(history[0]["create_user_name"], self.users[1].name)
        diff = proposal.sudo().html_field_history_get_comparison_at_revision("body", 1)
        self.assertIn("Deux", diff)
        proposal.with_user(self.users[1])._member_publish(self.members[1])
        self.assertEqual(proposal.state, "published")
        self.assertTrue(proposal.deadline > fields.Datetime.now())
        visible = self.Proposal.with_user(self.users[4])._member_proposals(self.members[4])
        self.assertIn(proposal, visible)
        self.assertNotIn(proposal, self.Proposal._member_proposals(self.member_b))

    def test_threshold_reaches_the_board(self):
        """Three members co-sign: the proposal goes to the governance officer's to-do list."""
        proposal = self._published()
        proposal.with_user(self.users[1])._member_sign(self.members[1])
        proposal.with_user(self.users[2])._member_sign(self.members[2])
        self.assertEqual(proposal.state, "published")
        proposal.with_user(self.users[2])._member_withdraw(self.members[2])
        self.assertEqual(proposal.sudo().signature_count, 1)
        proposal.with_user(self.users[2])._member_sign(self.members[2])
        proposal.with_user(self.users[3])._member_sign(self.members[3])
        self.assertEqual(proposal.state, "threshold")
        activity = proposal.sudo().activity_ids
        self.assertEqual(activity.user_id, self.gov_officer_a)
        self.assertIn("3", str(activity.note))

    def test_board_puts_on_agenda(self):
        """The officer puts the proposal on an assembly's agenda: a resolution, texts locked."""
        proposal = self._reach_threshold()
        assembly = self._create_assembly(resolutions=0)
        officer_view = proposal.with_user(self.gov_officer_a)
        officer_view.assembly_id = assembly
        officer_view.action_put_on_agenda()
        self.assertEqual(proposal.state, "agenda")
        resolution = proposal.resolution_id
        self.assertEqual(resolution.assembly_id, assembly)
        self.assertEqual(resolution.origin, "members")
        self.assertEqual(resolution.proposer_ids, self.members[0])
        self.assertEqual(resolution.cosigner_ids, self.members[1:4])
        self.assertIn("jardin", resolution.text)
        self.assertFalse(proposal.sudo().activity_ids)
        with self.assertRaisesRegex(UserError, "locked"):
            officer_view.body = "<p>Autre chose</p>"
        with self.assertRaisesRegex(UserError, "locked"):
            proposal.with_user(self.users[0])._member_write(self.members[0], {"name": "X"})

    def test_board_answers(self):
        """The board answers with a reason members read; an empty answer is refused."""
        proposal = self._reach_threshold().with_user(self.gov_officer_a)
        with self.assertRaisesRegex(UserError, "answer"):
            proposal.action_answer()
        proposal.answer_draft = "<p>Le budget ne le permet pas cette année.</p>"
        proposal.action_answer()
        self.assertEqual(proposal.state, "answered")
        self.assertIn("budget", proposal.answer)
        with self.assertRaises(UserError):
            proposal.action_put_on_agenda()

    def test_members_and_other_companies_cannot_decide(self):
        """A member cannot answer a proposal; an officer of another coop cannot see it."""
        proposal = self._reach_threshold()
        with self.assertRaises(AccessError):
            proposal.with_user(self.users[0]).action_answer()
        with self.assertRaises(AccessError):
            proposal.with_user(self.gov_officer_b).read(["name"])

    def test_bad_inputs_store_nothing(self):
        """Second signature, late signature, other coop, empty title, forged membership: refused."""
        with self.assertRaisesRegex(UserError, "title"):
            self._draft(name="  ")
        proposal = self._published()
        proposal.with_user(self.users[1])._member_sign(self.members[1])
        with self.assertRaisesRegex(UserError, "already signed"):
            proposal.with_user(self.users[1])._member_sign(self.members[1])
        with self.assertRaisesRegex(UserError, "cooperative"):
            proposal.with_user(self.user_b)._member_sign(self.member_b)
        with self.assertRaisesRegex(AccessError, "not yours"):
            proposal.with_user(self.users[2])._member_sign(self.members[3])
        with self.assertRaisesRegex(UserError, "locked"):
            proposal.with_user(self.users[0])._member_write(
                self.members[0], {"name": "Autre titre"}
            )
        with superuser_setup("arrange: the co-signature period is over"):
            proposal._guarded_write({"deadline": fields.Datetime.now() - timedelta(days=1)})
        with self.assertRaisesRegex(UserError, "closed"):
            proposal.with_user(self.users[2])._member_sign(self.members[2])
        with self.assertRaisesRegex(UserError, "closed"):
            proposal.with_user(self.users[1])._member_withdraw(self.members[1])
        self.assertEqual(proposal.sudo().signature_count, 1)
        self.assertEqual(proposal.name, "Un jardin partagé")

    def test_default_threshold_is_a_capped_share(self):
        """By default 5 % of the members sign, at least one, at most 100."""
        company = self.company_b
        self.assertEqual(company.coop_proposal_threshold_type, "share")
        self.assertEqual(company._coop_proposal_threshold(), 1)
        company.coop_proposal_threshold_share = 100.0
        members = self.env["coop.member"].search_count(
            [("company_id", "=", company.id), ("state", "in", ("member", "resigning"))]
        )
        self.assertEqual(company._coop_proposal_threshold(), min(members, 100))
