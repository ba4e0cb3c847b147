from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    coop_candidacy_min_months = fields.Integer(
        related="company_id.coop_candidacy_min_months", readonly=False
    )
    coop_candidacy_college_ids = fields.Many2many(
        related="company_id.coop_candidacy_college_ids", readonly=False
    )
