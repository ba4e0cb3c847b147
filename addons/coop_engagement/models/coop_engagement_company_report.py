from odoo import fields, models, tools


class CoopEngagementCompanyReport(models.Model):
    """Cooperative-life figures per cooperative and year, for the board.

    Member counts, capital and local groups are taken at the end of each year;
    active shares use the current levels and are filled on the current year only.
    """

    _name = "coop.engagement.company.report"
    _description = "Cooperative Life Dashboard"
    _auto = False
    _order = "year desc, company_id"

    year = fields.Integer(readonly=True, aggregator=None)
    date = fields.Date(string="Year Start", readonly=True)
    company_id = fields.Many2one("res.company", string="Cooperative", readonly=True)
    member_count = fields.Integer(string="Members", readonly=True)
    new_member_count = fields.Integer(string="New Members", readonly=True)
    client_count = fields.Integer(
        string="Clients not Members",
        readonly=True,
        help="Customers invoiced during the year who were not members at its end.",
    )
    capital = fields.Float(string="Capital at Year End", readonly=True)
    active_count = fields.Integer(string="Active Members", readonly=True)
    very_active_count = fields.Integer(string="Very Active Members", readonly=True)
    active_rate = fields.Float(string="Active (%)", readonly=True, aggregator="avg")
    very_active_rate = fields.Float(string="Very Active (%)", readonly=True, aggregator="avg")
    active_target_min = fields.Float(
        string="Active Target Min (%)", readonly=True, aggregator="avg"
    )
    active_target_max = fields.Float(
        string="Active Target Max (%)", readonly=True, aggregator="avg"
    )
    very_active_target = fields.Float(
        string="Very Active Target (%)", readonly=True, aggregator="avg"
    )
    local_group_count = fields.Integer(string="Local Groups", readonly=True)
    member_event_count = fields.Integer(string="Events Organised by Members", readonly=True)
    people_reached = fields.Integer(readonly=True)
    action_call_count = fields.Integer(string="Action Calls Done", readonly=True)
    coop_life_budget = fields.Float(string="Cooperative Life Spending", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE VIEW coop_engagement_company_report AS (
            WITH years AS (
                SELECT c.id AS company_id, y.year::int AS year,
                       make_date(y.year::int, 12, 31) AS year_end
                  FROM res_company c
                  CROSS JOIN LATERAL generate_series(
                        COALESCE((SELECT EXTRACT(YEAR FROM MIN(m.admission_date))
                                    FROM coop_member m WHERE m.company_id = c.id),
                                 EXTRACT(YEAR FROM CURRENT_DATE)),
                        EXTRACT(YEAR FROM CURRENT_DATE)) AS y(year)
                 WHERE EXISTS (SELECT 1 FROM coop_member m WHERE m.company_id = c.id)
            )
            SELECT y.company_id * 10000 + y.year AS id,
                   y.year,
                   make_date(y.year, 1, 1) AS date,
                   y.company_id,
                   (SELECT COUNT(*) FROM coop_member m
                     WHERE m.company_id = y.company_id
                       AND m.admission_date <= y.year_end
                       AND (m.exit_date IS NULL OR m.exit_date > y.year_end)) AS member_count,
                   (SELECT COUNT(*) FROM coop_member m
                     WHERE m.company_id = y.company_id
                       AND EXTRACT(YEAR FROM m.admission_date) = y.year) AS new_member_count,
                   (SELECT COUNT(DISTINCT am.commercial_partner_id) FROM account_move am
                     WHERE am.company_id = y.company_id
                       AND am.move_type = 'out_invoice' AND am.state = 'posted'
                       AND EXTRACT(YEAR FROM am.invoice_date) = y.year
                       AND NOT EXISTS (
                           SELECT 1 FROM coop_member m
                            WHERE m.partner_id = am.commercial_partner_id
                              AND m.company_id = y.company_id
                              AND m.admission_date <= y.year_end
                              AND (m.exit_date IS NULL OR m.exit_date > y.year_end))
                   ) AS client_count,
                   COALESCE((SELECT SUM(sm.amount) FROM coop_share_movement sm
                              WHERE sm.company_id = y.company_id
                                AND sm.date <= y.year_end), 0)::float AS capital,
                   CASE WHEN y.year = EXTRACT(YEAR FROM CURRENT_DATE) THEN
                       (SELECT COUNT(*) FROM coop_member m
                         WHERE m.company_id = y.company_id AND m.is_engaged_active
                           AND m.state IN ('member', 'resigning'))
                   END AS active_count,
                   CASE WHEN y.year = EXTRACT(YEAR FROM CURRENT_DATE) THEN
                       (SELECT COUNT(*) FROM coop_member m
                         WHERE m.company_id = y.company_id AND m.is_very_active
                           AND m.state IN ('member', 'resigning'))
                   END AS very_active_count,
                   CASE WHEN y.year = EXTRACT(YEAR FROM CURRENT_DATE) THEN
                       (SELECT ROUND(100.0 * COUNT(*) FILTER (WHERE m.is_engaged_active)
                                     / NULLIF(COUNT(*), 0), 2)
                          FROM coop_member m
                         WHERE m.company_id = y.company_id
                           AND m.state IN ('member', 'resigning'))
                   END::float AS active_rate,
                   CASE WHEN y.year = EXTRACT(YEAR FROM CURRENT_DATE) THEN
                       (SELECT ROUND(100.0 * COUNT(*) FILTER (WHERE m.is_very_active)
                                     / NULLIF(COUNT(*), 0), 2)
                          FROM coop_member m
                         WHERE m.company_id = y.company_id
                           AND m.state IN ('member', 'resigning'))
                   END::float AS very_active_rate,
                   c.coop_active_target_min AS active_target_min,
                   c.coop_active_target_max AS active_target_max,
                   c.coop_very_active_target AS very_active_target,
                   (SELECT COUNT(*) FROM coop_local_group g
                     WHERE g.company_id = y.company_id AND g.active
                       AND g.create_date::date <= y.year_end) AS local_group_count,
                   (SELECT COUNT(*) FROM event_event e
                     WHERE e.company_id = y.company_id AND e.coop_organized_by_member
                       AND EXTRACT(YEAR FROM e.date_begin) = y.year) AS member_event_count,
                   (SELECT COUNT(DISTINCT r.partner_id) FROM event_registration r
                      JOIN event_event e ON e.id = r.event_id
                     WHERE e.company_id = y.company_id AND e.coop_organized_by_member
                       AND r.state IN ('open', 'done')
                       AND EXTRACT(YEAR FROM e.date_begin) = y.year) AS people_reached,
                   (SELECT COUNT(*) FROM coop_action_call ac
                     WHERE ac.company_id = y.company_id AND ac.state = 'done'
                       AND EXTRACT(YEAR FROM COALESCE(ac.date_start, ac.write_date)) = y.year
                   ) AS action_call_count,
                   COALESCE((SELECT -SUM(al.amount) FROM account_analytic_line al
                              WHERE al.account_id = c.coop_life_analytic_account_id
                                AND EXTRACT(YEAR FROM al.date) = y.year), 0)::float
                       AS coop_life_budget
              FROM years y
              JOIN res_company c ON c.id = y.company_id
            )
            """
        )
