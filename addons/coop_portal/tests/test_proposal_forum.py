from markupsafe import escape

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestProposalForum(CoopPortalCase):
    """A member proposal is discussed in one thread of its cooperative's forum, from its
    publication to the resolution it becomes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.member_bernard.company_id
        cls.forum = cls.company._coop_forum()
        cls.user_nadia = cls.env.ref("coop_membership.user_nadia_chevalier")  # moderates ARA
        cls.company.write(
            {"coop_proposal_threshold_type": "count", "coop_proposal_threshold_count": 1}
        )

    def publish(self, title="Un jardin partagé"):
        """Bernard drafts and publishes a proposal, as in his member space."""
        Proposal = self.env["coop.proposal"].with_user(self.user_bernard)
        proposal = Proposal._member_create(
            self.member_bernard,
            {"name": title, "body": "<p>Créer un jardin partagé.</p>", "rationale": False},
        )
        proposal._member_publish(self.member_bernard)
        return proposal.with_env(self.env)

    def threads(self, proposal):
        return (
            self.env["forum.post"]
            .with_context(active_test=False)
            .search([("coop_proposal_id", "=", proposal.id), ("parent_id", "=", False)])
        )

    def answer(self, user, thread, text):
        return (
            self.env["forum.post"]
            .with_user(user)
            .create({"forum_id": thread.forum_id.id, "parent_id": thread.id, "content": text})
        )

    def test_publishing_opens_one_thread_for_its_members(self):
        """Bernard publishes: one thread in his cooperative's forum, which Romain (same
        cooperative) reads and answers, and Claire (another one) finds like a missing page."""
        proposal = self.publish()
        thread = self.threads(proposal)
        self.assertEqual(len(thread), 1)
        self.assertEqual(proposal.coop_forum_post_id, thread)
        self.assertEqual(thread.forum_id, self.forum)
        self.assertIn("Un jardin partagé", thread.name)
        self.assertIn(f'href="/my/proposals/{proposal.id}"', thread.content)
        self.assertIn("Créer un jardin partagé.", thread.content)
        # Romain, a member of the same cooperative, reads and answers.
        self.assertEqual(thread.with_user(self.user_romain).read(["name"])[0]["id"], thread.id)
        self.answer(self.user_romain, thread, "<p>Bonne idée.</p>")
        self.assertEqual(proposal.coop_forum_answer_count, 1)
        # Claire, of another cooperative: not through the ORM...
        with self.assertRaises(AccessError):
            thread.with_user(self.user_claire).read(["name"])
        self.assertFalse(
            self.env["forum.post"].with_user(self.user_claire).search([("id", "=", thread.id)])
        )
        # ...nor the website, which answers as for a thread that does not exist.
        self.authenticate("claire", "claire")
        response = self.url_open(f"/forum/{self.forum.id}/{thread.id}")
        missing = self.url_open(f"/forum/{self.forum.id}/999999999")
        self.assertEqual(response.status_code, missing.status_code)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("Un jardin partagé", response.text)
        self.assertNotIn("Bonne idée", response.text)

    def test_proposal_page_links_to_its_discussion(self):
        """Bernard's proposal page offers to discuss it in the forum, with the number of
        messages, and the thread links back to the proposal."""
        proposal = self.publish()
        thread = proposal.coop_forum_post_id
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/proposals/{proposal.id}").text
        self.assertIn("Discuss it in the forum", page)
        self.assertIn(str(escape(thread.website_url)), page)
        self.assertIn("(0 messages)", page)
        self.answer(self.user_romain, thread, "<p>Je signe.</p>")
        page = self.url_open(f"/my/proposals/{proposal.id}").text
        self.assertIn("(1 message)", page)
        forum_page = self.url_open(thread.website_url)
        self.assertEqual(forum_page.status_code, 200)
        self.assertIn(f'href="/my/proposals/{proposal.id}"', forum_page.text)
        self.assertIn("Je signe.", forum_page.text)
        # A draft has no thread and no link.
        draft = (
            self.env["coop.proposal"]
            .with_user(self.user_bernard)
            ._member_create(self.member_bernard, {"name": "Brouillon", "body": "<p>x</p>"})
        )
        self.assertFalse(self.threads(draft))
        self.assertNotIn("Discuss it in the forum", self.url_open(f"/my/proposals/{draft.id}").text)

    def test_agenda_reuses_the_thread(self):
        """Romain's signature sends the proposal to the board, which puts it on the
        assembly's agenda: its resolution is discussed in the same thread, with
        Romain's earlier message, and proposing it opens no second thread."""
        proposal = self.publish()
        thread = proposal.coop_forum_post_id
        earlier = self.answer(self.user_romain, thread, "<p>Je suis pour.</p>")
        proposal.with_user(self.user_romain)._member_sign(self.member_romain)
        self.assertEqual(proposal.state, "threshold")
        board = proposal.with_user(self.gov_officer)
        board.assembly_id = self.assembly
        board.action_put_on_agenda()
        resolution = proposal.resolution_id
        self.assertEqual(resolution.coop_forum_post_id, thread)
        self.assertEqual(proposal.coop_forum_post_id, thread)
        resolution.with_user(self.gov_officer).action_propose()
        self.assertEqual(resolution.state, "proposed")
        self.assertEqual(
            self.env["forum.post"].search_count(
                [("coop_resolution_id", "=", resolution.id), ("parent_id", "=", False)]
            ),
            1,
        )
        self.assertEqual(len(self.threads(proposal)), 1)
        self.assertEqual(resolution.coop_forum_post_id, thread)
        self.assertIn(earlier, thread.child_ids)
        self.assertIn(self.assembly.name, thread.name)
        self.assertIn("General assembly", thread.tag_ids.mapped("name"))
        # The members' vote page links to the same discussion.
        self.authenticate("bernard", "bernard")
        voter = self.voter(self.member_bernard)
        self.assertIn(thread.website_url, self.url_open(f"/my/assemblies/{voter.id}").text)

    def test_hiding_the_proposal_hides_its_thread(self):
        """Nadia, moderator of the cooperative, hides the proposal: its thread is hidden
        from the members and takes no more answers; the author's page has no link."""
        proposal = self.publish()
        thread = proposal.coop_forum_post_id
        self.answer(self.user_romain, thread, "<p>Hors sujet.</p>")
        Activity = self.env["coop.engagement.activity"]
        debate = [("res_model", "=", "forum.post"), ("res_id", "=", thread.id)]
        self.assertEqual(Activity.search(debate).member_id, self.member_romain)
        proposal.with_user(self.user_nadia).action_moderate_hide("Hors des statuts")
        self.assertEqual(proposal.state, "hidden")
        self.assertFalse(thread.active)
        # What members can no longer read no longer counts as their engagement.
        self.assertFalse(Activity.search(debate))
        self.assertFalse(proposal.coop_forum_post_id)
        Post = self.env["forum.post"].with_context(active_test=False)
        seen = Post.with_user(self.user_romain).search(
            [("id", "=", thread.id), ("can_view", "=", True)]
        )
        self.assertFalse(seen)
        # Nor does its author answer any more: Odoo refuses answers to a deleted question.
        with self.assertRaises(UserError), self.env.cr.savepoint():
            self.answer(self.user_bernard, thread, "<p>Encore.</p>")
        self.assertEqual(len(thread.with_context(active_test=False).child_ids), 1)
        self.authenticate("romain", "romain")
        self.assertEqual(self.url_open(thread.website_url).status_code, 404)
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/proposals/{proposal.id}").text
        self.assertIn("Hors des statuts", page)
        self.assertNotIn("Discuss it in the forum", page)
        with superuser_setup("check: the moderation archived the thread, it is not deleted"):
            self.assertTrue(Post.search([("id", "=", thread.id)]))
