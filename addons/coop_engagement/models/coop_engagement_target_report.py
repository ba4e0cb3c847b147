from odoo import fields, models, tools
from odoo.tools import SQL

from .coop_engagement_company_report import LEVELS_SQL


class CoopEngagementTargetReport(models.Model):
    """Active and very active shares of each cooperative next to its targets.

    Four rows per cooperative (active, active target, very active, very active target)
    so that one bar chart sets each share beside its target. Shares use the current
    levels of members and resigning members, as the cooperative-life dashboard does.
    Grouped rows recompute the share from the counts (a target weighs by the members
    of its cooperative), never a mean of percentages.
    """

    _name = "coop.engagement.target.report"
    _inherit = ["coop.rate.report.mixin"]
    _coop_rates = {"value": ("numerator", "rated_member_count")}
    _description = "Engagement against Targets"
    _auto = False
    _order = "company_id, indicator"

    company_id = fields.Many2one("res.company", string="Cooperative", readonly=True)
    indicator = fields.Selection(
        [
            ("1_active", "Active"),
            ("2_active_target", "Active Target"),
            ("3_very_active", "Very Active"),
            ("4_very_active_target", "Very Active Target"),
        ],
        readonly=True,
    )
    value = fields.Float(string="Share (%)", readonly=True, aggregator="avg")
    numerator = fields.Float(string="Members Counted", readonly=True)
    rated_member_count = fields.Integer(string="Members Rated", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW coop_engagement_target_report AS (
            WITH levels AS (%s), figures AS (
                SELECT lv.company_id, k.rank, k.indicator, k.numerator, lv.members
                  FROM levels lv
                  JOIN res_company c ON c.id = lv.company_id
            CROSS JOIN LATERAL (VALUES
                      (1, '1_active', lv.active::float),
                      (2, '2_active_target',
                       COALESCE(c.coop_active_target_min, 0) * lv.members / 100.0),
                      (3, '3_very_active', lv.very_active::float),
                      (4, '4_very_active_target',
                       COALESCE(c.coop_very_active_target, 0) * lv.members / 100.0)
                   ) AS k(rank, indicator, numerator)
            )
            SELECT company_id * 10 + rank AS id, company_id, indicator,
                   numerator::float AS numerator,
                   members::int AS rated_member_count,
                   ROUND((100.0 * numerator / NULLIF(members, 0))::numeric, 2)::float AS value
              FROM figures
            )
            """,
                SQL(LEVELS_SQL),
            )
        )
