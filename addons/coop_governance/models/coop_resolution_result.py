from odoo import fields, models


class CoopResolutionResult(models.Model):
    """Per-college result of a resolution, written when its vote closes."""

    _name = "coop.resolution.result"
    _description = "Resolution Result per College"
    _order = "resolution_id, sequence, id"

    resolution_id = fields.Many2one(
        "coop.resolution", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="resolution_id.company_id", store=True)
    sequence = fields.Integer(readonly=True)
    college_id = fields.Many2one("coop.college", string="College Record", readonly=True)
    college_name = fields.Char(string="College", readonly=True)
    weight = fields.Float(string="Statutory Weight (%)", digits=(5, 2), readonly=True)
    effective_weight = fields.Float(
        string="Effective Weight (%)",
        digits=(5, 2),
        readonly=True,
        help="Weight after the weight of the colleges that expressed nothing was shared "
        "out pro rata over the others.",
    )
    yes_count = fields.Integer(string="Yes", readonly=True)
    no_count = fields.Integer(string="No", readonly=True)
    abstain_count = fields.Integer(string="Abstain", readonly=True)
    expressed_count = fields.Integer(string="Expressed", readonly=True)
    yes_percent = fields.Float(string="Yes (%)", digits=(5, 2), readonly=True)
