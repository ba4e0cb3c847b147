from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coop_engagement_window = fields.Integer(
        related="company_id.coop_engagement_window", readonly=False
    )
    coop_solicitation_cap = fields.Integer(
        related="company_id.coop_solicitation_cap", readonly=False
    )
    coop_active_target_min = fields.Float(
        related="company_id.coop_active_target_min", readonly=False
    )
    coop_active_target_max = fields.Float(
        related="company_id.coop_active_target_max", readonly=False
    )
    coop_very_active_target = fields.Float(
        related="company_id.coop_very_active_target", readonly=False
    )
    coop_life_analytic_account_id = fields.Many2one(
        related="company_id.coop_life_analytic_account_id", readonly=False
    )
