"""Paying shares online and donating to cooperative life (issues #26 §4 and #25 §5).

Both go through Odoo's own payment flows, driven over HTTP as the browser's payment form
does: the invoice's transaction route of account_payment (the "Pay Now" of a call for
payment) and website_payment's donation form, with Odoo's demo provider (payment_demo,
which `make test` installs next to the coop modules; it is no dependency of ours). The
demo provider's simulation route plays the bank; the status poll of the landing page runs
Odoo's post-processing, which reconciles the invoice or counts the donation.
"""

import base64
import json
import re
import subprocess
import unittest

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase
from .test_portal_join import CONSENTS_TICKED

CENTRE_IBAN = "FR6030004000010000123456010"


def pdf_text(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


@tagged("post_install", "-at_install")
class TestPortalOnlinePayment(CoopPortalCase):
    """Claire (Centre-Val de Loire) pays her new shares online or by transfer; Bernard
    (Auvergne-Rhône-Alpes) has a call for payment of his own; a visitor and Claire donate
    to the life of Claire's cooperative."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Provider = cls.env["payment.provider"]
        if "demo" not in dict(Provider._fields["code"].selection):
            raise unittest.SkipTest(
                "payment_demo is not installed (make test installs it: EXTRA_MODULES)"
            )
        cls.centre = cls.member_claire.company_id
        cls.ara = cls.member_bernard.company_id
        cls.share_class = cls.env.ref("coop_membership.share_class_centre")
        cls.share_class_ara = cls.env.ref("coop_membership.share_class_ara")
        # The demo's bank account of the cooperative (demo/coop_payment_demo.xml), made
        # here too so that the tests do not depend on it.
        cls.bank = cls.centre.partner_id.bank_ids.filtered(
            lambda b: b.sanitized_acc_number == CENTRE_IBAN
        ) or cls.env["res.partner.bank"].create(
            {"acc_number": CENTRE_IBAN, "partner_id": cls.centre.partner_id.id}
        )
        cls.providers = Provider._coop_demo_enable_providers()
        cls.provider = cls.providers.filtered(lambda p: p.company_id == cls.centre)
        cls.payment_method = cls.provider.payment_method_ids.filtered(lambda m: m.code == "demo")[
            :1
        ]
        # The moderator's budget of cooperative life (coop_engagement's setting).
        plan = cls.env["account.analytic.plan"].create({"name": "Vie coopérative"})
        cls.life_account = cls.env["account.analytic.account"].create(
            {"name": "Vie coopérative Centre", "plan_id": plan.id, "company_id": cls.centre.id}
        )
        cls.centre.coop_life_analytic_account_id = cls.life_account
        cls.accountant_centre = create_user(
            cls.env,
            "accountant_centre",
            "base.group_user,account.group_account_invoice",
            cls.centre,
        )
        cls.Tx = cls.env["payment.transaction"]

    # ------------------------------------------------------------------
    # Helpers: what the browser's payment form sends
    # ------------------------------------------------------------------
    def subscribe(self, login, member, share_class, quantity=2):
        """The member subscribes more shares from her space: the call for payment."""
        self.authenticate(login, login)
        url = f"/my/cooperative/{member.id}/subscribe"
        self.post_form(url, {"share_class_id": share_class.id, "quantity": str(quantity)})
        request = self.env["coop.subscription.request"].search(
            [("partner_id", "=", member.partner_id.id), ("state", "=", "waiting_payment")],
            order="id desc",
            limit=1,
        )
        self.assertTrue(request.invoice_id, "the subscription has its call for payment")
        return request

    def pay_invoice(self, invoice, state="done", access_token=None):
        """The "Pay Now" form of the invoice's page: a transaction with the demo provider,
        the bank's answer (``state``), then the landing page's status poll."""
        processing = self.make_jsonrpc_request(
            f"/invoice/transaction/{invoice.id}",
            {
                "access_token": access_token or invoice.sudo()._portal_ensure_token(),
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method.id,
                "token_id": None,
                "amount": invoice.amount_residual,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": invoice.get_portal_url(),
                "is_validation": False,
            },
        )
        return self.bank_answers(processing["reference"], state)

    def bank_answers(self, reference, state):
        self.make_jsonrpc_request(
            "/payment/demo/simulate_payment",
            {"reference": reference, "payment_details": "4242", "simulated_state": state},
        )
        self.make_jsonrpc_request("/payment/status/poll", {})
        return self.Tx.search([("reference", "=", reference)])

    def donate(self, amount, name="Jeanne Visiteuse", state="done"):
        """The donation form of website_payment for Claire's cooperative."""
        currency = self.centre.currency_id
        page = self.url_open(
            f"/donation/pay?company_id={self.centre.id}&currency_id={currency.id}&amount={amount}"
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn(f'data-provider-id="{self.provider.id}"', page.text)
        logged_in = "Jeanne" not in name
        partner = (
            self.env.ref("coop_portal.user_claire_martin").partner_id
            if logged_in
            else self.env["website"].get_current_website().user_id.partner_id
        )
        processing = self.make_jsonrpc_request(
            "/donation/transaction/0",
            {
                "amount": amount,
                "currency_id": currency.id,
                "partner_id": partner.id,
                "access_token": None,
                "provider_id": self.provider.id,
                "payment_method_id": self.payment_method.id,
                "token_id": None,
                "flow": "direct",
                "tokenization_requested": False,
                "landing_route": "/donation/pay",
                "is_validation": False,
                "partner_details": {
                    "name": name,
                    "email": "jeanne.visiteuse@example.org",
                    "country_id": self.env.ref("base.fr").id,
                },
                "donation_comment": "",
                "donation_recipient_email": "vie@example.org",
            },
        )
        return self.bank_answers(processing["reference"], state)

    # ------------------------------------------------------------------
    # Paying shares
    # ------------------------------------------------------------------
    def test_member_pays_her_subscription_online(self):
        """Claire subscribes two shares, pays them with the demo card: her call for payment
        is paid, the register line is confirmed with its number, she holds three shares."""
        request = self.subscribe("claire", self.member_claire, self.share_class)
        invoice = request.invoice_id
        page = self.url_open(f"/my/cooperative/{self.member_claire.id}").text
        self.assertIn("o_coop_pay_online", page)
        self.assertIn(f"/my/invoices/{invoice.id}?access_token=", page)
        # Odoo's own invoice page, with its "Pay Now" and the demo provider.
        invoice_page = self.url_open(
            invoice.sudo().get_portal_url(anchor="portal_pay", query_string="&payment=True")
        )
        self.assertEqual(invoice_page.status_code, 200)
        self.assertIn('data-bs-target="#pay_with"', invoice_page.text)
        self.assertIn(f'data-provider-id="{self.provider.id}"', invoice_page.text)

        tx = self.pay_invoice(invoice)

        self.assertEqual(tx.state, "done")
        self.assertEqual(tx.invoice_ids, invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertTrue(invoice.currency_id.is_zero(invoice.amount_residual))
        self.assertEqual(request.state, "paid")
        operation = request.operation_id
        self.assertEqual(operation.state, "confirmed")
        self.assertTrue(operation.name and operation.name != "/", "the register gives a number")
        self.assertEqual(self.member_claire.share_count, 3)
        # What Claire sees: her register line with its number, no payment to make any more.
        page = self.url_open(f"/my/cooperative/{self.member_claire.id}").text
        self.assertIn(operation.name, page)
        self.assertNotIn("o_coop_pay_online", page)

    def test_transfer_details_carry_the_epc_qr_code(self):
        """Next to paying online, Claire reads the cooperative's IBAN and the reference,
        and a QR code her bank's app reads: an EPC SEPA transfer of the exact amount."""
        request = self.subscribe("claire", self.member_claire, self.share_class)
        invoice = request.invoice_id
        details = invoice.with_user(self.user_claire)._coop_payment_details()
        reference = invoice.payment_reference or invoice.name
        lines = details["qr_payload"].split("\n")
        self.assertEqual(lines[:4], ["BCD", "002", "1", "SCT"])
        self.assertEqual(lines[6], CENTRE_IBAN)
        self.assertEqual(lines[7], f"EUR{invoice.amount_residual}")
        self.assertEqual(invoice.amount_residual, 2 * self.share_class.nominal_value)
        self.assertEqual(lines[10], reference)
        self.assertTrue(details["qr_image"].startswith("data:image/png;base64,"))
        page = self.url_open(f"/my/cooperative/{self.member_claire.id}").text
        self.assertIn(self.bank.acc_number, page)
        self.assertIn(reference, page)
        # The image is in the page itself (a PNG Odoo drew): no QR service of another host.
        images = re.findall(r"<img [^>]*o_coop_epc_qr[^>]*>", page)
        sources = [re.search(r'src="([^"]+)"', image).group(1) for image in images]
        self.assertEqual(len(sources), 1)
        self.assertTrue(sources[0].startswith("data:image/png;base64,"))
        png = base64.b64decode(sources[0].split(",", 1)[1])
        self.assertTrue(png.startswith(b"\x89PNG"))
        # The call for payment's own page (the email's link) says the same.
        invoice_page = self.url_open(invoice.sudo().get_portal_url()).text
        self.assertIn("o_coop_epc_qr", invoice_page)
        self.assertIn(self.bank.acc_number, invoice_page)

    def test_candidate_pays_from_the_call_for_payment_email(self):
        """Jeanne applies on the join page; once the office accepts, the call for payment's
        email has a button to pay; without any login she pays with the demo card: her
        shares are registered with their number and she becomes a member."""
        self.authenticate(None, None)
        self.forget_join_attempts()
        self.post_form(
            "/cooperative/join",
            {
                "company_id": str(self.centre.id),
                "college_id": str(self.env.ref("coop_membership.coop_college_centre_cons").id),
                "share_class_id": str(self.share_class.id),
                "quantity": "3",
                "partner_name": "Jeanne Paie-en-Ligne",
                "email": "jeanne.paie@example.org",
                "zip": "37000",
                "city": "Tours",
                "contact_channel": "email",
                **CONSENTS_TICKED,
            },
        )
        request = self.env["coop.subscription.request"].search(
            [("email", "=", "jeanne.paie@example.org")]
        )
        self.assertEqual(request.state, "submitted")
        officer = self.env.ref("coop_membership.user_sylvie_morel")
        request.with_user(officer).action_validate()
        invoice = request.invoice_id
        mails = self.env["mail.mail"].search(
            [("model", "=", request._name), ("res_id", "=", request.id)]
        )
        link = f"/my/invoices/{invoice.id}?access_token={invoice.sudo().access_token}"
        called = mails.filtered(lambda m: link in (m.body_html or ""))
        self.assertTrue(called, "the call for payment's email has the button to pay")
        self.assertIn(request.partner_id, called.recipient_ids)
        page = self.url_open(link)
        self.assertEqual(page.status_code, 200)
        self.assertIn('data-bs-target="#pay_with"', page.text)
        self.assertIn("o_coop_epc_qr", page.text)

        tx = self.pay_invoice(invoice)

        self.assertEqual(tx.state, "done")
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.operation_id.state, "confirmed")
        self.assertTrue(request.member_id.member_number)
        self.assertEqual(request.member_id.share_count, 3)

    @mute_logger("odoo.http")
    def test_paying_someone_elses_call_stores_nothing(self):
        """Claire forges the id of Bernard's call for payment (no token, a wrong token, an
        id that does not exist): refused, no transaction, Bernard's call untouched."""
        bernard_request = self.subscribe("bernard", self.member_bernard, self.share_class_ara)
        bernard_invoice = bernard_request.invoice_id
        self.authenticate("claire", "claire")
        # His call for payment's page is not hers, and shows none of it.
        page = self.url_open(f"/my/invoices/{bernard_invoice.id}")
        self.assertNotIn(bernard_invoice.name, page.text)
        self.assertNotIn("o_coop_epc_qr", page.text)
        with self.assertRaises(AccessError):
            bernard_invoice.with_user(self.user_claire)._coop_payment_details()
        before = self.Tx.search_count([])
        missing = self.env["account.move"].search([], order="id desc", limit=1).id + 1000
        answers = set()
        for invoice_id, token in (
            (bernard_invoice.id, "forged"),
            (bernard_invoice.id, None),
            (missing, "forged"),
        ):
            response = self.url_open(
                f"/invoice/transaction/{invoice_id}",
                data=json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "params": {
                            "access_token": token,
                            "provider_id": self.provider.id,
                            "payment_method_id": self.payment_method.id,
                            "token_id": None,
                            "amount": bernard_invoice.amount_residual,
                            "flow": "direct",
                            "tokenization_requested": False,
                            "landing_route": "/my",
                            "is_validation": False,
                        },
                    }
                ),
                headers={"Content-Type": "application/json"},
            )
            error = response.json()["error"]["data"]
            answers.add((error["name"], error["message"]))
        # Someone else's call and a call that does not exist get the same answer.
        self.assertEqual(len(answers), 1, answers)
        self.assertEqual(self.Tx.search_count([]), before)
        self.assertEqual(bernard_invoice.payment_state, "not_paid")
        self.assertEqual(bernard_request.state, "waiting_payment")

    def test_cancelled_or_failed_payment_leaves_the_call_unpaid(self):
        """Claire's bank refuses, then she cancels: the call stays to pay, her shares do
        not change, and she can still pay online."""
        request = self.subscribe("claire", self.member_claire, self.share_class)
        invoice = request.invoice_id
        for state in ("error", "cancel"):
            tx = self.pay_invoice(invoice, state=state)
            self.assertEqual(tx.state, state)
            self.assertEqual(invoice.payment_state, "not_paid")
            self.assertEqual(request.state, "waiting_payment")
            self.assertFalse(request.operation_id.state == "confirmed")
            self.assertEqual(self.member_claire.share_count, 1)
        page = self.url_open(f"/my/cooperative/{self.member_claire.id}").text
        self.assertIn("o_coop_pay_online", page)

    # ------------------------------------------------------------------
    # Donations
    # ------------------------------------------------------------------
    def test_visitor_donation_counts_in_the_cooperative_life_budget(self):
        """A visitor gives 30 € to Claire's cooperative: a positive line "Don — Jeanne
        Visiteuse" in its budget of cooperative life, and a receipt by email."""
        self.authenticate(None, None)
        tx = self.donate(30.0)
        self.assertEqual(tx.state, "done")
        self.assertTrue(tx.is_donation)
        self.assertEqual(tx.company_id, self.centre)
        line = tx.coop_donation_line_id
        self.assertEqual(line.account_id, self.life_account)
        self.assertEqual(line.amount, 30.0)
        # In the cooperative's language (French once fr.po is loaded).
        self.assertRegex(line.name, r"^(Donation|Don) — Jeanne Visiteuse$")
        self.assertEqual(line.date, fields.Date.today())
        self.assertFalse(line.partner_id, "a visitor is nobody's contact")
        mail = (
            self.env["mail.mail"]
            .search([("model", "=", "payment.transaction"), ("res_id", "=", tx.id)])
            .filtered(lambda m: m.attachment_ids)
        )
        self.assertTrue(mail, "the receipt goes to the donor")
        self.assertIn("jeanne.visiteuse@example.org", mail[0].email_to)

    def test_member_donation_names_her_and_is_counted_once(self):
        """Claire, logged in, gives 15 €: the line names her; the payment's post-processing
        run again counts nothing twice."""
        self.authenticate("claire", "claire")
        tx = self.donate(15.0, name="Claire Martin")
        line = tx.coop_donation_line_id
        self.assertEqual(line.partner_id, self.member_claire.partner_id)
        self.assertEqual(line.amount, 15.0)
        Line = self.env["account.analytic.line"]
        count = Line.search_count([("account_id", "=", self.life_account.id)])
        with superuser_setup("arrange: Odoo's post-processing cron passes again"):
            tx._post_process()
        self.assertEqual(Line.search_count([("account_id", "=", self.life_account.id)]), count)

    def test_failed_donation_records_nothing(self):
        """The visitor's bank refuses the donation: no line in the budget, no receipt."""
        self.authenticate(None, None)
        lines = self.env["account.analytic.line"].search_count([])
        tx = self.donate(20.0, state="error")
        self.assertEqual(tx.state, "error")
        self.assertFalse(tx.coop_donation_line_id)
        self.assertEqual(self.env["account.analytic.line"].search_count([]), lines)

    def test_donation_receipt_is_a_pdf(self):
        """The accountant prints the receipt of a donation: a one-page PDF naming the
        donor, the amount and the cooperative."""
        self.authenticate(None, None)
        tx = self.donate(30.0)
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_user(self.accountant_centre)
            .with_context(force_report_rendering=True, allowed_company_ids=self.centre.ids)
            ._render_qweb_pdf("coop_portal.action_report_donation_receipt", tx.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(pdf)
        self.assertEqual(text.count("\f"), 1, "one page")
        self.assertIn("Donation receipt", text)
        self.assertIn("Jeanne Visiteuse", text)
        self.assertIn("30.00", text)
        self.assertIn(self.centre.name, text)
        self.assertIn(tx.reference, text)
