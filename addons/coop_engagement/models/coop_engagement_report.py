from odoo import fields, models, tools

# Shares computed from counts when rows are grouped: rate field -> (numerator, denominator).
RATES = {
    "active_rate": ("active_count", "member_count"),
    "very_active_rate": ("very_active_count", "member_count"),
}


class CoopEngagementReport(models.Model):
    """One row per membership with its levels: pivot and graph by company, college,
    level and local group."""

    _name = "coop.engagement.report"
    _inherit = ["coop.rate.report.mixin"]
    _coop_rates = RATES
    _description = "Engagement Analysis"
    _auto = False
    _rec_name = "partner_id"
    _order = "company_id, democratic_level desc"

    member_id = fields.Many2one("coop.member", string="Membership", readonly=True)
    partner_id = fields.Many2one("res.partner", string="Person", readonly=True)
    company_id = fields.Many2one("res.company", string="Cooperative", readonly=True)
    college_id = fields.Many2one("coop.college", readonly=True)
    local_group_id = fields.Many2one(
        "coop.local.group",
        string="Main Local Group",
        readonly=True,
        help="The first local group the person joined.",
    )
    admission_date = fields.Date(readonly=True)
    democratic_level = fields.Integer(readonly=True, aggregator="avg")
    militant_level = fields.Integer(readonly=True, aggregator="avg")
    democratic_level_label = fields.Selection(
        [(str(n), str(n)) for n in range(6)], string="Democratic Level (group)", readonly=True
    )
    member_count = fields.Integer(string="Members", readonly=True)
    active_count = fields.Integer(string="Active", readonly=True)
    very_active_count = fields.Integer(string="Very Active", readonly=True)
    activity_count = fields.Integer(string="Activities", readonly=True)
    active_rate = fields.Float(
        string="Active (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the members who are active, computed from the counts of the rows.",
    )
    very_active_rate = fields.Float(
        string="Very Active (%)",
        readonly=True,
        aggregator="avg",
        help="Share of the members who are very active, computed from the counts of the rows.",
    )
    last_activity_date = fields.Date(
        string="Last Activity",
        readonly=True,
        help="Date of the latest engagement activity of the membership: filter a year "
        "to see who took part that year.",
    )

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE VIEW coop_engagement_report AS (
                SELECT m.id,
                       m.id AS member_id,
                       m.partner_id,
                       m.company_id,
                       m.college_id,
                       m.admission_date,
                       (SELECT gm.local_group_id
                          FROM coop_local_group_membership gm
                          JOIN coop_local_group g ON g.id = gm.local_group_id
                         WHERE gm.partner_id = m.partner_id AND g.company_id = m.company_id
                      ORDER BY gm.id LIMIT 1) AS local_group_id,
                       m.democratic_level,
                       m.militant_level,
                       m.democratic_level::varchar AS democratic_level_label,
                       1 AS member_count,
                       CASE WHEN m.is_engaged_active THEN 1 ELSE 0 END AS active_count,
                       CASE WHEN m.is_very_active THEN 1 ELSE 0 END AS very_active_count,
                       CASE WHEN m.is_engaged_active THEN 100.0 ELSE 0.0 END::float
                           AS active_rate,
                       CASE WHEN m.is_very_active THEN 100.0 ELSE 0.0 END::float
                           AS very_active_rate,
                       act.n AS activity_count,
                       act.last_date AS last_activity_date
                  FROM coop_member m
                  LEFT JOIN LATERAL (
                       SELECT COUNT(*) AS n, MAX(a.date) AS last_date
                         FROM coop_engagement_activity a
                        WHERE a.member_id = m.id) act ON TRUE
                 WHERE m.state IN ('member', 'resigning')
            )
            """
        )
