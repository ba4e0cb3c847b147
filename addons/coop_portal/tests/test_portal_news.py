from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from . import test_portal_accessibility as axe_tests
from .common import CoopPortalCase, create_portal_user

# Waits (up to 15 s) for Odoo's portal chatter under a post to be mounted: its bundle loads
# lazily, and a page left while it loads fails the browser test ("Error received after
# termination").
WAIT_CHATTER = """
    for (let i = 0; i < 150 && document.querySelector(".o_portal_chatter")
            && !document.querySelector("#chatterRoot")?.shadowRoot?.querySelector("div"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
"""


class NewsCase(CoopPortalCase):
    """The news of Auvergne-Rhône-Alpes and of its Valence group (issue #25 §7).

    Nadia moderates Auvergne-Rhône-Alpes; Romain coordinates the Valence group, where
    Bernard is a member; Hugo is a member of the cooperative outside the group; Claire
    belongs to Centre-Val de Loire.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.ara = ref("coop_membership.coop_company_ara")
        cls.centre = ref("coop_membership.coop_company_centre")
        cls.valence = ref("coop_engagement.coop_local_group_valence")
        cls.valence.action_join(cls.member_romain.partner_id, role="coordinator")
        # Bernard coordinates the group in the demo story: a plain member here.
        cls.valence.action_join(cls.member_bernard.partner_id).role = "member"
        # Nadia let the group publish its news (demo data; set again for older databases).
        cls.valence.coop_news_allowed = True
        cls.user_nadia = ref("coop_membership.user_nadia_chevalier")
        cls.user_hugo = create_portal_user(
            cls.env, "hugo", cls.member_hugo.partner_id, cls.member_hugo.company_id
        )
        cls.moderator_centre = create_user(
            cls.env,
            "moderator_centre",
            "coop_engagement.group_coop_moderator",
            cls.centre,
            coop_moderated_company_ids=[Command.set(cls.centre.ids)],
        )
        Blog = cls.env["blog.blog"]
        cls.blog_ara = Blog.search(
            [("coop_company_id", "=", cls.ara.id), ("coop_local_group_id", "=", False)]
        )
        cls.blog_centre = Blog.search(
            [("coop_company_id", "=", cls.centre.id), ("coop_local_group_id", "=", False)]
        )
        cls.blog_valence = cls.valence.coop_blog_id
        cls.members_post = ref("coop_portal.blog_post_ara_assembly")
        cls.Post = cls.env["blog.post"]

    def news_values(self, **values):
        return dict(
            {
                "name": "Chantier participatif sur le toit de l'école",
                "content": "Samedi matin, pose des panneaux.\nApportez des gants.",
                "audience": "public",
            },
            **values,
        )

    def group_news(self, user=None, **values):
        group = self.valence.with_user(user or self.user_romain)
        return group._coop_portal_create_news(self.news_values(**values))

    def french(self, *users):
        with superuser_setup("the French language, as the members have it"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.env["ir.module.module"]._load_module_terms(["coop_portal"], ["fr_FR"])
            for user in users:
                user.lang = "fr_FR"


@tagged("post_install", "-at_install")
class TestNewsPublishing(NewsCase):
    def test_every_cooperative_and_group_has_its_blog(self):
        """Each cooperative and local group has a news blog; a new group gets one at once."""
        self.assertTrue(self.blog_ara and self.blog_centre and self.blog_valence)
        self.assertEqual(self.blog_valence.coop_company_id, self.ara)
        group = (
            self.env["coop.local.group"]
            .with_user(self.user_nadia)
            .create({"name": "Romans-sur-Isère", "company_id": self.ara.id})
        )
        self.assertTrue(group.coop_blog_id, "the new group has its blog")
        self.assertEqual(group.coop_blog_id.coop_company_id, self.ara)

    def test_moderator_publishes_for_her_cooperative_only(self):
        """Nadia publishes news for Auvergne-Rhône-Alpes and its groups, never for Centre."""
        Post = self.Post.with_user(self.user_nadia).with_company(self.ara)
        post = Post.create(
            {
                "blog_id": self.blog_ara.id,
                "name": "Nouveau parc solaire à Crest",
                "content": "<p>Inauguration le 3 mai.</p><script>alert(1)</script>",
                "coop_audience": "members",
            }
        )
        post.is_published = True
        self.assertTrue(post.website_published)
        self.assertNotIn("<script", post.content, "a moderator's HTML is sanitized")
        Post.create({"blog_id": self.blog_valence.id, "name": "Café climat"})
        with self.assertRaises(AccessError):
            Post.create({"blog_id": self.blog_centre.id, "name": "Intrusion"})
        with superuser_setup("a post of Centre-Val de Loire, written by its moderator"):
            centre_post = self.Post.create({"blog_id": self.blog_centre.id, "name": "Tours"})
        with self.assertRaises(AccessError):
            centre_post.with_user(self.user_nadia).write({"is_published": True})
        self.assertFalse(centre_post.website_published)

    def test_coordinator_publishes_once_the_moderator_allows_it(self):
        """Romain publishes for Valence only once Nadia allows it; an officer cannot allow it."""
        self.valence.with_user(self.user_nadia).coop_news_allowed = False
        before = self.Post.search_count([])
        with self.assertRaises(AccessError):
            self.group_news()
        self.assertEqual(self.Post.search_count([]), before)
        with self.assertRaises(AccessError):
            self.valence.with_user(self.officer_ara).coop_news_allowed = True
        with self.assertRaises(AccessError):
            self.valence.with_user(self.moderator_centre).coop_news_allowed = True
        self.valence.with_user(self.user_nadia).coop_news_allowed = True
        post = self.group_news(audience="members")
        self.assertEqual(post.blog_id, self.blog_valence)
        self.assertTrue(post.website_published)
        self.assertEqual(post.author_id, self.member_romain.partner_id)
        self.assertEqual(post.coop_audience, "members")
        self.assertIn("<br", post.content, "line breaks are kept")
        # Bernard, a plain member of the group, may not publish.
        with self.assertRaises(AccessError):
            self.group_news(user=self.user_bernard)

    def test_bad_input_is_refused_in_french_and_stores_nothing(self):
        """Empty title, control characters, a text too long: a French error, nothing stored."""
        self.french(self.user_romain)
        group = self.valence.with_user(self.user_romain).with_context(lang="fr_FR")
        before = self.Post.search_count([])
        for wrong, message in (
            ({"name": False}, "Donnez un titre à l'actualité."),
            ({"content": False}, "Écrivez le texte de l'actualité."),
            ({"content": "x" * 20001}, "Le texte est trop long"),
            ({"audience": "everyone-else"}, "Choisissez qui peut lire"),
        ):
            with self.subTest(wrong=wrong), self.assertRaises(UserError) as refusal:
                group._coop_portal_create_news(self.news_values(**wrong))
            self.assertIn(message, str(refusal.exception))
        # The form refuses what its parser cannot take, with the page's error.
        self.authenticate("romain", "romain")
        url = f"/cooperative/groups/{self.valence.id}/news/new"
        for wrong, message in (
            ({"name": ""}, "Give the news a title."),
            ({"name": "Titre\x07"}, "Remove the control characters from Title."),
            ({"content": "Texte\x00"}, "Remove the control characters from Text."),
            ({"content": "x" * 20001}, "Text is too long (20000 characters at most)."),
        ):
            with self.subTest(wrong=wrong):
                response = self.post_form(url, self.news_values(**wrong))
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertEqual(self.Post.search_count([]), before)

    def test_form_needs_its_csrf_token(self):
        """The form posted without its CSRF token is refused and stores nothing."""
        self.authenticate("romain", "romain")
        before = self.Post.search_count([])
        with mute_logger("odoo.http"):
            response = self.url_open(
                f"/cooperative/groups/{self.valence.id}/news/new", data=self.news_values()
            )
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.Post.search_count([]), before)

    def test_form_in_the_member_space(self):
        """Romain publishes from his group's page; Claire, Bernard and visitors get no form."""
        self.authenticate("romain", "romain")
        group_page = self.url_open(f"/cooperative/groups/{self.valence.id}").text
        self.assertIn("Publish news for the group", group_page)
        url = f"/cooperative/groups/{self.valence.id}/news/new"
        response = self.post_form(url, self.news_values(name="Atelier vélo électrique"))
        self.assertIn("Your news is published", response.text)
        post = self.Post.search([("name", "=", "Atelier vélo électrique")])
        self.assertEqual(post.blog_id, self.blog_valence)
        for login in ("claire", "bernard"):
            self.authenticate(login, login)
            with mute_logger("odoo.http"):
                self.assertEqual(self.url_open(url).status_code, 404, login)
        self.authenticate(None, None)
        response = self.url_open(url, allow_redirects=False)
        self.assertIn(response.status_code, (302, 303))

    def test_tour_romain_publishes_news_that_bernard_reads_on_my(self):
        """Romain publishes a members-only group post in Chromium; Bernard reads it on /my."""
        self.start_tour("/cooperative/groups", "coop_portal_news_tour", login="romain")
        post = self.Post.search([("name", "=", "Réunion publique sur le solaire")])
        self.assertEqual(post.blog_id, self.blog_valence)
        self.assertEqual(post.coop_audience, "members")
        self.assertTrue(post.website_published)
        self.authenticate("bernard", "bernard")
        self.assertIn("Réunion publique sur le solaire", self.url_open("/my").text)
        self.authenticate("hugo", "hugo")
        self.assertNotIn("Réunion publique sur le solaire", self.url_open("/my").text)


