from datetime import timedelta

from odoo import api, fields, models


class ReportCoopAdmissionLetter(models.AbstractModel):
    """Admission letters of paper members, each with a fresh activation code.

    The code is made while the letter is rendered and printed nowhere else: printing a
    letter again gives a new code and kills the previous one.
    """

    _name = "report.coop_portal.report_admission_letter"
    _description = "Admission Letter with Activation Code"

    @api.model
    def _get_report_values(self, docids, data=None):
        members = self.env["coop.member"].browse(docids)
        # Checks that the caller is an officer who reads these memberships.
        codes = self.env["coop.activation.code"]._coop_issue(members)
        return {
            "doc_ids": docids,
            "doc_model": "coop.member",
            "docs": members.sudo(),
            "codes": codes,
            "activation_url": self.get_base_url() + "/my/activate",
            "expiry_date": fields.Date.context_today(self)
            + timedelta(days=self.env["coop.activation.code"]._coop_validity_days()),
        }
