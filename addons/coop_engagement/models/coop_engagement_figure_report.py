from odoo import fields, models, tools

# Figures drawn side by side on the dashboard's charts, read from the cooperative-life
# dashboard (coop_engagement_company_report): (key, column).
FIGURES = (
    ("1_member_events", "member_event_count"),
    ("2_coop_events", "coop_event_count"),
    ("3_event_participants", "event_participant_count"),
    ("4_stand_visitors", "stand_visitor_count"),
    ("5_spending", "coop_life_budget"),
    ("6_donations", "coop_life_donation"),
    ("7_capital_in", "capital_in"),
)


class CoopEngagementFigureReport(models.Model):
    """The dashboard's figures one per row, so that one chart sets them side by side.

    A graph view draws one measure; its series come from a grouping. Events organised
    by members beside events organised for them, event participants beside stand
    visitors, cooperative-life spending beside donations and the capital brought in:
    each pair is one chart grouped by year and ``figure``.
    """

    _name = "coop.engagement.figure.report"
    _description = "Cooperative Life Figures"
    _auto = False
    _order = "year desc, company_id, figure"

    year = fields.Char(readonly=True)
    date = fields.Date(string="Year Start", readonly=True)
    company_id = fields.Many2one("res.company", string="Cooperative", readonly=True)
    figure = fields.Selection(
        [
            ("1_member_events", "Events Organised by Members"),
            ("2_coop_events", "Events Organised for Members"),
            ("3_event_participants", "Event Participants"),
            ("4_stand_visitors", "Stand Visitors"),
            ("5_spending", "Cooperative Life Spending"),
            ("6_donations", "Donations to Cooperative Life"),
            ("7_capital_in", "Capital Brought In"),
        ],
        readonly=True,
    )
    value = fields.Float(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        values = ", ".join(
            f"({rank}, '{key}', r.{column}::float)"
            for rank, (key, column) in enumerate(FIGURES, start=1)
        )
        # The keys and columns are the constants above, never user input.
        self.env.cr.execute(  # pylint: disable=sql-injection
            f"""
            CREATE VIEW coop_engagement_figure_report AS (
                SELECT r.id * 10 + k.rank AS id, r.year, r.date, r.company_id,
                       k.figure, COALESCE(k.value, 0) AS value
                  FROM coop_engagement_company_report r
            CROSS JOIN LATERAL (VALUES {values}) AS k(rank, figure, value)
            )
            """
        )
