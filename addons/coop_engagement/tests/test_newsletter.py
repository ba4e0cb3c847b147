from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestNewsletterLists(EngagementCommon):
    """One newsletter list per cooperative, next to the federation's general list."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.general = cls.env.ref("coop_engagement.mailing_list_coop_newsletter")
        cls.claire = cls._create_member("Claire", email="claire@example.org")
        cls.claire_b = cls.env["coop.member"].create(
            {
                "partner_id": cls.claire.partner_id.id,
                "company_id": cls.company_b.id,
                "college_id": cls.college_b_cons.id,
            }
        )
        # Bruno opted in before joining B: his admission creates B's list.
        cls.bruno = cls._create_member(
            "Bruno", company=cls.company_b, email="bruno@example.org", coop_newsletter_optin=True
        )
        cls.list_b = cls.company_b.coop_newsletter_list_id

    def _receives(self, partner):
        """The lists where the person's address is subscribed and not opted out."""
        return (
            self.env["mailing.subscription"]
            .search(
                [
                    ("contact_id.email_normalized", "=", partner.email_normalized),
                    ("opt_out", "=", False),
                ]
            )
            .list_id
        )

    def test_optin_follows_active_memberships(self):
        """A member gets each cooperative's newsletter while their membership there lasts."""
        self.assertEqual(self._receives(self.bruno.partner_id), self.general | self.list_b)
        self.assertFalse(self.list_b.is_public, "members only, not offered on the public page")
        self.assertEqual(self.list_b.coop_company_id, self.company_b)
        self.assertIn("Coop B", self.list_b.name)

        partner = self.claire.partner_id
        self.assertFalse(self._receives(partner), "no opt-in, no newsletter")
        partner.coop_newsletter_optin = True
        list_a = self.company_a.coop_newsletter_list_id
        self.assertTrue(list_a, "created when the first member of A opts in")
        self.assertEqual(
            self._receives(partner), self.general | list_a, "a candidate of B gets no B news"
        )
        self.assertEqual(partner._coop_newsletter_received_lists(), self.general | list_a)

        claire_b = self.claire_b.with_user(self.officer_b)
        claire_b.action_admit()
        self.assertEqual(self._receives(partner), self.general | list_a | self.list_b)
        # Resigning is still a membership; the confirmed exit ends B's newsletter only.
        claire_b.action_request_exit()
        self.assertIn(self.list_b, self._receives(partner))
        claire_b.action_confirm_exit()
        self.assertEqual(self._receives(partner), self.general | list_a)
        self.claire.with_user(self.officer_a).action_exclude(reason="Test")
        self.assertEqual(self._receives(partner), self.general)

    def test_opt_out_unsubscribes_from_every_list(self):
        """Turning the newsletter off unsubscribes from every newsletter and theme list."""
        theme_list = self.env["mailing.list"].create({"name": "Solar news"})
        theme = self.env["coop.engagement.theme"].create(
            {"name": "Solar", "mailing_list_id": theme_list.id}
        )
        partner = self.claire.partner_id
        partner.write({"coop_newsletter_optin": True, "coop_theme_ids": [(6, 0, theme.ids)]})
        list_a = self.company_a.coop_newsletter_list_id
        self.assertEqual(self._receives(partner), self.general | list_a | theme_list)
        partner.coop_newsletter_optin = False
        self.assertFalse(self._receives(partner))
        subscriptions = self.env["mailing.subscription"].search(
            [("contact_id.email_normalized", "=", "claire@example.org")]
        )
        self.assertEqual(subscriptions.list_id, self.general | list_a | theme_list)
        self.assertTrue(all(subscriptions.mapped("opt_out")))
        # Bruno is untouched.
        self.assertEqual(self._receives(self.bruno.partner_id), self.general | self.list_b)

    def test_unsubscribe_from_a_newsletter_list_turns_the_optin_off(self):
        """The unsubscribe link of a newsletter turns the opt-in off, and on again."""
        partner = self.bruno.partner_id
        # What mass_mailing's unsubscribe link does (no login): opt out of the
        # mailing's lists for the address.
        self.list_b._update_subscription_from_email("bruno@example.org", opt_out=True)
        self.assertFalse(partner.coop_newsletter_optin)
        self.assertFalse(self._receives(partner), "the general list follows the opt-in")
        self.assertIn("Newsletter turned off", partner.message_ids[0].body)
        # A later sync (here: a new address spelling) does not subscribe him again.
        partner.email = "Bruno <BRUNO@example.org>"
        self.assertFalse(self._receives(partner))
        # Subscribing again from mass_mailing's subscription page turns it on again.
        self.list_b._update_subscription_from_email("bruno@example.org", opt_out=False)
        self.assertTrue(partner.coop_newsletter_optin)
        self.assertEqual(self._receives(partner), self.general | self.list_b)

    def test_group_and_theme_lists_leave_the_optin_alone(self):
        """Leaving a local group's list does not turn the newsletter off."""
        partner = self.bruno.partner_id
        group = self.env["coop.local.group"].create(
            {"name": "Valence", "company_id": self.company_b.id}
        )
        moderator = self._create_moderator("news_moderator_b", self.company_b)
        group.with_user(moderator).action_join(partner)
        group.with_user(moderator).action_coop_group_mailing()
        group_list = group.mailing_list_id
        self.assertEqual(group_list.coop_company_id, self.company_b)
        group_list._update_subscription_from_email("bruno@example.org", opt_out=True)
        self.assertTrue(partner.coop_newsletter_optin)
        self.assertEqual(self._receives(partner), self.general | self.list_b)

    def test_sync_does_not_query_per_person(self):
        """Syncing the newsletter lists does not query once per person."""
        self.company_a._coop_newsletter_list()

        def queries(count, prefix):
            partners = self.env["res.partner"].browse(
                self._create_member(f"{prefix}{i}", email=f"{prefix}{i}@example.org").partner_id.id
                for i in range(count)
            )
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            partners.write({"coop_newsletter_optin": True})
            self.env.flush_all()
            return self.env.cr.sql_log_count - before, partners

        queries(1, "warm")  # caches (xml ids, access rules) filled once
        small, few = queries(2, "few")
        big, many = queries(8, "many")
        self.assertEqual(small, big)
        list_a = self.company_a.coop_newsletter_list_id
        for partner in few | many:
            self.assertEqual(self._receives(partner), self.general | list_a)


