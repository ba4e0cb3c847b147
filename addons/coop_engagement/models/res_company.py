from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    coop_engagement_window = fields.Integer(
        string="Engagement Window (months)",
        default=24,
        help="Engagement levels count the activities of this many past months.",
    )
    coop_solicitation_cap = fields.Integer(
        string="Default Solicitation Cap",
        default=4,
        help="Maximum number of solicitations a person receives in 30 days, unless the "
        "person chose another number. Legal notices are never capped.",
    )
    coop_active_target_min = fields.Float(string="Active Members Target Min (%)", default=5.0)
    coop_active_target_max = fields.Float(string="Active Members Target Max (%)", default=10.0)
    coop_very_active_target = fields.Float(string="Very Active Members Target (%)", default=2.0)
    coop_engagement_date = fields.Date(
        string="Engagement Levels Computed On", readonly=True, copy=False
    )
    coop_life_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Cooperative Life Budget",
        help="Analytic account carrying the costs of cooperative life (events, local "
        "groups, assemblies); the dashboard sums its lines per year.",
    )

    @api.constrains("coop_engagement_window", "coop_solicitation_cap")
    def _check_coop_engagement_settings(self):
        for company in self:
            if company.coop_engagement_window < 1:
                raise ValidationError(
                    _(
                        "The engagement window of %(company)s must be at least one month.",
                        company=company.name,
                    )
                )
            if company.coop_solicitation_cap < 0:
                raise ValidationError(
                    _(
                        "The solicitation cap of %(company)s cannot be negative.",
                        company=company.name,
                    )
                )
