import io
import os
import subprocess
import tempfile
from datetime import timedelta

from PyPDF2 import PdfFileReader

from odoo import fields

from odoo.addons.coop_membership.tests.capital_common import CoopCapitalTestCommon


class GovernanceCommon(CoopCapitalTestCommon):
    """Coop A (5 colleges, weights 40/20/15/15/10) and governance users.

    Members hold one confirmed share each: the census needs at least one.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.gov_officer_a = cls._create_user(
            "gov_officer_a", "coop_governance.group_governance_officer", cls.company_a
        )
        cls.gov_officer_b = cls._create_user(
            "gov_officer_b", "coop_governance.group_governance_officer", cls.company_b
        )
        cls.in_a_month = fields.Datetime.now() + timedelta(days=30)

    @classmethod
    def _create_member(cls, name, company=None, college=None, admit=True, shares=1, **vals):
        member = super()._create_member(name, company=company, college=college, admit=admit, **vals)
        if admit and shares:
            cls._subscribe(member, shares)
        return member

    @classmethod
    def _create_members(cls, count, college, prefix):
        return cls.env["coop.member"].concat(
            *(
                cls._create_member(f"{prefix} {i}", company=college.company_id, college=college)
                for i in range(count)
            )
        )

    @classmethod
    def _create_assembly(cls, company=None, assembly_type="ordinary", resolutions=1, **vals):
        company = company or cls.company_a
        assembly = cls.env["coop.assembly"].create(
            {
                "name": "AG",
                "company_id": company.id,
                "assembly_type": assembly_type,
                "date": cls.in_a_month,
                **vals,
            }
        )
        cls.env["coop.resolution"].create(
            [
                {"assembly_id": assembly.id, "name": f"Resolution {i + 1}", "sequence": i}
                for i in range(resolutions)
            ]
        )
        return assembly

    def _voter(self, assembly, member):
        return assembly.voter_ids.filtered(lambda v: v.member_id == member)

    def _render_pdf(self, report, records, user):
        """The real PDF of ``report`` as ``user`` prints it (tests render HTML otherwise)."""
        pdf, _format = (
            self.env["ir.actions.report"]
            .with_user(user)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf(report, records.ids)
        )
        return pdf

    @staticmethod
    def _pdf_pages_text(pdf):
        """Text of each page of a PDF, as ``pdftotext`` reads it (what a reader copies)."""
        pages = PdfFileReader(io.BytesIO(pdf)).getNumPages()
        with tempfile.NamedTemporaryFile(suffix=".pdf", delete=False) as handle:
            handle.write(pdf)
        try:
            return [
                subprocess.run(
                    ["pdftotext", "-layout", "-f", str(page), "-l", str(page), handle.name, "-"],
                    check=True,
                    capture_output=True,
                    text=True,
                ).stdout
                for page in range(1, pages + 1)
            ]
        finally:
            os.unlink(handle.name)
