from odoo import _, api, models
from odoo.exceptions import AccessError


class ReportShareCertificate(models.AbstractModel):
    _name = "report.coop_membership.report_share_certificate"
    _description = "Share Certificate"

    @api.model
    def _get_report_values(self, docids, data=None):
        # The report action's groups only hide the Print menu entry: /report/pdf/... renders
        # for anyone who can read the members, so the group is checked here.
        # Superuser mode: the member portal, after its own ownership check.
        if not (self.env.su or self.env.user.has_group("coop_membership.group_coop_accountant")):
            raise AccessError(_("Only cooperative accountants may print share certificates."))
        docs = self.env["coop.member"].browse(docids)
        docs.check_access("read")
        return {"doc_ids": docs.ids, "doc_model": "coop.member", "docs": docs}