@tagged("post_install", "-at_install")
class TestNewsletterAccess(EngagementCommon):
    """Staff of one cooperative do not write to another's members."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.list_a = cls.company_a._coop_newsletter_list()
        cls.list_b = cls.company_b._coop_newsletter_list()
        # Allowed in both cooperatives, working in A: B's list stays out of reach
        # until B is selected in the company switcher.
        cls.mailer_a = cls._create_user(
            "mailer_a",
            "mass_mailing.group_mass_mailing_user",
            cls.company_a,
            extra_companies=cls.company_a | cls.company_b,
        )
        cls.mailer_b = cls._create_user(
            "mailer_b", "mass_mailing.group_mass_mailing_user", cls.company_b
        )
        cls.list_model_id = cls.env["ir.model"]._get_id("mailing.list")

    def _as(self, records, user):
        """records as the user sees them, working in their main cooperative."""
        return records.with_user(user).with_context(allowed_company_ids=user.company_id.ids)

    def _mailing(self, user, mailing_list):
        return self._as(self.env["mailing.mailing"], user).create(
            {
                "subject": "News",
                "mailing_model_id": self.list_model_id,
                "contact_list_ids": [(6, 0, mailing_list.ids)],
                "body_html": "<p>News</p>",
            }
        )

    def test_write_to_the_cooperatives_members(self):
        """An email marketing user writes to the cooperative's members through its list."""
        action = self._as(self.company_a, self.mailer_a).action_coop_newsletter_mailing()
        self.assertEqual(action["res_model"], "mailing.mailing")
        self.assertEqual(action["context"]["default_contact_list_ids"], self.list_a.ids)
        self.assertTrue(self._mailing(self.mailer_a, self.list_a).exists())
        # Once B is selected in the switcher, the same person writes to B's members.
        both = (self.company_a | self.company_b).ids
        action = (
            self.company_b.with_user(self.mailer_a)
            .with_context(allowed_company_ids=both)
            .action_coop_newsletter_mailing()
        )
        self.assertEqual(action["context"]["default_contact_list_ids"], self.list_b.ids)

    def test_staff_of_a_do_not_see_or_mail_bs_list(self):
        """Staff of cooperative A neither see nor mail cooperative B's list."""
        lists = self._as(self.env["mailing.list"], self.mailer_a).search([])
        self.assertIn(self.list_a, lists)
        self.assertIn(self.env.ref("coop_engagement.mailing_list_coop_newsletter"), lists)
        self.assertNotIn(self.list_b, lists)
        with self.assertRaises(AccessError):
            self._as(self.list_b, self.mailer_a).read(["name"])
        with self.assertRaisesRegex(AccessError, "company switcher"):
            self._as(self.company_b, self.mailer_a).action_coop_newsletter_mailing()
        # Naming B's list by id: the record rule already stops it.
        with self.assertRaises(AccessError):
            self._mailing(self.mailer_a, self.list_b)
        # Nor by sending a draft of B's staff.
        draft_b = self._mailing(self.mailer_b, self.list_b)
        with self.assertRaisesRegex(ValidationError, "belongs to Coop B"):
            self._as(draft_b, self.mailer_a).action_launch()
        self.assertEqual(draft_b.state, "draft")

    def test_only_email_marketing_users_write_to_members(self):
        """Only email marketing users write to the whole cooperative."""
        with self.assertRaisesRegex(AccessError, "email marketing"):
            self._as(self.company_a, self.officer_a).action_coop_newsletter_mailing()
