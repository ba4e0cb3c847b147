import io
import os
import re
import subprocess
import tempfile

from odoo.exceptions import UserError
from odoo.tools.pdf import PdfFileReader

from .capital_common import CoopCapitalTestCommon

LETTER = "coop_membership.mail_activity_subscription_letter"
REPORT = "coop_membership.action_report_subscription_letter"
MM = 72 / 25.4  # PDF points per millimetre


class TestSubscriptionLetter(CoopCapitalTestCommon):
    """The paper letters the office prints for people without email."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"].search(
            [("name", "in", ("coop_membership", "mail", "base"))]
        )._update_translations(["fr_FR"])
        cls.company_a.write(
            {
                "street": "12 rue de la Coopération",
                "zip": "37000",
                "city": "Tours",
                "country_id": cls.env.ref("base.fr").id,
                "email": "societariat@coop-a.example.org",
            }
        )
        cls.company_a.partner_id.lang = "fr_FR"
        cls.env["res.partner.bank"].create(
            {"acc_number": "FR7630006000011234567890189", "partner_id": cls.company_a.partner_id.id}
        )

    def _paper_request(self, name, street):
        request = (
            self.env["coop.subscription.request"]
            .with_user(self.officer_a)
            .create(
                {
                    "partner_name": name,
                    "street": street,
                    "zip": "37300",
                    "city": "Joué-lès-Tours",
                    "contact_channel": "paper",
                    "college_id": self.college_a_cons.id,
                    "share_class_id": self.class_a.id,
                    "quantity": 2,
                }
            )
        )
        request.action_submit()
        return request

    def _print(self, requests):
        """The PDF the officer gets from Print > Letter to the person."""
        action = requests.with_user(self.officer_a).action_print_letter()
        self.assertEqual(action["report_name"], "coop_membership.report_subscription_letter")
        pdf, report_type = (
            self.env["ir.actions.report"]
            .with_user(self.officer_a)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(REPORT, requests.ids)
        )
        self.assertEqual(report_type, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        return pdf

    @staticmethod
    def _pdftotext(pdf, *args):
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
            handle.write(pdf)
        try:
            return subprocess.run(
                ["pdftotext", *args, handle.name, "-"], check=True, capture_output=True, text=True
            ).stdout
        finally:
            os.unlink(handle.name)

    def test_officer_prints_the_call_for_payment_of_a_paper_member(self):
        """The officer accepts the subscription of a person without email and prints the
        call for payment in French, with the address in the envelope window."""
        request = self._paper_request("Marcel Bonnet", "2 rue des Tanneurs")
        request.action_validate()
        task = request.sudo().activity_ids.filtered(
            lambda a: (
                a.activity_type_id == self.env.ref(LETTER)
                and "call for payment" in (a.summary or "")
            )
        )
        self.assertEqual(task.user_id, self.officer_a, "the office posts the letter")
        pdf = self._print(request)
        self.assertEqual(PdfFileReader(io.BytesIO(pdf)).getNumPages(), 1)
        text = self._pdftotext(pdf, "-layout")
        flat = " ".join(text.split())
        for expected in (
            "Coop A",
            "12 rue de la Coopération",
            "Marcel Bonnet",
            "2 rue des Tanneurs",
            "37300 Joué-lès-Tours",
            "Objet",
            "paiement de vos parts sociales",
            request.name,
            request.sudo().invoice_id.name,
            "FR76 3000 6000 0112 3456 7890 189",
            "Bonjour Marcel Bonnet",
            "Merci de régler",
            "Montant à régler",
        ):
            self.assertIn(expected, flat)
        self.assertNotIn("Hello", flat, "the letter is in the person's language")
        # The name sits in the window of a DL envelope: 100 x 45 mm, 110 mm from the left
        # edge and about 50 mm from the top of the sheet.
        bbox = self._pdftotext(pdf, "-bbox")
        word = re.search(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">Bonnet</word>',
            bbox,
        )
        x_min, y_min, x_max, y_max = (float(v) / MM for v in word.groups())
        self.assertGreaterEqual(x_min, 105)
        self.assertLessEqual(x_max, 210)
        self.assertGreaterEqual(y_min, 45)
        self.assertLessEqual(y_max, 95)

    def test_officer_prints_a_batch_of_letters(self):
        """The officer selects several paper requests and prints all their letters at once,
        one page each."""
        first = self._paper_request("Jeanne Roux", "5 place Plumereau")
        second = self._paper_request("Paul Petit", "8 rue Colbert")
        pdf = self._print(first | second)
        self.assertEqual(PdfFileReader(io.BytesIO(pdf)).getNumPages(), 2)
        text = self._pdftotext(pdf, "-layout")
        self.assertIn("Jeanne Roux", text)
        self.assertIn("Paul Petit", text)
        self.assertIn("nous avons bien reçu", " ".join(text.split()).lower())

    def test_letter_of_a_draft_is_refused(self):
        """A draft has nothing to post: printing it says so and prints nothing."""
        draft = (
            self.env["coop.subscription.request"]
            .with_user(self.officer_a)
            .create(
                {
                    "partner_name": "Brouillon",
                    "college_id": self.college_a_cons.id,
                    "share_class_id": self.class_a.id,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "no letter to post"):
            draft.action_print_letter()

    def test_the_letter_is_offered_in_the_print_menu(self):
        """The letter is in the Print menu of the subscription requests, for the office."""
        report = self.env.ref(REPORT)
        self.assertEqual(report.binding_model_id.model, "coop.subscription.request")
        self.assertIn(self.env.ref("coop_membership.group_coop_officer"), report.groups_id)
