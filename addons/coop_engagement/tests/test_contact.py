import base64

from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestContactPreferences(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        address = {"street": "1 rue de la Paix", "zip": "37000", "city": "Tours"}
        Partner = cls.env["res.partner"]
        cls.emailed = Partner.create({"name": "Emailed", "email": "e@example.org", **address})
        cls.paper = Partner.create(
            {"name": "Paper", "email": "p@example.org", "coop_contact_channel": "paper", **address}
        )
        cls.refusing = Partner.create(
            {"name": "Refusing", "email": "r@example.org", "coop_contact_channel": "none"}
        )
        cls.company_a.coop_solicitation_cap = 2
        cls.env = cls.env(context=dict(cls.env.context, allowed_company_ids=[cls.company_a.id]))

    def _split(self, partners, purpose="solicitation", **kwargs):
        return partners.with_company(self.company_a)._coop_contact_split(purpose, **kwargs)

    def test_channels_and_refusal(self):
        """Each person is reached by the channel they chose; those who refused are skipped."""
        split = self._split(self.emailed | self.paper | self.refusing)
        self.assertEqual(split["email"], self.emailed)
        self.assertEqual(split["paper"], self.paper)
        self.assertEqual(split["skipped"], self.refusing)

    def test_cap_reached_skips_solicitation_not_legal(self):
        """A person at the solicitation cap is skipped, but still gets legal notices."""
        partners = self.emailed | self.paper
        for _i in range(2):
            split = self._split(partners)
            partners._coop_log_contacts(split, "solicitation")
        split = self._split(partners)
        self.assertFalse(split["email"] | split["paper"])
        self.assertEqual(split["skipped"], partners)
        legal = self._split(partners | self.refusing, "legal")
        self.assertEqual(legal["email"], self.emailed | self.refusing)
        self.assertEqual(legal["paper"], self.paper)

    def test_personal_cap_overrides_company_default(self):
        """A person's own cap wins over the cooperative's default."""
        self.emailed.coop_solicitation_cap = 5
        for _i in range(3):
            self.emailed._coop_log_contacts({"email": self.emailed}, "solicitation")
        self.assertEqual(self._split(self.emailed)["email"], self.emailed)
        self.paper._coop_log_contacts({"paper": self.paper}, "solicitation")
        self.paper._coop_log_contacts({"paper": self.paper}, "solicitation")
        self.assertEqual(self._split(self.paper)["skipped"], self.paper)

    def test_legal_sendings_do_not_count(self):
        """Convocations and other legal notices do not count towards the cap."""
        for _i in range(3):
            self.emailed._coop_log_contacts({"email": self.emailed}, "legal")
        self.assertEqual(self._split(self.emailed)["email"], self.emailed)

    def test_newsletter_needs_opt_in(self):
        """Only people who opted in get the newsletter."""
        self.assertEqual(self._split(self.emailed, "newsletter")["skipped"], self.emailed)
        self.emailed.coop_newsletter_optin = True
        self.assertEqual(self._split(self.emailed, "newsletter")["email"], self.emailed)
        newsletter = self.env.ref("coop_engagement.mailing_list_coop_newsletter")
        subscription = self.env["mailing.subscription"].search(
            [("list_id", "=", newsletter.id), ("contact_id.email", "=", "e@example.org")]
        )
        self.assertTrue(subscription)
        self.assertFalse(subscription.opt_out)
        self.emailed.coop_newsletter_optin = False
        self.assertTrue(subscription.opt_out)

    def test_themes_filter_solicitations(self):
        """A person who chose themes is solicited on those themes only."""
        solar = self.env["coop.engagement.theme"].create({"name": "Solar test"})
        sobriety = self.env["coop.engagement.theme"].create({"name": "Sobriety test"})
        self.emailed.coop_theme_ids = sobriety
        self.assertEqual(self._split(self.emailed, theme=solar)["skipped"], self.emailed)
        self.assertEqual(self._split(self.emailed, theme=sobriety)["email"], self.emailed)
        # No theme chosen: everything is welcome.
        self.assertEqual(self._split(self.paper, theme=solar)["paper"], self.paper)

    def test_paper_labels_csv_and_pdf(self):
        """The moderator gets the labels of the people reached by paper, as CSV and PDF."""
        moderator = self._create_moderator("label_moderator_a", self.company_a)
        wizard = (
            self.env["coop.paper.label.wizard"]
            .with_user(moderator)
            .create({"partner_ids": [(6, 0, self.paper.ids)]})
        )
        rows = list(wizard._coop_csv_rows())
        self.assertEqual(rows, [["Paper", "1 rue de la Paix", "", "37000", "Tours", ""]])
        action = wizard.action_export_csv()
        self.assertIn("csv_file", action["url"])
        content = base64.b64decode(wizard.csv_file).decode("utf-8-sig").splitlines()
        self.assertEqual(content[0], "Name;Street;Street 2;ZIP;City;Country")
        self.assertEqual(content[1], "Paper;1 rue de la Paix;;37000;Tours;")
        html = self.env["ir.actions.report"]._render_qweb_html(
            "coop_engagement.action_report_coop_paper_labels", self.paper.ids
        )[0]
        self.assertIn(b"1 rue de la Paix", html)

    def test_paper_labels_refuse_incomplete_address(self):
        """Labels are refused for a person without a complete postal address."""
        moderator = self._create_moderator("label_moderator_a", self.company_a)
        wizard = (
            self.env["coop.paper.label.wizard"]
            .with_user(moderator)
            .create({"partner_ids": [(6, 0, self.refusing.ids)]})
        )
        with self.assertRaisesRegex(Exception, "no complete postal address"):
            wizard.action_export_csv()
