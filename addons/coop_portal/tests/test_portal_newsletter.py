import html
import re
from urllib.parse import parse_qs, urlsplit

from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalNewsletter(MockEmail, CoopPortalCase):
    """The newsletters of the federation and of the member's cooperatives: one box in
    the member space, and mass_mailing's unsubscribe link that needs no login."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.general = cls.env.ref("coop_engagement.mailing_list_coop_newsletter")
        cls.helene = cls.member_helene_idf.partner_id
        cls.claire = cls.member_claire.partner_id
        # Bernard's cooperative has its list too: nobody else may land on it.
        cls.list_ara = cls.member_bernard.company_id._coop_newsletter_list()
        cls.list_idf = cls.member_helene_idf.company_id._coop_newsletter_list()
        cls.list_centre = cls.member_helene_centre.company_id._coop_newsletter_list()

    def _subscriptions(self, partner):
        return self.env["mailing.subscription"].search(
            [("contact_id.email_normalized", "=", partner.email_normalized)]
        )

    def _receives(self, partner):
        return self._subscriptions(partner).filtered(lambda s: not s.opt_out).list_id

    def _profile(self, partner, optin):
        data = {
            "email": partner.email,
            "street": partner.street,
            "zip": partner.zip,
            "city": partner.city,
            "country_id": str(partner.country_id.id or ""),
            "coop_contact_channel": partner.coop_contact_channel,
        }
        if optin:
            data["coop_newsletter_optin"] = "1"
        return self.post_form("/my/cooperative/profile", data)

    def test_optin_from_the_portal_follows_the_members_cooperatives(self):
        self.helene.coop_newsletter_optin = False
        self.assertFalse(self._receives(self.helene))
        self.authenticate("helene", "helene")
        page = self.url_open("/my/cooperative/profile").text
        self.assertIn("Ticking the box sends you", page)
        for mailing_list in (self.general, self.list_idf, self.list_centre):
            self.assertIn(html.escape(mailing_list.name), page)
        self.assertNotIn(html.escape(self.list_ara.name), page)

        page = self._profile(self.helene, optin=True).text
        self.assertTrue(self.helene.coop_newsletter_optin)
        self.assertEqual(
            self._receives(self.helene), self.general | self.list_idf | self.list_centre
        )
        self.assertIn("You receive:", page)
        self.assertRegex(page, r'id="coop_newsletter"[^>]*checked')
        engagement = self.url_open("/my/engagement").text
        self.assertIn("My newsletters", engagement)
        for mailing_list in (self.general, self.list_idf, self.list_centre):
            self.assertIn(html.escape(mailing_list.name), engagement)
        self.assertNotIn(html.escape(self.list_ara.name), engagement)

        page = self._profile(self.helene, optin=False).text
        self.assertFalse(self.helene.coop_newsletter_optin)
        self.assertFalse(self._receives(self.helene))
        self.assertTrue(all(self._subscriptions(self.helene).mapped("opt_out")))
        self.assertEqual(
            self._subscriptions(self.helene).list_id,
            self.general | self.list_idf | self.list_centre,
            "unsubscribed, never put on another cooperative's list",
        )
        self.assertIn("You receive no newsletter", page)
        self.assertNotRegex(page, r'id="coop_newsletter"[^>]*checked')

    def _send_and_get_unsubscribe_url(self, mailing_list, partner):
        """Send a real mailing to the list; the unsubscribe URL of the partner's email."""
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Les nouvelles de la coopérative",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [(6, 0, mailing_list.ids)],
                "body_html": "<p>Bonjour</p>"
                '<p><a href="/unsubscribe_from_list">Se désabonner</a></p>',
            }
        )
        with self.mock_mail_gateway():
            mailing.action_send_mail()
        sent = [m for m in self._mails if partner.email_normalized in str(m["email_to"])]
        self.assertEqual(len(sent), 1, "the member got the mailing")
        match = re.search(r'href="([^"]*/confirm_unsubscribe\?[^"]*)"', sent[0]["body"])
        self.assertTrue(match, "the mailing carries a personal unsubscribe link")
        return mailing, html.unescape(match.group(1))

    def _hidden_inputs(self, page):
        return dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))

    def test_unsubscribe_link_without_login(self):
        self.claire.coop_newsletter_optin = True
        list_centre = self.member_claire.company_id.coop_newsletter_list_id
        self.assertEqual(self._receives(self.claire), self.general | list_centre)
        mailing, url = self._send_and_get_unsubscribe_url(list_centre, self.claire)
        parts = urlsplit(url)
        self.assertEqual(parts.path, f"/mailing/{mailing.id}/confirm_unsubscribe")
        query = parse_qs(parts.query)
        self.assertEqual(query["email"], [self.claire.email_normalized])
        path = f"{parts.path}?{parts.query}"

        # A forged token changes nothing, on the confirmation page, its form, nor the
        # page that unsubscribes at once.
        # mass_mailing answers 401 Unauthorized; the website shows it on its generic
        # error page (status 418, as it has no page of its own for 401).
        refused = (401, 418)
        forged = path.replace(query["hash_token"][0], "0" * len(query["hash_token"][0]))
        self.assertIn(self.url_open(forged).status_code, refused)
        self.assertIn(
            self.url_open(forged.replace("/confirm_unsubscribe", "/unsubscribe")).status_code,
            refused,
        )
        page = self.url_open(path).text
        form = self._hidden_inputs(page)
        self.assertEqual(form["email"], self.claire.email_normalized)
        response = self.url_open(
            "/mailing/confirm_unsubscribe", data=dict(form, hash_token="0" * 128)
        )
        self.assertIn(response.status_code, refused)
        self.assertTrue(self.claire.coop_newsletter_optin)
        self.assertEqual(self._receives(self.claire), self.general | list_centre)

        # The real link, anonymously: the page asks to confirm, the form unsubscribes.
        self.assertIn("Are you sure you want to unsubscribe", page)
        response = self.url_open("/mailing/confirm_unsubscribe", data=form)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Successfully unsubscribed", response.text)
        self.env.invalidate_all()
        subscription = self._subscriptions(self.claire).filtered(lambda s: s.list_id == list_centre)
        self.assertTrue(subscription.opt_out)
        self.assertFalse(self.claire.coop_newsletter_optin)
        self.assertFalse(self._receives(self.claire), "the general newsletter follows")

        self.authenticate("claire", "claire")
        page = self.url_open("/my/cooperative/profile").text
        self.assertNotRegex(page, r'id="coop_newsletter"[^>]*checked')
        self.assertIn("You receive no newsletter", page)
        # Saving her personal data again does not subscribe her behind her back.
        self._profile(self.claire, optin=False)
        self.assertFalse(self._receives(self.claire))
