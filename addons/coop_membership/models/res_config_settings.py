from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coop_legal_form = fields.Selection(related="company_id.coop_legal_form", readonly=False)
    coop_vote_by_college = fields.Boolean(related="company_id.coop_vote_by_college", readonly=False)
    coop_member_sequence_id = fields.Many2one(
        related="company_id.coop_member_sequence_id", readonly=False
    )
    coop_college_warning = fields.Text(related="company_id.coop_college_warning")
