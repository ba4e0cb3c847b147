from odoo import _, api, fields, models
from odoo.exceptions import UserError


class ReportTaxAttestation(models.AbstractModel):
    _name = "report.coop_membership.report_tax_attestation"
    _description = "Annual Tax Attestation"

    @api.model
    def _get_report_values(self, docids, data=None):
        year = (data or {}).get("year") or fields.Date.context_today(self).year - 1
        if not self.env.user.has_group("coop_membership.group_coop_accountant"):
            raise UserError(_("Only cooperative accountants may print tax attestations."))
        docs = self.env["coop.member"].browse(docids)
        docs.check_access("read")
        return {"doc_ids": docids, "doc_model": "coop.member", "docs": docs, "year": int(year)}
