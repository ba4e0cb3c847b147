from odoo.exceptions import AccessError, UserError

# The module, not the class: a test class in this module's namespace would run here too.
from odoo.addons.coop_governance.tests import test_proposal


class TestProposalEngagement(test_proposal.TestProposal):
    """Drafting, co-authoring and co-signing count; moderators hide, never edit."""

    # The flows of coop_governance run once, there.
    test_draft_coauthor_publish = None
    test_threshold_reaches_the_board = None
    test_board_puts_on_agenda = None
    test_board_answers = None
    test_members_and_other_companies_cannot_decide = None
    test_bad_inputs_store_nothing = None
    test_default_threshold_is_a_capped_share = None

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.moderator_a = cls._create_user(
            "proposal_moderator_a", "coop_engagement.group_coop_moderator", cls.company_a
        )
        cls.moderator_a.coop_moderated_company_ids = cls.company_a
        cls.moderator_b = cls._create_user(
            "proposal_moderator_b", "coop_engagement.group_coop_moderator", cls.company_b
        )
        cls.moderator_b.coop_moderated_company_ids = cls.company_b

    def _types(self, member):
        return set(
            self.env["coop.engagement.activity"]
            .search(
                [("partner_id", "=", member.partner_id.id), ("res_model", "=", "coop.proposal")]
            )
            .mapped("activity_type")
        )

    def test_drafting_coauthoring_cosigning_are_engagement(self):
        """Author and co-author count as proposers once published; co-signers as co-signers."""
        proposal = self._draft()
        proposal.with_user(self.users[0])._member_add_coauthor(self.members[0], self.members[1].id)
        self.assertFalse(self._types(self.members[0]))
        proposal.with_user(self.users[0])._member_publish(self.members[0])
        self.assertEqual(self._types(self.members[0]), {"resolution_proposed"})
        self.assertEqual(self._types(self.members[1]), {"resolution_proposed"})
        proposal.with_user(self.users[2])._member_sign(self.members[2])
        proposal.with_user(self.users[2])._member_withdraw(self.members[2])
        proposal.with_user(self.users[2])._member_sign(self.members[2])
        activities = self.env["coop.engagement.activity"].search(
            [
                ("partner_id", "=", self.members[2].partner_id.id),
                ("res_model", "=", "coop.proposal"),
            ]
        )
        self.assertEqual(activities.mapped("activity_type"), ["resolution_cosigned"])

    def test_moderator_hides_with_a_reason_the_author_sees(self):
        """A moderator hides a proposal with a reason: members lose it, its author reads why."""
        proposal = self._published()
        text = proposal.body
        with self.assertRaises(AccessError):
            proposal.with_user(self.moderator_b).action_moderate_hide("Hors sujet")
        with self.assertRaises(AccessError):
            proposal.with_user(self.users[1]).action_moderate_hide("Hors sujet")
        with self.assertRaisesRegex(UserError, "why"):
            proposal.with_user(self.moderator_a).action_moderate_hide("  ")
        proposal.with_user(self.moderator_a).action_moderate_hide("Propos injurieux")
        self.assertEqual(proposal.state, "hidden")
        self.assertEqual(proposal.body, text)
        self.assertNotIn(proposal, self.Proposal._member_proposals(self.members[1]))
        seen = self.Proposal.with_user(self.users[0])._member_proposals(self.members[0])
        self.assertEqual(seen.filtered(lambda p: p == proposal).hidden_reason, "Propos injurieux")
        with self.assertRaises(UserError):
            proposal.with_user(self.users[2])._member_sign(self.members[2])
        # Refused (by its lock, and by the moderator's read-only access).
        with self.assertRaises(UserError):
            proposal.with_user(self.moderator_a).write({"name": "Autre"})
        self.assertEqual(proposal.name, "Un jardin partagé")

    def test_moderator_hides_from_the_form(self):
        """The moderator opens the proposal's form and hides it through the dialog."""
        proposal = self._published()
        moderator_view = proposal.with_user(self.moderator_a)
        form_view = moderator_view.get_views([(False, "form")])["views"]["form"]
        self.assertIn("Hide", form_view["arch"])
        # The signers are the office's to see, not in the moderator's form.
        self.assertNotIn("signature_ids", form_view["arch"])
        spec = {
            name: {}
            for name in ("name", "state", "body", "signature_count", "author_id", "signature_ids")
        }
        moderator_view.web_read(spec)
        wizard = (
            self.env["coop.proposal.hide.wizard"]
            .with_user(self.moderator_a)
            .with_context(default_proposal_id=proposal.id)
            .create({"reason": "Doublon d'une autre proposition"})
        )
        wizard.action_confirm()
        self.assertEqual(proposal.state, "hidden")
        self.assertEqual(proposal.hidden_reason, "Doublon d'une autre proposition")