@tagged("post_install", "-at_install")
class TestNewsAudience(NewsCase):
    def test_members_only_post_is_a_404_for_others(self):
        """A visitor and Claire get 404 on the cooperative's members-only post; Bernard reads it."""
        url = self.members_post.website_url
        title = self.members_post.name
        blog_url = f"/blog/{self.env['ir.http']._slug(self.blog_ara)}"
        for login in (None, "claire"):
            self.authenticate(login, login)
            with self.subTest(login=login), mute_logger("odoo.http"):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Assemblée générale", response.text)
                self.assertNotIn(title, self.url_open(blog_url).text)
                self.assertNotIn(title, self.url_open("/blog").text)
        self.authenticate("bernard", "bernard")
        response = self.url_open(url)
        self.assertEqual(response.status_code, 200)
        self.assertIn(title, response.text)
        self.assertIn(title, self.url_open(blog_url).text)

    def test_group_members_only_post_for_the_group(self):
        """A members-only post of the Valence group: Bernard reads it, Hugo (not in it) does not."""
        post = self.group_news(name="Réunion du groupe chez Romain", audience="members")
        self.assertTrue(post.with_user(self.user_bernard).has_access("read"))
        self.assertFalse(post.with_user(self.user_hugo).has_access("read"))
        self.assertFalse(post.with_user(self.user_claire).has_access("read"))
        self.authenticate("hugo", "hugo")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(post.website_url).status_code, 404)

    def test_my_news_shows_what_the_member_may_read(self):
        """/my shows Bernard his cooperative's, group's and federation's news; not to Claire."""
        self.authenticate("bernard", "bernard")
        page = self.url_open("/my").text
        self.assertIn("Latest news", page)
        for xmlid in ("blog_post_ara_assembly", "blog_post_valence_walk"):
            self.assertIn(self.env.ref(f"coop_portal.{xmlid}").name.replace("'", "&#39;"), page)
        self.assertIn("Rencontres nationales", page)
        self.authenticate("claire", "claire")
        page = self.url_open("/my").text
        self.assertNotIn(self.members_post.name, page)
        self.assertNotIn("Balade thermique", page)
        self.assertIn("Rencontres nationales", page)

    def test_my_news_is_one_bounded_search(self):
        """With more news than the block holds, Bernard's /my lists the five latest."""
        with superuser_setup("a busy month of news in Auvergne-Rhône-Alpes"):
            self.Post.create(
                [
                    {"blog_id": self.blog_ara.id, "name": f"Brève {n}", "is_published": True}
                    for n in range(7)
                ]
            )
        news = self.Post.with_user(self.user_bernard)._coop_member_news(
            self.member_bernard.partner_id, self.ara
        )
        self.assertEqual(len(news), 5)
        self.assertTrue(all(n.name.startswith("Brève") for n in news))


