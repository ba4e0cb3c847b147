from odoo import fields, models


class CoopMemberCollegeHistory(models.Model):
    """Which college a member belonged to, and when (for censuses and reports)."""

    _name = "coop.member.college.history"
    _description = "Member College History"
    _order = "date_from desc, id desc"

    member_id = fields.Many2one(
        "coop.member", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    college_id = fields.Many2one("coop.college", required=True, readonly=True, index=True)
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(readonly=True, help="Exclusive end date.")
