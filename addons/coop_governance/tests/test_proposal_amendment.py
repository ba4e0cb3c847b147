from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import GovernanceCommon


class TestProposalAmendment(GovernanceCommon):
    """Members amend the resolutions of a convened assembly during its amendment window;
    the board accepts the amendments onto the agenda or rejects them with a reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls._create_members(4, cls.college_a_cons, "Member")
        cls.member_b = cls._create_member("Other coop member", company=cls.company_b)
        cls.users = [
            new_test_user(
                cls.env,
                login=f"amend_member_{i}",
                groups="base.group_portal",
                partner_id=member.partner_id.id,
            )
            for i, member in enumerate(cls.members)
        ]
        cls.user_b = new_test_user(
            cls.env,
            login="amend_member_b",
            groups="base.group_portal",
            partner_id=cls.member_b.partner_id.id,
        )
        # Two signatures send an amendment to the board.
        cls.company_a.write(
            {"coop_proposal_threshold_type": "count", "coop_proposal_threshold_count": 2}
        )
        cls.assembly = cls._create_assembly(resolutions=2).with_user(cls.gov_officer_a)
        cls.assembly.action_convene()
        cls.resolution = cls.assembly.resolution_ids.sorted("sequence")[1]
        cls.Proposal = cls.env["coop.proposal"]

    def _amend(self, i=0, resolution=None, **vals):
        values = {
            "name": "Amendement : deux jardins",
            "body": "<p>Créer deux jardins.</p>",
            "amended_resolution_id": (resolution or self.resolution).id,
            **vals,
        }
        return self.Proposal.with_user(self.users[i])._member_create(self.members[i], values)

    def _published(self):
        amendment = self._amend()
        amendment.with_user(self.users[0])._member_publish(self.members[0])
        return amendment

    def _at_the_board(self):
        amendment = self._published()
        for i in (1, 2):
            amendment.with_user(self.users[i])._member_sign(self.members[i])
        self.assertEqual(amendment.state, "threshold")
        return amendment.with_user(self.gov_officer_a)

    def _count(self):
        return self.Proposal.search_count(
            [("amended_resolution_id.assembly_id", "=", self.assembly.id)]
        )

    def test_member_amends_during_the_window(self):
        """A member amends a resolution with a co-author and publishes it until the window ends."""
        self.assertTrue(self.assembly.amendment_window_open)
        self.assertEqual(
            self.assembly.amendment_deadline,
            self.assembly.date - timedelta(days=self.company_a.coop_amendment_days),
        )
        amendment = self._amend()
        self.assertEqual(amendment.kind, "amendment")
        amendment.with_user(self.users[0])._member_add_coauthor(self.members[0], self.members[1].id)
        amendment.with_user(self.users[0])._member_publish(self.members[0])
        self.assertEqual(amendment.state, "published")
        self.assertEqual(amendment.deadline, self.assembly.amendment_deadline)
        visible = self.Proposal.with_user(self.users[3])._member_proposals(self.members[3])
        self.assertIn(amendment, visible)
        self.assertEqual(self.resolution.amendment_proposal_count, 1)
        # The staff moves the window: the co-signature closes with it.
        new_end = fields.Datetime.now() + timedelta(days=3)
        self.assembly.amendment_deadline = new_end
        self.assertEqual(amendment.deadline, new_end)

    def test_refusals_store_nothing(self):
        """Window closed, open assembly, amendment of an amendment, other cooperative: refused."""
        amendment_resolution = (
            self.env["coop.resolution"]
            .with_user(self.gov_officer_a)
            .create(
                {
                    "assembly_id": self.assembly.id,
                    "name": "Amendement du conseil",
                    "parent_id": self.resolution.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "cannot be amended in turn"):
            self._amend(resolution=amendment_resolution)
        with self.assertRaisesRegex(UserError, "Only members of the assembly's cooperative"):
            self.Proposal.with_user(self.user_b)._member_create(
                self.member_b,
                {"name": "Amendement", "amended_resolution_id": self.resolution.id},
            )
        draft = self._amend()
        self.assembly.amendment_deadline = fields.Datetime.now() - timedelta(minutes=1)
        self.assertFalse(self.assembly.amendment_window_open)
        with self.assertRaisesRegex(UserError, "are closed"):
            self._amend(i=1)
        with self.assertRaisesRegex(UserError, "are closed"):
            draft.with_user(self.users[0])._member_publish(self.members[0])
        self.assertEqual(draft.state, "draft")
        self.assembly.amendment_deadline = fields.Datetime.now() + timedelta(days=2)
        self.assembly.action_open()
        with self.assertRaisesRegex(UserError, "while the assembly is convened"):
            self._amend(i=2)
        with self.assertRaisesRegex(UserError, "before the assembly opens"):
            self.assembly.amendment_deadline = fields.Datetime.now() + timedelta(days=3)
        self.assertEqual(self._count(), 1)

    def test_second_signature_refused(self):
        """A member co-signs an amendment once; the second signature is refused."""
        amendment = self._published()
        amendment.with_user(self.users[1])._member_sign(self.members[1])
        with self.assertRaisesRegex(UserError, "already signed"):
            amendment.with_user(self.users[1])._member_sign(self.members[1])
        self.assertEqual(amendment.sudo().signature_count, 1)

    def test_board_accepts_amendment_voted_before_its_parent(self):
        """The officer accepts the amendment: an amendment resolution voted before its parent."""
        amendment = self._at_the_board()
        self.assertEqual(amendment.sudo().activity_ids.user_id, self.gov_officer_a)
        amendment.action_put_on_agenda()
        self.assertEqual(amendment.state, "agenda")
        resolution = amendment.resolution_id
        self.assertEqual(resolution.parent_id, self.resolution)
        self.assertEqual(resolution.assembly_id, self.assembly)
        self.assertEqual(resolution.proposer_ids, self.members[0])
        self.assertEqual(resolution.cosigner_ids, self.members[1:3])
        self.assertIn(resolution, self.resolution.amendment_ids)
        agenda = self.assembly.resolution_ids.sorted(lambda r: (r.sequence, r.id))
        self.assertLess(list(agenda).index(resolution), list(agenda).index(self.resolution))
        with self.assertRaisesRegex(UserError, "locked"):
            amendment.body = "<p>Autre chose</p>"
        # The amended resolution is voted only once its amendments are.
        self.assembly.action_open()
        self.assembly.voter_ids.action_check_in("remote")
        with self.assertRaisesRegex(UserError, "Vote on the amendments"):
            self.resolution.with_user(self.gov_officer_a).action_start_vote()

    def test_board_rejects_amendment_with_reason(self):
        """The officer rejects the amendment with a reason the members read."""
        amendment = self._at_the_board()
        with self.assertRaisesRegex(UserError, "answer"):
            amendment.action_answer()
        amendment.answer_draft = "<p>Le budget ne permet qu'un jardin.</p>"
        amendment.action_answer()
        self.assertEqual(amendment.state, "answered")
        self.assertFalse(self.resolution.amendment_ids)
        seen = self.Proposal.with_user(self.users[3])._member_proposals(self.members[3])
        self.assertIn("budget", seen.filtered(lambda p: p == amendment).answer)

    def test_scheduled_job_closes_expired_proposals(self):
        """Past its deadline below the threshold a proposal closes; signing it is refused."""
        expired = self._published()
        expired.with_user(self.users[1])._member_sign(self.members[1])
        at_board = self._at_the_board()
        still_open = self.Proposal.with_user(self.users[3])._member_create(
            self.members[3], {"name": "Un verger", "body": "<p>Un verger.</p>"}
        )
        still_open.with_user(self.users[3])._member_publish(self.members[3])
        with superuser_setup("arrange: the co-signature periods are over"):
            (expired | at_board)._guarded_write(
                {"deadline": fields.Datetime.now() - timedelta(hours=1)}
            )
        self.env.ref("coop_governance.ir_cron_coop_proposal_expire").method_direct_trigger()
        self.assertEqual(expired.state, "expired")
        self.assertEqual(at_board.state, "threshold")
        self.assertEqual(still_open.state, "published")
        with self.assertRaisesRegex(UserError, "not open for co-signature"):
            expired.with_user(self.users[2])._member_sign(self.members[2])
        with self.assertRaisesRegex(UserError, "not open for co-signature"):
            expired.with_user(self.users[1])._member_withdraw(self.members[1])
        with self.assertRaisesRegex(UserError, "closed"):
            at_board.with_user(self.users[3])._member_sign(self.members[3])
        self.assertEqual(expired.sudo().signature_count, 1)
        # Members still read it, closed.
        seen = self.Proposal.with_user(self.users[3])._member_proposals(self.members[3])
        self.assertIn(expired, seen)
