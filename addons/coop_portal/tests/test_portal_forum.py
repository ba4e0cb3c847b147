from markupsafe import escape

from odoo import Command
from odoo.exceptions import AccessError, MissingError, ValidationError
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.common import create_user

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalForum(CoopPortalCase):
    """One members-only forum per cooperative, a thread per AG resolution, regional
    moderation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.ara = ref("coop_membership.coop_company_ara")
        cls.centre = ref("coop_membership.coop_company_centre")
        cls.forum = cls.ara._coop_forum()
        # No-op on a fresh database (the demo convened the assembly with this module).
        cls.assembly.resolution_ids._coop_open_forum_threads()
        cls.resolution = ref("coop_governance.coop_resolution_ara_statutes")
        cls.thread = cls.resolution.coop_forum_post_id
        cls.user_nadia = ref("coop_membership.user_nadia_chevalier")  # moderates ARA
        # A moderator of Centre-Val de Loire, also on the staff of ARA (can read there).
        cls.user_mod_centre = create_user(
            cls.env,
            "mod_centre",
            "coop_engagement.group_coop_moderator",
            cls.centre,
            cls.ara,
            name="Modératrice Centre",
            password="mod_centre",
            coop_moderated_company_ids=[Command.set(cls.centre.ids)],
        )

    def answer(self, user, text="Je suis pour.", parent=None):
        return (
            self.env["forum.post"]
            .with_user(user)
            .create(
                {
                    "forum_id": self.forum.id,
                    "parent_id": (parent or self.thread).id,
                    "content": f"<p>{text}</p>",
                }
            )
        )

    def test_convening_opens_a_thread_per_resolution(self):
        proposed = self.assembly.resolution_ids.filtered(lambda r: r.state == "proposed")
        self.assertTrue(proposed)
        threads = proposed.coop_forum_post_id
        self.assertEqual(len(threads), len(proposed), "one thread per resolution")
        self.assertEqual(threads.forum_id, self.forum)
        self.assertEqual(self.forum.coop_company_id, self.ara)
        self.assertIn("General assembly", threads.tag_ids.mapped("name"))
        self.assertIn(self.resolution.name, self.thread.name)
        # Idempotent: convening hooks and proposals never open a second thread.
        proposed._coop_open_forum_threads()
        self.assertEqual(
            self.env["forum.post"].search_count([("coop_resolution_id", "in", proposed.ids)]),
            len(proposed),
        )
        # Each cooperative has its own forum with a tag per engagement theme.
        self.assertNotEqual(self.centre._coop_forum(), self.forum)
        themes = self.env["coop.engagement.theme"].search([]).mapped("name")
        self.assertLessEqual(set(themes), set(self.forum.tag_ids.mapped("name")))

    def test_resolution_page_links_to_its_thread(self):
        self.authenticate("bernard", "bernard")
        voter = self.voter(self.member_bernard)
        page = self.url_open(f"/my/assemblies/{voter.id}").text
        self.assertIn("Discuss this resolution with the members", page)
        self.assertIn(self.thread.website_url, page)
        response = self.url_open(self.thread.website_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(str(escape(self.resolution.name)), response.text)

    def test_forum_is_for_the_cooperative_members_only(self):
        self.answer(self.user_bernard, "Avis de Bernard sur les statuts")
        url = self.thread.website_url
        # A member of another cooperative, and an anonymous visitor: no page, no leak.
        self.authenticate("claire", "claire")
        response = self.url_open(url)
        self.assertIn(response.status_code, (403, 404))
        self.assertNotIn("Avis de Bernard", response.text)
        self.assertNotIn(str(escape(self.resolution.name)), response.text)
        self.authenticate(None, None)
        response = self.url_open(url)
        self.assertNotEqual(response.status_code, 200)
        self.assertNotIn("Avis de Bernard", response.text)
        # Nor through the ORM (JSON-RPC reads go the same way).
        Post = self.env["forum.post"].with_user(self.user_claire)
        self.assertFalse(Post.search([("forum_id", "=", self.forum.id)]))
        with self.assertRaises(AccessError):
            self.thread.with_user(self.user_claire).read(["content"])
        self.assertFalse(
            self.env["forum.forum"].with_user(self.user_claire).search([("id", "=", self.forum.id)])
        )
        # The /forum index lists the member's own cooperative forum only.
        self.authenticate("bernard", "bernard")
        index = self.url_open("/forum").text
        self.assertIn(str(escape(self.forum.name)), index)
        self.assertNotIn(str(escape(self.centre._coop_forum().name)), index)

    def test_posting_requires_an_active_membership(self):
        Post = self.env["forum.post"]
        answer = self.answer(self.user_romain, "Romain est pour")
        self.assertTrue(answer.can_view)
        workshop = self.env.ref("coop_portal.event_ara_members_workshop")
        Event = self.env["event.event"].with_user(self.user_romain)
        self.assertEqual(Event.search([("id", "=", workshop.id)]), workshop)
        # Romain's membership ends: at once (no cache to wait for) he can neither read
        # nor write, and nothing is stored.
        # (SQL: the exit itself is coop_membership's business, tested there.)
        self.env.cr.execute(
            "UPDATE coop_member SET state = 'resigned', is_active_member = FALSE WHERE id = %s",
            [self.member_romain.id],
        )
        self.env.invalidate_all()
        self.assertFalse(self.member_romain.is_active_member)
        before = Post.search_count([("forum_id", "=", self.forum.id)])
        # The forum he may no longer read answers like a missing one (issue #21).
        with self.assertRaises(MissingError):
            self.answer(self.user_romain, "Encore moi")
        with self.assertRaises(AccessError):
            self.thread.with_user(self.user_romain).read(["name"])
        self.assertEqual(Post.search_count([("forum_id", "=", self.forum.id)]), before)
        # The same holds for the members-only events of his cooperative.
        self.assertFalse(Event.search([("id", "=", workshop.id)]))
        # A member of another cooperative cannot write there either, and the refusal
        # names no cooperative (it answers like a missing forum).
        with self.assertRaises(MissingError) as refused:
            Post.with_user(self.user_claire).create(
                {"forum_id": self.forum.id, "name": "Intrus", "content": "<p>x</p>"}
            )
        self.assertNotIn(self.ara.name, str(refused.exception))
        self.assertEqual(Post.search_count([("forum_id", "=", self.forum.id)]), before)

    def test_post_through_the_website_and_forged_forum(self):
        self.authenticate("bernard", "bernard")
        reply_url = f"/forum/{self.forum.id}/{self.thread.id}/reply"
        response = self.post_form(
            reply_url, {"content": "<p>Réponse par le site</p>"}, form_url=self.thread.website_url
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(
            self.env["forum.post"].search(
                [("parent_id", "=", self.thread.id), ("content", "ilike", "Réponse par le site")]
            )
        )
        # Claire forges the URL of the ARA thread: refused, nothing stored.
        self.authenticate("claire", "claire")
        token = self.csrf("/my")
        response = self.url_open(
            reply_url, data={"content": "<p>Réponse forgée</p>", "csrf_token": token}
        )
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(self.env["forum.post"].search([("content", "ilike", "Réponse forgée")]))
        # Without CSRF token, even Bernard is refused.
        self.authenticate("bernard", "bernard")
        response = self.url_open(reply_url, data={"content": "<p>Sans jeton</p>"})
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.env["forum.post"].search([("content", "ilike", "Sans jeton")]))

    def test_members_flag_moderators_of_the_region_moderate(self):
        post = self.answer(self.user_romain, "Message douteux")
        # A member flags; he cannot close, hide or edit someone else's post.
        post.with_user(self.user_bernard)._flag()
        self.assertEqual(post.state, "flagged")
        with self.assertRaisesRegex(AccessError, "Only the moderators"):
            post.with_user(self.user_bernard).write({"active": False})
        with self.assertRaisesRegex(AccessError, "Only the moderators"):
            post.with_user(self.user_bernard).write({"content": "<p>réécrit</p>"})
        with self.assertRaisesRegex(AccessError, "Only the moderators"):
            self.thread.with_user(self.user_bernard).close(
                self.env.ref("website_forum.reason_1").id
            )
        self.assertTrue(post.active)
        self.assertIn("Message douteux", post.content)
        # His own post he edits.
        own = self.answer(self.user_bernard, "Premier jet")
        own.with_user(self.user_bernard).write({"content": "<p>Version corrigée</p>"})
        self.assertIn("Version corrigée", own.content)
        # The moderator of another region cannot, even where she can read.
        with self.assertRaisesRegex(AccessError, "Only the moderators"):
            post.with_user(self.user_mod_centre).write({"active": False})
        with self.assertRaisesRegex(AccessError, "Only the moderators"):
            post.with_user(self.user_mod_centre).validate()
        self.assertTrue(post.active)
        # The region's moderator hides it; members no longer see it, she still does.
        post.with_user(self.user_nadia).validate()
        self.assertEqual(post.state, "active")
        post.with_user(self.user_nadia).write({"active": False})
        self.assertFalse(post.active)
        Post = self.env["forum.post"].with_context(active_test=False)
        self.assertFalse(
            Post.with_user(self.user_bernard).search(
                [("id", "=", post.id), ("can_view", "=", True)]
            )
        )
        self.assertTrue(
            Post.with_user(self.user_nadia).search([("id", "=", post.id), ("can_view", "=", True)])
        )
        # She closes the thread of the resolution once the assembly is over.
        self.thread.with_user(self.user_nadia).close(self.env.ref("website_forum.reason_1").id)
        self.assertEqual(self.thread.state, "close")

    def test_moderation_pages_are_for_the_region_moderators(self):
        url = f"/forum/{self.forum.id}/flagged_queue"
        self.authenticate("bernard", "bernard")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertNotIn("Moderation tools", self.url_open(self.thread.website_url).text)
        self.authenticate("mod_centre", "mod_centre")
        self.assertEqual(self.url_open(url).status_code, 404)
        self.user_nadia.password = "nadia"
        self.authenticate(self.user_nadia.login, "nadia")
        self.assertEqual(self.url_open(url).status_code, 200)

    def test_forum_stays_members_only(self):
        with self.assertRaisesRegex(ValidationError, "members only"):
            self.forum.privacy = "public"
        with self.assertRaises(ValidationError):
            self.forum.authorized_group_id = self.env.ref("base.group_portal")
