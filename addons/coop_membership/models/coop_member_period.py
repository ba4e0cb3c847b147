from odoo import fields, models


class CoopMemberPeriod(models.Model):
    """One line per admission: keeps every member number ever handed out."""

    _name = "coop.member.period"
    _description = "Membership Period"
    _order = "date_from desc, id desc"

    member_id = fields.Many2one(
        "coop.member", required=True, index=True, ondelete="cascade", readonly=True
    )
    partner_id = fields.Many2one(related="member_id.partner_id", store=True)
    company_id = fields.Many2one(related="member_id.company_id", store=True, index=True)
    member_number = fields.Char(required=True, readonly=True)
    date_from = fields.Date(string="Admission", required=True, readonly=True)
    date_to = fields.Date(string="Exit", readonly=True)
    exit_type = fields.Selection(
        [
            ("resigned", "Resignation"),
            ("excluded", "Exclusion"),
            ("deceased", "Death"),
        ],
        readonly=True,
    )

    _sql_constraints = [
        (
            "number_company_uniq",
            "unique(company_id, member_number)",
            "A member number is never given twice in a cooperative.",
        ),
    ]
