import io
import subprocess

from odoo import fields
from odoo.tools.pdf import PdfFileReader

from .capital_common import CoopCapitalTestCommon
from .role_guard import superuser_setup


class TestCertificatePdf(CoopCapitalTestCommon):
    """The member's documents are real PDF files on the cooperative's letterhead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.write(
            {
                "street": "12 rue Nationale",
                "zip": "37000",
                "city": "Tours",
                "siret": "81234567800017",
                "company_registry": "RCS Tours 812 345 678",
            }
        )
        cls.member = cls._create_member("Odette Lemoine")
        cls._subscribe(cls.member, 4)

    def _pdf_text(self, user, report, data=None):
        """Render ``report`` for the member as ``user``: (page count, text)."""
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, self.member.ids, data=data)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        pages = PdfFileReader(io.BytesIO(pdf)).getNumPages()
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        return pages, " ".join(text.split())

    def _assert_letterhead(self, text):
        for expected in (
            "Coop A",
            "12 rue Nationale",
            "37000 Tours",
            "with variable capital",
            "SIRET: 81234567800017",
            "RCS Tours 812 345 678",
            "Odette Lemoine",
        ):
            self.assertIn(expected, text)

    def test_officer_prints_the_share_certificate(self):
        """The officer prints a member's certificate: one page on A's letterhead,
        naming the member and her four shares, as text that can be selected."""
        pages, text = self._pdf_text(self.officer_a, "coop_membership.report_share_certificate")
        self.assertEqual(pages, 1)
        self._assert_letterhead(text)
        self.assertIn("deux cents euros", text)

    def test_officer_prints_the_tax_attestation(self):
        """The officer prints a member's tax attestation of this year on A's letterhead."""
        year = fields.Date.today().year
        pages, text = self._pdf_text(
            self.officer_a, "coop_membership.report_tax_attestation", data={"year": year}
        )
        self.assertEqual(pages, 1)
        self._assert_letterhead(text)
        self.assertIn(str(year + 5), text)

    def test_printing_never_opens_the_layout_wizard(self):
        """Printing goes straight to the document: every cooperative, old or new, has
        a document layout, so neither the officer nor an administrator meets Odoo's
        layout wizard."""
        companies = self.env["res.company"].search([])
        self.assertFalse(companies.filtered(lambda company: not company.external_report_layout_id))
        with superuser_setup("a cooperative created after the module"):
            new_coop = self._create_coop("Coop C")
        self.assertEqual(
            new_coop.external_report_layout_id, self.env.ref("web.external_layout_standard")
        )
        admin = self._create_user(
            "admin_a", "base.group_erp_manager,coop_membership.group_coop_manager", self.company_a
        )
        report = self.env.ref("coop_membership.action_report_share_certificate")
        for user in (self.officer_a, admin):
            action = report.with_user(user).report_action(self.member)
            self.assertEqual(action["type"], "ir.actions.report", user.login)
            self.assertEqual(action["report_name"], "coop_membership.report_share_certificate")

    def test_manual_payment_in_french(self):
        """The accountant's payment methods read "Paiement manuel" in French, not
        "Manual Payment"; a name the accountant typed stays as typed."""
        with superuser_setup("the French interface, as the users have it"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.env["ir.module.module"]._load_module_terms(["account"], ["fr_FR"])
        lines = (
            self.env["account.payment.method.line"]
            .with_user(self.accountant_a)
            .search([("company_id", "parent_of", self.company_a.id), ("code", "=", "manual")])
        )
        self.assertTrue(lines)
        self.assertEqual(set(lines.mapped("name")), {"Manual Payment"})
        french = lines.with_context(lang="fr_FR", hide_payment_journal_id=True)
        self.assertEqual(set(french.mapped("display_name")), {"Paiement manuel"})
        self.assertEqual(
            lines.with_context(lang="en_US", hide_payment_journal_id=True)[0].display_name,
            "Manual Payment",
        )
        with superuser_setup("the chief accountant renames a payment method"):
            lines[0].name = "Chèque"
        self.assertEqual(
            lines[0].with_context(lang="fr_FR", hide_payment_journal_id=True).display_name,
            "Chèque",
        )
