"""Private messages between members (issue #25 §2): who can be reached, block, report,
daily limit, bad text, forged ids; going together to an event (§3).

Conversations are Odoo's Discuss direct chats; the members act through their member
space (HTTP, as themselves) and the moderator reads reports as herself.
"""

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalMessages(CoopPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.bernard = cls.member_bernard.partner_id
        cls.romain = cls.member_romain.partner_id
        cls.hugo = cls.member_hugo.partner_id
        cls.claire = cls.member_claire.partner_id
        cls.company_ara = cls.member_bernard.company_id
        # Bernard chose to be reachable; Romain did not (the default).
        cls.bernard.write({"coop_reachable": True})
        cls.romain.write({"coop_reachable": False})
        cls.moderator_ara = cls.env.ref("coop_membership.user_nadia_chevalier")
        cls.moderator_idf = create_user(
            cls.env,
            "moderator_idf",
            "base.group_user,coop_engagement.group_coop_moderator",
            cls.member_helene_idf.company_id,
            coop_moderated_company_ids=[(6, 0, cls.member_helene_idf.company_id.ids)],
        )

    # ------------------------------------------------------------------
    def chats(self):
        return self.env["discuss.channel"].search([("channel_type", "=", "chat")])

    def message_count(self):
        return self.env["mail.message"].search_count([("model", "=", "discuss.channel")])

    def write_to(self, partner, body, **extra):
        url = f"/my/messages/new/{partner.id}"
        data = dict(extra, body=body, csrf_token=self.csrf(url))
        return self.url_open(url, data=data, allow_redirects=False)

    def french(self):
        with superuser_setup("French terms for the French error messages"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.env["ir.module.module"]._load_module_terms(["coop_portal"], ["fr_FR"])

    def assertRefused(self, response, text, chats, messages):
        self.assertEqual(response.status_code, 200)
        alert = response.text.partition('role="alert"')[2][:400]
        self.assertIn("This was not recorded.", alert, "no refusal shown")
        self.assertIn(text, alert)
        self.assertEqual(self.chats(), chats, "a refused message created a conversation")
        self.assertEqual(self.message_count(), messages, "a refused message was stored")

    # ------------------------------------------------------------------
    def test_romain_writes_to_bernard_who_opted_in(self):
        """Romain writes to Bernard, who chose to be reachable: a Discuss chat opens."""
        self.authenticate("romain", "romain")
        response = self.write_to(self.bernard, "Bonjour Bernard, on covoiture ?")
        self.assertEqual(response.status_code, 303)
        chat = self.env["discuss.channel"].search(
            [("channel_type", "=", "chat"), ("coop_initiator_id", "=", self.romain.id)]
        )
        self.assertEqual(len(chat), 1)
        self.assertTrue(response.headers["Location"].endswith(f"/discuss/channel/{chat.id}"))
        self.assertEqual(chat.channel_member_ids.partner_id, self.bernard | self.romain)
        self.assertEqual(chat.coop_company_id, self.company_ara)
        message = chat.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(message.author_id, self.romain)
        self.assertIn("on covoiture ?", message.body)
        # The full-page Discuss chat opens for the member (a portal user), and what it
        # loads about Bernard carries no email or phone.
        self.assertEqual(self.url_open(f"/discuss/channel/{chat.id}").status_code, 200)
        with superuser_setup("Bernard has an email and a phone on his contact card"):
            self.bernard.write({"email": "bernard.roux@example.org", "phone": "+33 6 98 76 54 32"})
        data = str(self.make_jsonrpc_request("/discuss/channel/messages", {"channel_id": chat.id}))
        self.assertIn("on covoiture ?", data)
        data += str(
            self.make_jsonrpc_request(
                "/discuss/channel/members", {"channel_id": chat.id, "known_member_ids": []}
            )
        )
        self.assertIn("Bernard Roux", data)
        self.assertNotIn("bernard.roux@example.org", data)
        self.assertNotIn("98 76 54 32", data)
        # A second message continues the same conversation.
        self.write_to(self.bernard, "Je pars de Romans à 18 h.")
        self.assertEqual(
            self.env["discuss.channel"].search_count(
                [("channel_type", "=", "chat"), ("coop_initiator_id", "=", self.romain.id)]
            ),
            1,
        )
        self.assertEqual(len(chat.message_ids.filtered(lambda m: m.message_type == "comment")), 2)

    def test_refused_recipient_not_opted_in(self):
        """Bernard cannot write to Romain, who did not choose to be reachable."""
        chats, messages = self.chats(), self.message_count()
        self.authenticate("bernard", "bernard")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/my/messages/new/{self.romain.id}").status_code, 404)
            self.assertEqual(self.write_to(self.romain, "Bonjour").status_code, 404)
        self.assertEqual(self.chats(), chats)
        self.assertEqual(self.message_count(), messages)
        self.french()
        with self.assertRaisesRegex(UserError, "choisi d'être joignables"):
            self.bernard.with_user(self.user_bernard).with_context(
                lang="fr_FR"
            )._coop_portal_write_to(self.romain, "Bonjour")
        self.assertEqual(self.chats(), chats)

    def test_refused_other_cooperative(self):
        """Claire (Centre) cannot write to Bernard (Auvergne-Rhône-Alpes), even reachable."""
        chats, messages = self.chats(), self.message_count()
        self.authenticate("claire", "claire")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(f"/my/messages/new/{self.bernard.id}").status_code, 404)
            self.assertEqual(self.write_to(self.bernard, "Bonjour").status_code, 404)
        self.french()
        with self.assertRaisesRegex(UserError, "membres de vos coopératives"):
            self.claire.with_user(self.user_claire).with_context(
                lang="fr_FR"
            )._coop_portal_write_to(self.bernard, "Bonjour")
        self.assertEqual(self.chats(), chats)
        self.assertEqual(self.message_count(), messages)

    def test_blocked_sender_is_refused_new_and_existing_chat(self):
        """Bernard blocks Romain: Romain's next messages are refused, in the chat too."""
        self.authenticate("romain", "romain")
        self.write_to(self.bernard, "Premier message")
        chat = self.env["discuss.channel"].search([("coop_initiator_id", "=", self.romain.id)])
        self.authenticate("bernard", "bernard")
        self.assertIn("Romain", self.url_open("/my/messages").text)
        response = self.url_open(
            f"/my/messages/{chat.id}/block",
            data={"csrf_token": self.csrf("/my/messages")},
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        self.assertIn(self.romain, self.bernard.coop_blocked_partner_ids)
        self.french()
        chats, messages = self.chats(), self.message_count()
        self.authenticate("romain", "romain")
        self.assertRefused(
            self.write_to(self.bernard, "Encore moi"),
            "does not accept messages from you",
            chats,
            messages,
        )
        # Posting in the existing chat (as the Discuss page does) is refused as well.
        with self.assertRaisesRegex(UserError, "n'accepte pas vos messages"):
            chat.with_user(self.user_romain).with_context(lang="fr_FR").message_post(
                body="Par le chat", message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        self.assertEqual(self.message_count(), messages)
        # Unblocked, Romain may write again.
        self.authenticate("bernard", "bernard")
        self.url_open(
            f"/my/messages/{chat.id}/block",
            data={"csrf_token": self.csrf("/my/messages"), "unblock": "1"},
        )
        self.assertNotIn(self.romain, self.bernard.coop_blocked_partner_ids)

    def test_daily_limit_of_new_conversations(self):
        """Past the cooperative's daily limit, a new conversation is refused, in French."""
        with superuser_setup("the cooperative allows one new conversation a day"):
            self.company_ara.coop_message_daily_limit = 1
            self.hugo.coop_reachable = True
        self.french()
        self.authenticate("romain", "romain")
        self.assertEqual(self.write_to(self.bernard, "Bonjour Bernard").status_code, 303)
        self.assertEqual(self.romain._coop_new_chats_today(), 1)
        chats, messages = self.chats(), self.message_count()
        self.assertRefused(
            self.write_to(self.hugo, "Bonjour Hugo"),
            "the most your cooperative allows",
            chats,
            messages,
        )
        with self.assertRaisesRegex(UserError, "le maximum permis par votre coopérative"):
            self.romain.with_user(self.user_romain).with_context(
                lang="fr_FR"
            )._coop_portal_write_to(self.hugo, "Bonjour Hugo")
        # The conversation already started goes on.
        self.assertEqual(self.write_to(self.bernard, "Et encore").status_code, 303)

    def test_oversized_or_control_character_text_is_refused(self):
        """A message too long or with control characters is refused and nothing stored."""
        chats, messages = self.chats(), self.message_count()
        self.authenticate("romain", "romain")
        self.assertRefused(self.write_to(self.bernard, "x" * 2001), "too long", chats, messages)
        self.assertRefused(
            self.write_to(self.bernard, "Bonjour\x07 Bernard"),
            "control characters",
            chats,
            messages,
        )
        self.assertRefused(
            self.write_to(self.bernard, "   "), "Write your message", chats, messages
        )
        self.french()
        romain = self.romain.with_user(self.user_romain).with_context(lang="fr_FR")
        for text, error in (
            ("x" * 2001, "trop long"),
            ("Bonjour\x07 Bernard", "caractères de contrôle"),
            ("   ", "Écrivez votre message"),
        ):
            with self.subTest(error=error), self.assertRaisesRegex(UserError, error):
                romain._coop_portal_write_to(self.bernard, text)
        self.assertEqual(self.chats(), chats)
        self.assertEqual(self.message_count(), messages)

    def test_report_reaches_the_region_moderators_with_the_message(self):
        """Bernard reports Romain's message: Nadia, moderator of the region, gets it."""
        self.authenticate("romain", "romain")
        self.write_to(self.bernard, "Un message désagréable")
        chat = self.env["discuss.channel"].search([("coop_initiator_id", "=", self.romain.id)])
        message = chat.message_ids.filtered(lambda m: m.message_type == "comment")
        self.authenticate("bernard", "bernard")
        url = f"/my/messages/{chat.id}/report"
        page = self.url_open(url)
        self.assertIn("Un message désagréable", page.text)
        response = self.url_open(
            url,
            data={
                "csrf_token": self.csrf(url),
                "message_id": message.id,
                "reason": "Ton agressif",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        Report = self.env["coop.message.report"]
        report = Report.with_user(self.moderator_ara).search([("channel_id", "=", chat.id)])
        self.assertEqual(len(report), 1)
        self.assertIn("Un message désagréable", report.message_body)
        self.assertEqual(report.reported_partner_id, self.romain)
        self.assertEqual(report.reporter_id, self.bernard)
        self.assertEqual(report.reason, "Ton agressif")
        self.assertEqual(report.company_id, self.company_ara)
        self.assertIn(self.moderator_ara, report.activity_ids.user_id)
        # Another region's moderator does not see it.
        self.assertFalse(
            Report.with_user(self.moderator_idf).search([("channel_id", "=", chat.id)])
        )
        report.with_user(self.moderator_ara).action_done()
        self.assertEqual(report.state, "done")

    def test_forged_ids_get_404_as_missing_ones(self):
        """Someone else's conversation answers 404, exactly as a missing id."""
        self.authenticate("romain", "romain")
        self.write_to(self.bernard, "Bonjour")
        chat = self.env["discuss.channel"].search([("coop_initiator_id", "=", self.romain.id)])
        reports = self.env["coop.message.report"].search_count([])
        self.authenticate("claire", "claire")
        with mute_logger("odoo.http"):
            for url in (
                f"/my/messages/{chat.id}/report",
                "/my/messages/2147483000/report",
                "/my/messages/new/2147483000",
            ):
                with self.subTest(url=url):
                    response = self.url_open(url)
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn("Bonjour", response.text)
            response = self.url_open(
                f"/my/messages/{chat.id}/block",
                data={"csrf_token": self.csrf("/my/messages")},
            )
            self.assertEqual(response.status_code, 404)
        self.assertFalse(self.claire.coop_blocked_partner_ids)
        self.assertEqual(self.env["coop.message.report"].search_count([]), reports)

    def test_preferences_are_saved_and_logged(self):
        """Romain chooses to be reachable from his engagement page: saved with date and source."""
        self.authenticate("romain", "romain")
        page = self.url_open("/my/engagement")
        self.assertIn('name="reachable"', page.text)
        response = self.url_open(
            "/my/messages/preferences",
            data={
                "csrf_token": self.csrf("/my/engagement"),
                "reachable": "1",
                "directory_visible": "1",
            },
        )
        self.assertIn("Your choices are saved.", response.text)
        self.assertTrue(self.romain.coop_reachable)
        self.assertTrue(self.romain.coop_directory_visible)
        self.assertFalse(self.romain.coop_go_together)
        log = self.romain.coop_consent_ids
        self.assertEqual(set(log.mapped("consent")), {"reachable", "directory"})
        self.assertTrue(all(log.mapped("given")))
        self.assertEqual(set(log.mapped("source")), {"portal"})

    def test_going_together_on_the_event_page(self):
        """Registered members who chose to go together see each other's first name and town."""
        event = self.env.ref("coop_portal.event_ara_members_workshop")
        with superuser_setup("Bernard and Romain are registered; both want to go together"):
            for partner in (self.bernard, self.romain):
                if (
                    partner
                    not in event.registration_ids.filtered(lambda r: r.state == "open").partner_id
                ):
                    self.env["event.registration"].create(
                        {"event_id": event.id, "partner_id": partner.id}
                    )
            (self.bernard | self.romain).write({"coop_go_together": True, "coop_reachable": False})
        self.authenticate("romain", "romain")
        page = self.url_open(f"/event/{event.id}").text
        self.assertIn("Going together", page)
        self.assertIn(f"/my/messages/new/{self.bernard.id}?event_id={event.id}", page)
        self.assertIn("Bernard (Valence)", page)
        self.assertNotIn("Bernard Roux", page.split("coop_go_together")[1].split("</section>")[0])
        # Bernard is not reachable in general, but they go to the same event together.
        url = f"/my/messages/new/{self.bernard.id}"
        response = self.url_open(
            url,
            data={
                "csrf_token": self.csrf(url + f"?event_id={event.id}"),
                "event_id": event.id,
                "body": "On y va ensemble ?",
            },
            allow_redirects=False,
        )
        self.assertEqual(response.status_code, 303)
        # Without the event, he is not reachable.
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(url).status_code, 404)
        # Claire (another cooperative) sees nobody there.
        self.authenticate("claire", "claire")
        page = self.url_open(f"/event/{event.id}")
        self.assertNotIn("Going together", page.text)


@tagged("post_install", "-at_install")
class TestPortalMessagesUi(CoopPortalCase):
    def test_two_members_who_opted_in_exchange_a_private_message(self):
        """Romain finds Bernard in the directory and writes; Bernard answers in the chat."""
        bernard, romain = self.member_bernard.partner_id, self.member_romain.partner_id
        with superuser_setup("both chose to be reachable and listed; Bernard offers a skill"):
            (bernard | romain).write({"coop_reachable": True, "coop_directory_visible": True})
            bernard.coop_skill_ids = [
                (4, self.env.ref("coop_engagement.coop_skill_electricity").id)
            ]
        self.start_tour("/my/directory", "coop_portal_message_write_tour", login="romain")
        chat = self.env["discuss.channel"].search([("coop_initiator_id", "=", romain.id)])
        self.assertEqual(chat.channel_member_ids.partner_id, bernard | romain)
        self.start_tour("/my/messages", "coop_portal_message_reply_tour", login="bernard")
        comments = chat.message_ids.filtered(lambda m: m.message_type == "comment")
        self.assertEqual(comments.author_id, bernard | romain)
        self.assertIn(
            "rendez-vous à 18 h", comments.filtered(lambda m: m.author_id == bernard).body
        )
