from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import CoopPortalCase

IBAN = "FR76 3000 6000 0112 3456 7890 189"
CONSENTS = {
    "consent_statutes": "on",
    "consent_internal_rules": "on",
    "consent_data_processing": "on",
    "consent_financial_risk": "on",
}


@tagged("post_install", "-at_install")
class TestRequestConsents(CoopPortalCase):
    """What the applicant accepted and their bank account (issue #20 §6), from the public
    join page to the member space."""

    def application(self, **change):
        return {
            "company_id": str(self.env.ref("coop_membership.coop_company_centre").id),
            "college_id": str(self.env.ref("coop_membership.coop_college_centre_cons").id),
            "share_class_id": str(self.env.ref("coop_membership.share_class_centre").id),
            "quantity": "2",
            "partner_name": "Claire Martin",
            "email": "claire.martin@example.org",
            "contact_channel": "email",
            **change,
        }

    def test_consents_are_kept_and_shown_in_the_member_space(self):
        """Claire ticks the four texts and gives her IBAN on the join page: the request
        keeps them with the date and the texts' version, her contact gets the account, and
        her member space lists what she accepted."""
        page = self.url_open("/cooperative/join").text
        for name in CONSENTS:
            self.assertIn(f'name="{name}"', page)
        self.post_form("/cooperative/join", self.application(iban=IBAN, **CONSENTS))
        request = self.env["coop.subscription.request"].search(
            [("origin", "=", "website"), ("partner_id", "=", self.member_claire.partner_id.id)]
        )
        self.assertEqual(len(request), 1)
        self.assertTrue(
            all(request[name] for name in CONSENTS), "the four texts are recorded as accepted"
        )
        self.assertTrue(request.consent_date)
        self.assertEqual(request.consent_version, "2026-12")
        self.assertIn(
            "FR7630006000011234567890189",
            self.member_claire.partner_id.bank_ids.mapped("sanitized_acc_number"),
        )
        self.authenticate("claire", "claire")
        space = self.url_open("/my/cooperative").text
        self.assertIn("What I accepted", space)
        self.assertIn(request.name, space)
        self.assertIn("Accepted the Statutes", space)
        self.assertIn("Acknowledged the Financial Risk", space)

    def test_application_without_the_four_texts_is_refused(self):
        """A form sent without ticking the four texts (a script, a forged post: the page
        requires them) is refused with a clear message, and nothing is stored."""
        Request = self.env["coop.subscription.request"]
        Partner = self.env["res.partner"]
        before = (Request.search_count([]), Partner.search_count([]))
        three = dict(CONSENTS, consent_financial_risk="")
        for ticked in ({}, three):
            with self.subTest(ticked=sorted(ticked)):
                self.forget_join_attempts()
                response = self.post_form(
                    "/cooperative/join",
                    self.application(
                        partner_name="Paul Neuf", email="paul.neuf@example.org", **ticked
                    ),
                )
                self.assertEqual(response.status_code, 200)
                self.assertIn("was not sent", response.text)
                self.assertIn("Tick the four boxes of what you accept", response.text)
        self.assertEqual((Request.search_count([]), Partner.search_count([])), before)
        self.assertFalse(Request.search([("email", "=", "paul.neuf@example.org")]))

    def test_office_cannot_rewrite_what_was_accepted(self):
        """An officer cannot tick or untick a consent after the fact."""
        self.post_form(
            "/cooperative/join",
            self.application(partner_name="Paul Neuf", email="paul.neuf@example.org", **CONSENTS),
        )
        request = self.env["coop.subscription.request"].search(
            [("email", "=", "paul.neuf@example.org")]
        )
        officer = self.env.ref("coop_membership.user_thomas_girard")
        with self.assertRaises(UserError):
            request.with_user(officer).write({"consent_statutes": False})
        self.assertTrue(request.consent_statutes)

    def test_wrong_iban_on_the_join_page_stores_nothing(self):
        """A mistyped IBAN on the join page is refused with Odoo's IBAN message."""
        Request = self.env["coop.subscription.request"]
        before = Request.search_count([])
        response = self.post_form(
            "/cooperative/join",
            self.application(
                partner_name="Paul Neuf",
                email="paul.neuf@example.org",
                iban="FR76 3000 6000 0112 3456 7890 180",
                **CONSENTS,
            ),
        )
        self.assertIn("was not sent", response.text)
        self.assertIn("IBAN", response.text)
        self.assertEqual(Request.search_count([]), before)
