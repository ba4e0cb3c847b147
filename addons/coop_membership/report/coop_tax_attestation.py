from odoo import _, api, fields, models
from odoo.exceptions import AccessError

from .coop_share_certificate import can_print_member_documents


class ReportTaxAttestation(models.AbstractModel):
    _name = "report.coop_membership.report_tax_attestation"
    _description = "Annual Tax Attestation"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        year = int(data.get("year") or fields.Date.context_today(self).year - 1)
        if not can_print_member_documents(self.env):
            raise AccessError(
                _("Only cooperative officers and accountants may print tax attestations.")
            )
        if docids:
            docs = self.env["coop.member"].browse(docids)
        else:
            # The batch from the capital reports wizard: the web client sends the report
            # data without record ids, so the members are selected here again (for
            # accountants only, see _check_report_access).
            companies = self.env["res.company"].browse(data.get("company_ids") or [])
            self.env["coop.capital.report"]._check_report_access(companies)
            docs = self.env["coop.member"]._coop_tax_attestation_members(companies, year)
        docs.check_access("read")
        return {"doc_ids": docs.ids, "doc_model": "coop.member", "docs": docs, "year": year}
