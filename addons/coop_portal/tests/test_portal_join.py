import re

from odoo.tests import tagged

from .common import CoopPortalCase

# The four texts an applicant accepts, ticked as the page requires.
CONSENTS_TICKED = {
    "consent_statutes": "on",
    "consent_internal_rules": "on",
    "consent_data_processing": "on",
    "consent_financial_risk": "on",
}


@tagged("post_install", "-at_install")
class TestPortalJoin(CoopPortalCase):
    """The public application page: a submitted request the office accepts."""

    def application(self, **change):
        company = self.env.ref("coop_membership.coop_company_centre")
        data = {
            "company_id": str(company.id),
            "college_id": str(self.env.ref("coop_membership.coop_college_centre_cons").id),
            "share_class_id": str(self.env.ref("coop_membership.share_class_centre").id),
            "quantity": "3",
            "partner_name": "Jeanne Test-Candidate",
            "email": "jeanne.candidate@example.org",
            "phone": "06 00 00 00 00",
            "street": "1 place Plumereau",
            "zip": "37000",
            "city": "Tours",
            "birthdate": "1980-05-04",
            "contact_channel": "email",
            **CONSENTS_TICKED,
        }
        data.update(change)
        return data

    def test_anonymous_application_is_submitted_for_the_office(self):
        Request = self.env["coop.subscription.request"]
        page = self.url_open("/cooperative/join").text
        self.assertIn('name="website_url"', page, "the honeypot field is in the form")
        response = self.post_form("/cooperative/join", self.application())
        self.assertEqual(response.status_code, 200)
        request = Request.search([("email", "=", "jeanne.candidate@example.org")])
        self.assertEqual(len(request), 1)
        # The reference goes by email, never on the page (the page is the same for an
        # address that already applied); the email greets no name typed in the form.
        self.assertNotIn(request.name, response.text)
        acknowledgement = request.message_ids.filtered(lambda m: request.name in (m.body or ""))
        self.assertTrue(acknowledgement, "the reference is sent by email")
        self.assertNotIn("Jeanne Test-Candidate", acknowledgement[0].body)
        self.assertEqual(
            (request.state, request.origin, request.quantity), ("submitted", "website", 3)
        )
        self.assertEqual(request.partner_id.name, "Jeanne Test-Candidate")
        self.assertEqual(str(request.partner_id.coop_birthdate), "1980-05-04")
        self.assertFalse(request.member_id, "staff accept it: no membership yet")
        # The office accepts it as any request.
        accountant = self.env.ref("coop_membership.user_sylvie_morel")
        request.with_user(accountant).action_validate()
        self.assertEqual(request.state, "waiting_payment")
        self.assertEqual(request.member_id.state, "candidate")

    def test_bad_applications_store_nothing(self):
        Request = self.env["coop.subscription.request"]
        Partner = self.env["res.partner"]
        before = (Request.search_count([]), Partner.search_count([]))
        ara_college = self.env.ref("coop_membership.coop_college_ara_cons")
        cases = [
            ({"quantity": "-2"}, "at least 1"),
            ({"quantity": "trois"}, "whole number"),
            ({"email": "jeanne@"}, "valid email"),
            ({"partner_name": "  "}, "first and last name"),
            ({"company_id": "999999"}, "cooperative you want to join"),
            ({"college_id": str(ara_college.id)}, "college among those"),
            ({"share_class_id": str(self.env.ref("coop_membership.share_class_ara").id)},
             "share class of"),
            ({"birthdate": "2999-01-01"}, "birth date"),
            ({"birthdate": "hier"}, "birth date"),
            ({"city": "<script>alert(1)</script>\x01"}, "control characters"),
            ({"contact_channel": "fax"}, "Choose how"),
        ]  # fmt: skip
        for change, message in cases:
            with self.subTest(change=change):
                self.forget_join_attempts()
                response = self.post_form("/cooperative/join", self.application(**change))
                self.assertEqual(response.status_code, 200)
                self.assertIn("was not sent", response.text)
                self.assertIn(message, response.text)
                self.assertNotIn("<script>alert(1)</script>", response.text)
        self.assertEqual((Request.search_count([]), Partner.search_count([])), before)

    def test_honeypot_and_rate_limit(self):
        Request = self.env["coop.subscription.request"]
        before = Request.search_count([])
        response = self.post_form("/cooperative/join", self.application(website_url="http://spam"))
        self.assertIn("Thank you", response.text)
        self.assertEqual(Request.search_count([]), before, "a robot's form stores nothing")
        for i in range(5):
            self.post_form("/cooperative/join", self.application(email=f"family{i}@example.org"))
        self.assertEqual(Request.search_count([]), before + 5)
        response = self.post_form("/cooperative/join", self.application(email="sixth@example.org"))
        self.assertIn("try again", response.text)
        self.assertEqual(Request.search_count([]), before + 5)

    def test_every_attempt_counts_and_known_addresses_get_the_same_page(self):
        """From one address: a new application, the same address again, two refused forms
        and one more application count as five attempts; the sixth is refused. The known
        address gets exactly the new one's page."""
        Request = self.env["coop.subscription.request"]
        status = re.compile(r'role="status">(.*?)</p>', re.S)
        first = self.post_form("/cooperative/join", self.application()).text
        again = self.post_form("/cooperative/join", self.application()).text
        self.assertEqual(status.findall(first), status.findall(again))
        self.assertTrue(status.findall(first))
        for bad in ({"email": "not an email"}, {"partner_name": " "}):
            self.assertIn(
                "not sent", self.post_form("/cooperative/join", self.application(**bad)).text
            )
        self.post_form("/cooperative/join", self.application(email="fifth@example.org"))
        before = Request.search_count([])
        response = self.post_form("/cooperative/join", self.application(email="sixth@example.org"))
        self.assertIn("try again", response.text)
        self.assertEqual(Request.search_count([]), before)

    def test_same_person_twice_creates_nothing_and_tells_nothing(self):
        Request = self.env["coop.subscription.request"]
        self.post_form("/cooperative/join", self.application())
        first = Request.search([("email", "=", "jeanne.candidate@example.org")])
        response = self.post_form(
            "/cooperative/join", self.application(email="JEANNE.candidate@example.org")
        )
        # The same page as a new application (no way to probe for known addresses)...
        self.assertIn("Thank you", response.text)
        self.assertNotIn(first.name, response.text)
        self.assertNotIn("already", response.text)
        # ... nothing more stored, and the office sees the attempt on the pending request.
        self.assertEqual(Request.search_count([("partner_id", "=", first.partner_id.id)]), 1)
        self.assertIn("same email address", first.message_ids[0].body)
