from odoo.tests import JsonRpcException, tagged
from odoo.tools import mute_logger

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase
from .test_portal_accessibility import (
    AUDIT_PAGE,
    AXE_PATH,
    AXE_RUNNER,
    FAILING_IMPACTS,
    repo_root,
)


@tagged("post_install", "-at_install")
class TestPortalChannels(CoopPortalCase):
    """The discussions of the local groups and colleges, in Odoo's Discuss, from the portal.

    Claire (Centre-Val de Loire, consumers' college) belongs to the Tours group; Hélène is
    a member of the same cooperative outside the group; Bernard is of another cooperative.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tours = cls.env.ref("coop_engagement.coop_local_group_tours")
        cls.centre = cls.member_claire.company_id
        cls.officer_centre = create_user(
            cls.env,
            "officer_centre",
            "base.group_user,coop_membership.group_coop_officer",
            cls.centre,
        )
        Channel = cls.env["discuss.channel"]
        cls.group_channel = Channel.search([("coop_local_group_id", "=", cls.tours.id)])
        cls.college_channel = Channel.search(
            [("coop_college_id", "=", cls.member_claire.college_id.id)]
        )
        cls.missing_id = Channel.search([], order="id desc", limit=1).id + 1000

    def channel_page(self, channel_id, login=None):
        self.authenticate(login, login)
        return self.url_open(f"/discuss/channel/{channel_id}")

    def test_group_page_links_the_discussion_for_its_members_only(self):
        """Claire sees the link to her group's discussion; Hélène, Bernard and visitors don't."""
        url = f"/cooperative/groups/{self.tours.id}"
        link = f'href="/discuss/channel/{self.group_channel.id}"'
        for login, shown in (
            ("claire", True),
            ("helene", False),
            ("bernard", False),
            (None, False),
        ):
            with self.subTest(login=login):
                self.authenticate(login, login)
                page = self.url_open(url)
                self.assertEqual(page.status_code, 200)
                self.assertEqual(link in page.text, shown)
                self.assertEqual("o_coop_group_channel" in page.text, shown)

    def test_member_space_lists_her_discussions(self):
        """Claire's member space links her college's and her group's discussions; Hélène's
        (same college, no group) only the college's."""
        college = f'href="/discuss/channel/{self.college_channel.id}"'
        group = f'href="/discuss/channel/{self.group_channel.id}"'
        self.authenticate("claire", "claire")
        page = self.url_open("/my/engagement").text
        self.assertIn(college, page)
        self.assertIn(group, page)
        self.authenticate("helene", "helene")
        page = self.url_open("/my/engagement").text
        self.assertIn(college, page)
        self.assertNotIn(group, page)

    def test_another_cooperatives_member_is_answered_as_for_a_missing_channel(self):
        """Bernard, of another cooperative, gets the same 404 for Claire's college discussion
        as for a channel that does not exist; Claire opens it."""
        self.assertEqual(self.channel_page(self.college_channel.id, "claire").status_code, 200)
        refused = self.channel_page(self.college_channel.id, "bernard")
        missing = self.channel_page(self.missing_id, "bernard")
        self.assertEqual((refused.status_code, missing.status_code), (404, 404))
        self.assertEqual(refused.text, missing.text)
        self.assertEqual(self.channel_page(self.group_channel.id, "helene").status_code, 404)

    def test_claire_writes_in_her_college_channel_then_leaves_the_cooperative(self):
        """Claire writes in her college's discussion; once the officer records her exit, she
        is no longer in it and its page refuses her."""
        self.start_tour("/my/engagement", "coop_portal_college_channel_tour", login="claire")
        claire = self.member_claire.partner_id
        message = self.college_channel.message_ids.filtered(
            lambda m: "Bonjour à tout le collège" in (m.body or "")
        )
        self.assertEqual(message.author_id, claire)
        self.assertIn(claire, self.college_channel.channel_member_ids.partner_id)
        member = self.member_claire.with_user(self.officer_centre)
        member.action_request_exit()
        member.action_confirm_exit()
        for channel in (self.college_channel, self.group_channel):
            channel.invalidate_recordset(["channel_member_ids"])
            self.assertNotIn(claire, channel.channel_member_ids.partner_id)
        self.assertEqual(self.channel_page(self.college_channel.id, "claire").status_code, 404)

    def test_group_page_with_the_discussion_link_is_accessible(self):
        """axe-core finds no serious or critical violation on Claire's group page and her
        member space with their discussion links."""
        axe = repo_root() / AXE_PATH
        if not axe.is_file():
            self.fail(f"{AXE_PATH} is missing in {repo_root()}: run `npm ci` there.")
        code = "function coopLoadAxe() {\n%s\n}\ncoopLoadAxe();\n%s" % (
            axe.read_text(encoding="utf-8"),
            AXE_RUNNER % {"impacts": list(FAILING_IMPACTS), "steps": AUDIT_PAGE},
        )
        for url in (f"/cooperative/groups/{self.tours.id}", "/my/engagement"):
            with self.subTest(url=url):
                try:
                    self.browser_js(url, code, login="claire", timeout=120)
                except AssertionError as error:
                    raise AssertionError(str(error).replace(code, "axe-core")) from None

    def test_bernard_removes_a_message_from_his_groups_discussion(self):
        """Bernard, coordinator of Valence, removes Nadia's message from the group's
        discussion; Claire, in no such role, cannot remove anyone's message."""
        valence = self.env.ref("coop_engagement.coop_local_group_valence")
        channel = self.env["discuss.channel"].search([("coop_local_group_id", "=", valence.id)])
        nadia = self.env["res.partner"].search([("name", "=", "Nadia Chevalier")], limit=1)
        self.assertIn(nadia, channel.channel_member_ids.partner_id)
        with superuser_setup("Nadia wrote in the group's discussion"):
            message = channel.message_post(
                body="Annonce commerciale hors sujet",
                author_id=nadia.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.start_tour(
            f"/discuss/channel/{channel.id}",
            "coop_portal_group_channel_moderation_tour",
            login="bernard",
        )
        self.assertEqual(message._filter_empty(), message)
        # Removing is all he may do: he never rewrites someone's words.
        with superuser_setup("Nadia wrote again"):
            again = channel.message_post(
                body="Réunion jeudi",
                author_id=nadia.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.authenticate("bernard", "bernard")
        with self.assertRaisesRegex(JsonRpcException, "NotFound"), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/mail/message/update_content",
                {"message_id": again.id, "body": "Réunion annulée", "attachment_ids": []},
            )
        self.assertIn("Réunion jeudi", again.body)
        # A member who coordinates nothing gets Discuss's own refusal.
        with superuser_setup("Claire wrote in her college's discussion"):
            other = self.college_channel.message_post(
                body="Bonjour le collège",
                author_id=self.member_claire.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        self.authenticate("helene", "helene")
        with self.assertRaisesRegex(JsonRpcException, "NotFound"), mute_logger("odoo.http"):
            self.make_jsonrpc_request(
                "/mail/message/update_content",
                {"message_id": other.id, "body": "", "attachment_ids": []},
            )
        self.assertIn("Bonjour le collège", other.body)
