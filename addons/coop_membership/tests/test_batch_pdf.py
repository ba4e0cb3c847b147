import io
import subprocess

from odoo.tools.pdf import PdfFileReader

from .capital_common import CoopCapitalTestCommon


class TestBatchPdf(CoopCapitalTestCommon):
    """Several records printed at once come out as one PDF, whatever wkhtmltopdf's build."""

    def test_officer_prints_certificates_of_several_members_at_once(self):
        """The officer selects three members and prints their certificates: one PDF with a
        page for each (Debian's wkhtmltopdf refuses several documents in one call)."""
        members = self.env["coop.member"]
        for name, shares in (("Odette Lemoine", 4), ("Paul Mercier", 2), ("Inès Moreau", 1)):
            member = self._create_member(name)
            self._subscribe(member, shares)
            members |= member
        pdf, kind = (
            self.env["ir.actions.report"]
            .with_user(self.officer_a)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("coop_membership.report_share_certificate", members.ids)
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        self.assertEqual(PdfFileReader(io.BytesIO(pdf)).getNumPages(), 3)
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        for name in ("Odette Lemoine", "Paul Mercier", "Inès Moreau"):
            self.assertIn(name, text)
