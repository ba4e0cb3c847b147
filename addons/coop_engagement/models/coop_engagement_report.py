from odoo import fields, models, tools


class CoopEngagementReport(models.Model):
    """One row per membership with its levels: pivot and graph by company, college,
    level and local group."""

    _name = "coop.engagement.report"
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
                       (SELECT COUNT(*) FROM coop_engagement_activity a
                         WHERE a.member_id = m.id) AS activity_count
                  FROM coop_member m
                 WHERE m.state IN ('member', 'resigning')
            )
            """
        )