@tagged("post_install", "-at_install")
class TestNewsComments(NewsCase):
    def comment(self, login, post, body):
        self.authenticate(login, login)
        return self.make_jsonrpc_request(
            "/mail/message/post",
            {
                "thread_model": "blog.post",
                "thread_id": post.id,
                "post_data": {
                    "body": body,
                    "message_type": "comment",
                    "subtype_xmlid": "mail.mt_comment",
                },
            },
        )

    def test_member_comments_and_moderator_removes_it(self):
        """Bernard comments the members-only post; Claire cannot; Nadia removes the comment."""
        self.comment("bernard", self.members_post, "Je propose une résolution sur les tarifs.")
        message = self.members_post.website_message_ids.filtered(
            lambda m: "résolution sur les tarifs" in m.body
        )
        self.assertTrue(message)
        self.assertEqual(message.author_id, self.member_bernard.partner_id)
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException):
            self.comment("claire", self.members_post, "Intrusion")
        self.assertFalse(
            self.members_post.website_message_ids.filtered(lambda m: "Intrusion" in m.body)
        )
        with self.assertRaises(AccessError):
            message.with_user(self.moderator_centre).action_coop_remove_comment()
        self.assertTrue(message.exists())
        # Not a way to delete other messages: the blog's notice of the published post.
        notice = self.blog_ara.message_ids[:1]
        self.assertTrue(notice)
        with self.assertRaises(UserError):
            notice.with_user(self.user_nadia).action_coop_remove_comment()
        message.with_user(self.user_nadia).action_coop_remove_comment()
        self.assertFalse(message.exists())

    def fetch_comments(self, login, post):
        """The comments the post's page shows to ``login`` (Odoo's portal chatter)."""
        self.authenticate(login, login)
        result = self.make_jsonrpc_request(
            "/mail/chatter_fetch", {"thread_model": "blog.post", "thread_id": post.id}
        )
        return " ".join(m["body"] for m in result["data"]["mail.message"])

    def test_moderator_hides_a_comment_and_shows_it_again(self):
        """Nadia hides Bernard's comment: members no longer read it, it is kept, and she
        may show it again; a moderator of another region may do neither."""
        self.comment("bernard", self.members_post, "Un avis un peu vif sur le bureau.")
        message = self.members_post.website_message_ids.filtered(lambda m: "un peu vif" in m.body)
        self.assertIn("un peu vif", self.fetch_comments("bernard", self.members_post))
        with self.assertRaises(AccessError):
            message.with_user(self.moderator_centre).action_coop_hide_comment()
        message.with_user(self.user_nadia).action_coop_hide_comment()
        self.assertTrue(message.exists())
        self.assertTrue(message.is_internal)
        self.assertNotIn("un peu vif", self.fetch_comments("bernard", self.members_post))
        message.with_user(self.user_nadia).action_coop_show_comment()
        self.assertIn("un peu vif", self.fetch_comments("bernard", self.members_post))
        notice = self.blog_ara.message_ids[:1]
        with self.assertRaises(UserError):
            notice.with_user(self.user_nadia).action_coop_hide_comment()


@tagged("post_install", "-at_install")
class TestNewsAccessibility(axe_tests.AxeAuditMixin, NewsCase):
    """axe-core on the news form, a news page and /my with its news."""

    def test_news_pages_are_accessible(self):
        """The news form, a members-only news page and /my have no serious or critical violation."""
        for url, login in (
            (f"/cooperative/groups/{self.valence.id}/news/new", "romain"),
            (self.members_post.website_url, "bernard"),
            ("/my", "bernard"),
        ):
            with self.subTest(url=url):
                self.assert_accessible(url, login=login, steps=WAIT_CHATTER + axe_tests.AUDIT_PAGE)
