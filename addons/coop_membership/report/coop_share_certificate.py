from odoo import _, api, models
from odoo.exceptions import AccessError

# Staff who may print a member's own documents (certificate, tax attestation): officers
# answer the members' requests, accountants keep the register.
MEMBER_DOCUMENT_GROUPS = (
    "coop_membership.group_coop_officer",
    "coop_membership.group_coop_accountant",
)


def can_print_member_documents(env):
    # Superuser mode: the member portal, after its own ownership check.
    return env.su or any(env.user.has_group(group) for group in MEMBER_DOCUMENT_GROUPS)


class ReportShareCertificate(models.AbstractModel):
    _name = "report.coop_membership.report_share_certificate"
    _description = "Share Certificate"

    @api.model
    def _get_report_values(self, docids, data=None):
        # The report action's groups only hide the Print menu entry: /report/pdf/... renders
        # for anyone who can read the members, so the group is checked here.
        if not can_print_member_documents(self.env):
            raise AccessError(
                _("Only cooperative officers and accountants may print share certificates.")
            )
        docs = self.env["coop.member"].browse(docids)
        docs.check_access("read")
        return {"doc_ids": docs.ids, "doc_model": "coop.member", "docs": docs}
