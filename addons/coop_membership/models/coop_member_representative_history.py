from odoo import fields, models


class CoopMemberRepresentativeHistory(models.Model):
    """Who represented an organisation in a cooperative, and when.

    The chatter says who changed it; these dated lines let an assembly's records name the
    person who actually acted for the organisation on that day.
    """

    _name = "coop.member.representative.history"
    _description = "Organisation Representative History"
    _order = "date_from desc, id desc"

    member_id = fields.Many2one(
        "coop.member", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Representative", required=True, readonly=True, index=True
    )
    date_from = fields.Date(required=True, readonly=True)
    date_to = fields.Date(readonly=True, help="Exclusive end date.")
