from odoo import fields, models, tools
from odoo.tools import SQL

from .coop_share_operation import SIGNED_CAPITAL_SQL


class CoopCapitalVariation(models.Model):
    """Capital variation per cooperative and year, for the pivot and graph views.

    The same figures as the capital variation spreadsheet (coop.capital.report), one row
    per cooperative and calendar year from its first operation or membership to this year.
    Movements add up across cooperatives (the federation's consolidated figures); opening
    and closing capital and members at year end are stocks: read them year by year.
    """

    _name = "coop.capital.variation"
    _description = "Capital Variation"
    _auto = False
    _order = "date desc, company_id"

    company_id = fields.Many2one("res.company", string="Cooperative", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date = fields.Date(string="Year End", readonly=True)
    year = fields.Char(readonly=True)
    # Stocks (opening, closing, members at year end) are never summed: added across years
    # or cooperatives they mean nothing, so no aggregator (the pivot and the grouped list
    # show only flows, which add up).
    opening = fields.Monetary(string="Opening Capital", readonly=True, aggregator=None)
    subscriptions = fields.Monetary(readonly=True)
    redemptions = fields.Monetary(readonly=True)
    conversions = fields.Monetary(readonly=True)
    change = fields.Monetary(
        string="Capital Change",
        readonly=True,
        help="Closing minus opening capital: subscriptions, redemptions and conversions.",
    )
    closing = fields.Monetary(string="Closing Capital", readonly=True, aggregator=None)
    transfers = fields.Monetary(string="Transfers (volume)", readonly=True)
    members_in = fields.Integer(readonly=True)
    members_out = fields.Integer(readonly=True)
    members_end = fields.Integer(string="Members at Year End", readonly=True, aggregator=None)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # Same signs as coop.capital.report._capital_variation (SIGNED_CAPITAL_SQL).
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW coop_capital_variation AS (
                WITH signed AS (
                    SELECT company_id,
                           EXTRACT(YEAR FROM date)::int AS year,
                           operation_type,
                           CASE WHEN is_reversal THEN -amount ELSE amount END AS volume,
                           %s AS capital
                      FROM coop_share_operation
                     WHERE state = 'confirmed'
                ), operations AS (
                    SELECT company_id, year,
                           SUM(capital) FILTER (WHERE operation_type = 'subscription')
                               AS subscriptions,
                           SUM(capital) FILTER (WHERE operation_type = 'redemption')
                               AS redemptions,
                           SUM(capital) FILTER (WHERE operation_type = 'conversion')
                               AS conversions,
                           SUM(volume) FILTER (WHERE operation_type = 'transfer') AS transfers,
                           SUM(capital) AS capital
                      FROM signed
                  GROUP BY company_id, year
                ), moves AS (
                    SELECT m.company_id, EXTRACT(YEAR FROM p.date_from)::int AS year,
                           1 AS members_in, 0 AS members_out
                      FROM coop_member_period p
                      JOIN coop_member m ON m.id = p.member_id
                    UNION ALL
                    SELECT m.company_id, EXTRACT(YEAR FROM p.date_to)::int, 0, 1
                      FROM coop_member_period p
                      JOIN coop_member m ON m.id = p.member_id
                     WHERE p.date_to IS NOT NULL
                ), members AS (
                    SELECT company_id, year, SUM(members_in) AS members_in,
                           SUM(members_out) AS members_out
                      FROM moves
                  GROUP BY company_id, year
                ), bounds AS (
                    SELECT company_id, MIN(year) AS first_year, MAX(year) AS last_year
                      FROM (SELECT company_id, year FROM operations
                            UNION ALL
                            SELECT company_id, year FROM members) AS years
                  GROUP BY company_id
                ), years AS (
                    SELECT b.company_id, y.year
                      FROM bounds b
                CROSS JOIN LATERAL generate_series(
                               b.first_year,
                               GREATEST(b.last_year, EXTRACT(YEAR FROM CURRENT_DATE)::int)
                           ) AS y(year)
                )
                SELECT y.company_id * 10000 + y.year AS id,
                       y.company_id,
                       make_date(y.year, 12, 31) AS date,
                       y.year::varchar AS year,
                       COALESCE(SUM(o.capital) OVER before, 0) AS opening,
                       COALESCE(o.subscriptions, 0) AS subscriptions,
                       COALESCE(o.redemptions, 0) AS redemptions,
                       COALESCE(o.conversions, 0) AS conversions,
                       COALESCE(o.capital, 0) AS change,
                       COALESCE(SUM(o.capital) OVER through, 0) AS closing,
                       COALESCE(o.transfers, 0) AS transfers,
                       COALESCE(mb.members_in, 0) AS members_in,
                       COALESCE(mb.members_out, 0) AS members_out,
                       COALESCE(SUM(mb.members_in - mb.members_out) OVER through, 0)::int
                           AS members_end
                  FROM years y
             LEFT JOIN operations o ON o.company_id = y.company_id AND o.year = y.year
             LEFT JOIN members mb ON mb.company_id = y.company_id AND mb.year = y.year
                WINDOW through AS (PARTITION BY y.company_id ORDER BY y.year
                                   ROWS UNBOUNDED PRECEDING),
                       before AS (PARTITION BY y.company_id ORDER BY y.year
                                  ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)
            )
            """,
                SQL(SIGNED_CAPITAL_SQL),
            )
        )
