from odoo import fields, models, tools
from odoo.tools import SQL

# Shares computed from counts when rows are grouped (a mean of shares would weigh a
# 10-member cooperative like a 10,000-member one): rate field -> (numerator, denominator).
RATES = {
    "active_rate": ("active_count", "rated_member_count"),
    "very_active_rate": ("very_active_count", "rated_member_count"),
    "coop_life_ratio": ("coop_life_budget", "capital_in"),
}


# Members rated per cooperative today: counted, active, very active (members and resigning
# members). One definition for the dashboard's reports.
LEVELS_SQL = """
                SELECT company_id, COUNT(*) AS members,
                       COUNT(*) FILTER (WHERE is_engaged_active) AS active,
                       COUNT(*) FILTER (WHERE is_very_active) AS very_active
                  FROM coop_member
                 WHERE state IN ('member', 'resigning')
              GROUP BY company_id
"""


class CoopEngagementCompanyReport(models.Model):
    """Cooperative-life figures per cooperative and year, for the board.

    Member counts, capital and local groups are taken at the end of each year;
    active shares use the current levels and are filled on the current year only.
    """

    _name = "coop.engagement.company.report"
    _inherit = ["coop.rate.report.mixin"]
    _coop_rates = RATES
    _description = "Cooperative Life Dashboard"
    _auto = False
    _order = "year desc, company_id"

    # Text, not a number: a year is a label, shown "2026" and not "2 026" in lists,
    # pivots and exports whatever the language's thousands separator.
    year = fields.Char(readonly=True)
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
    rated_member_count = fields.Integer(
        string="Members Rated",
        readonly=True,
        help="Members whose engagement levels the active shares are computed on "
        "(current year only).",
    )
    active_rate = fields.Float(
        string="Active (%)",
        readonly=True,
        aggregator="avg",
        help="Active members out of the members rated; grouped rows recompute the share "
        "from the counts.",
    )
    very_active_rate = fields.Float(
        string="Very Active (%)",
        readonly=True,
        aggregator="avg",
        help="Very active members out of the members rated; grouped rows recompute the "
        "share from the counts.",
    )
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
    member_event_count = fields.Integer(
        string="Events Organised by Members",
        readonly=True,
        help="Events of the year whose organiser is a member of the cooperative.",
    )
    coop_event_count = fields.Integer(
        string="Events Organised for Members",
        readonly=True,
        help="Events of the year the cooperative organised itself (its organiser is not a member).",
    )
    event_participant_count = fields.Integer(
        string="Event Participants",
        readonly=True,
        help="People registered to the cooperative's events of the year, once per person.",
    )
    stand_count = fields.Integer(string="Stands", readonly=True)
    stand_visitor_count = fields.Integer(string="Stand Visitors", readonly=True)
    stand_contact_count = fields.Integer(string="Stand Contacts", readonly=True)
    stand_pledge_count = fields.Integer(string="Memberships Promised at Stands", readonly=True)
    people_reached = fields.Integer(
        readonly=True,
        help="Event participants plus the visitors of the stands of the year.",
    )
    action_call_count = fields.Integer(string="Action Calls Done", readonly=True)
    coop_life_budget = fields.Float(
        string="Cooperative Life Spending",
        readonly=True,
        help="Costs booked on the cooperative-life analytic account during the year.",
    )
    coop_life_donation = fields.Float(
        string="Donations to Cooperative Life",
        readonly=True,
        help="Donations booked on the cooperative-life analytic account during the year.",
    )
    capital_in = fields.Float(
        string="Capital Brought In",
        readonly=True,
        help="Shares subscribed during the year (redemptions left out).",
    )
    coop_life_ratio = fields.Float(
        string="Cooperative Life / Capital In (%)",
        readonly=True,
        aggregator="avg",
        help="Cooperative-life spending out of the capital brought in during the year; "
        "grouped rows recompute the share from the amounts.",
    )
    producer_project_count = fields.Integer(string="Projects Proposed by Producers", readonly=True)
    member_project_count = fields.Integer(
        string="Projects Born from Members' Initiatives", readonly=True
    )
    # What members did in the year (engagement activities, issue #24 §4).
    forum_question_count = fields.Integer(
        string="Forum Questions",
        readonly=True,
        help="Questions members asked in the cooperative's forum.",
    )
    debate_count = fields.Integer(
        string="Debate Participations",
        readonly=True,
        help="Members taking part in a forum thread (answers and comments), once per "
        "member and thread.",
    )
    proposal_author_count = fields.Integer(
        string="Proposal Authors",
        readonly=True,
        help="Members who drafted or co-authored a published proposal or a resolution, "
        "once per member and text (a proposal put on an agenda counts once).",
    )
    cosignature_count = fields.Integer(
        string="Co-signatures",
        readonly=True,
        help="Co-signatures of proposals and resolutions, once per member and text.",
    )
    candidacy_count = fields.Integer(string="Board Candidacies", readonly=True)
    poll_answer_count = fields.Integer(string="Poll Answers", readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                """
            CREATE VIEW coop_engagement_company_report AS (
            WITH bounds AS (
                SELECT company_id, MIN(EXTRACT(YEAR FROM admission_date))::int AS first_year
                  FROM coop_member
                 WHERE admission_date IS NOT NULL
              GROUP BY company_id
            ), years AS (
                SELECT b.company_id, y::int AS year, make_date(y::int, 12, 31) AS year_end
                  FROM bounds b,
                       generate_series(b.first_year, EXTRACT(YEAR FROM CURRENT_DATE)::int) y
            ), flows AS (
                SELECT company_id, EXTRACT(YEAR FROM admission_date)::int AS year,
                       1 AS admitted, 0 AS exited
                  FROM coop_member WHERE admission_date IS NOT NULL
                UNION ALL
                SELECT company_id, EXTRACT(YEAR FROM exit_date)::int, 0, 1
                  FROM coop_member WHERE admission_date IS NOT NULL AND exit_date IS NOT NULL
            ), flow AS (
                SELECT company_id, year, SUM(admitted) AS admitted, SUM(exited) AS exited
                  FROM flows GROUP BY company_id, year
            ), capital AS (
                SELECT company_id, EXTRACT(YEAR FROM date)::int AS year, SUM(amount) AS amount,
                       SUM(amount) FILTER (WHERE operation_type = 'subscription') AS brought_in
                  FROM coop_share_movement GROUP BY 1, 2
            ), clients AS (
                SELECT am.company_id, EXTRACT(YEAR FROM am.invoice_date)::int AS year,
                       COUNT(DISTINCT am.commercial_partner_id) AS client_count
                  FROM account_move am
                 WHERE am.move_type = 'out_invoice' AND am.state = 'posted'
                   AND NOT EXISTS (
                       SELECT 1 FROM coop_member m
                        WHERE m.partner_id = am.commercial_partner_id
                          AND m.company_id = am.company_id
                          AND m.admission_date
                              <= make_date(EXTRACT(YEAR FROM am.invoice_date)::int, 12, 31)
                          AND (m.exit_date IS NULL OR m.exit_date
                               > make_date(EXTRACT(YEAR FROM am.invoice_date)::int, 12, 31)))
              GROUP BY 1, 2
            ), levels AS (%s), groups AS (
                SELECT company_id, EXTRACT(YEAR FROM create_date)::int AS year, COUNT(*) AS n
                  FROM coop_local_group WHERE active GROUP BY 1, 2
            ), events AS (
                -- Organised by a member, or by the cooperative for its members.
                SELECT e.company_id, EXTRACT(YEAR FROM e.date_begin)::int AS year,
                       COUNT(DISTINCT e.id) FILTER (WHERE e.coop_organized_by_member) AS n,
                       COUNT(DISTINCT e.id)
                           FILTER (WHERE NOT COALESCE(e.coop_organized_by_member, FALSE))
                           AS n_coop,
                       COUNT(DISTINCT r.partner_id) AS reached
                  FROM event_event e
             LEFT JOIN event_registration r
                    ON r.event_id = e.id AND r.state IN ('open', 'done')
                 WHERE e.company_id IS NOT NULL
              GROUP BY 1, 2
            ), stands AS (
                SELECT company_id, EXTRACT(YEAR FROM date)::int AS year, COUNT(*) AS n,
                       SUM(visitor_count) AS visitors, SUM(contact_count) AS contacts,
                       SUM(pledge_count) AS pledges
                  FROM coop_stand_report GROUP BY 1, 2
            ), calls AS (
                SELECT company_id,
                       EXTRACT(YEAR FROM COALESCE(date_start, write_date))::int AS year,
                       COUNT(*) AS n
                  FROM coop_action_call WHERE state = 'done' GROUP BY 1, 2
            ), budget AS (
                -- Costs are negative analytic lines, donations positive ones.
                SELECT c.id AS company_id, EXTRACT(YEAR FROM al.date)::int AS year,
                       -SUM(al.amount) FILTER (WHERE al.amount < 0) AS amount,
                       SUM(al.amount) FILTER (WHERE al.amount > 0) AS donations
                  FROM res_company c
                  JOIN account_analytic_line al ON al.account_id = c.coop_life_analytic_account_id
              GROUP BY 1, 2
            ), projects AS (
                SELECT company_id, EXTRACT(YEAR FROM date_proposed)::int AS year,
                       COUNT(*) FILTER (WHERE by_producer) AS n,
                       COUNT(*) FILTER (WHERE member_initiative) AS n_members
                  FROM coop_production_project GROUP BY 1, 2
            ), acts AS (
                -- A proposal put on an agenda becomes a resolution whose proposers and
                -- co-signers are the proposal's: its acts count once, on the proposal.
                SELECT a.company_id, EXTRACT(YEAR FROM a.date)::int AS year,
                       COUNT(*) FILTER (WHERE a.activity_type = 'question_asked') AS questions,
                       COUNT(*) FILTER (WHERE a.activity_type = 'debate') AS debates,
                       COUNT(*) FILTER (WHERE a.activity_type = 'resolution_proposed')
                           AS authors,
                       COUNT(*) FILTER (WHERE a.activity_type = 'resolution_cosigned')
                           AS cosignatures,
                       COUNT(*) FILTER (WHERE a.activity_type = 'board_candidacy')
                           AS candidacies,
                       COUNT(*) FILTER (WHERE a.activity_type = 'vote_cast'
                                          AND a.res_model = 'coop.poll') AS poll_answers
                  FROM coop_engagement_activity a
                 WHERE a.activity_type IN ('question_asked', 'debate', 'resolution_proposed',
                                           'resolution_cosigned', 'board_candidacy',
                                           'vote_cast')
                   AND NOT (a.res_model = 'coop.resolution'
                            AND a.activity_type IN ('resolution_proposed',
                                                    'resolution_cosigned')
                            AND EXISTS (SELECT 1 FROM coop_proposal p
                                         WHERE p.resolution_id = a.res_id))
              GROUP BY 1, 2
            ), cumulated AS (
                SELECT y.company_id, y.year,
                       SUM(COALESCE(f.admitted, 0) - COALESCE(f.exited, 0))
                           OVER w AS member_count,
                       COALESCE(f.admitted, 0) AS new_member_count,
                       SUM(COALESCE(k.amount, 0)) OVER w AS capital,
                       COALESCE(k.brought_in, 0) AS capital_in,
                       SUM(COALESCE(g.n, 0)) OVER w AS local_group_count
                  FROM years y
             LEFT JOIN flow f ON f.company_id = y.company_id AND f.year = y.year
             LEFT JOIN capital k ON k.company_id = y.company_id AND k.year = y.year
             LEFT JOIN groups g ON g.company_id = y.company_id AND g.year = y.year
                WINDOW w AS (PARTITION BY y.company_id ORDER BY y.year)
            )
            SELECT cu.company_id * 10000 + cu.year AS id,
                   cu.year::varchar AS year,
                   make_date(cu.year, 1, 1) AS date,
                   cu.company_id,
                   cu.member_count::int AS member_count,
                   cu.new_member_count::int AS new_member_count,
                   COALESCE(cl.client_count, 0)::int AS client_count,
                   cu.capital::float AS capital,
                   CASE WHEN cu.year = EXTRACT(YEAR FROM CURRENT_DATE) THEN lv.active END
                       AS active_count,
                   CASE WHEN cu.year = EXTRACT(YEAR FROM CURRENT_DATE) THEN lv.very_active END
                       AS very_active_count,
                   CASE WHEN cu.year = EXTRACT(YEAR FROM CURRENT_DATE) THEN lv.members END
                       AS rated_member_count,
                   CASE WHEN cu.year = EXTRACT(YEAR FROM CURRENT_DATE) THEN
                       ROUND(100.0 * lv.active / NULLIF(lv.members, 0), 2) END::float
                       AS active_rate,
                   CASE WHEN cu.year = EXTRACT(YEAR FROM CURRENT_DATE) THEN
                       ROUND(100.0 * lv.very_active / NULLIF(lv.members, 0), 2) END::float
                       AS very_active_rate,
                   c.coop_active_target_min AS active_target_min,
                   c.coop_active_target_max AS active_target_max,
                   c.coop_very_active_target AS very_active_target,
                   cu.local_group_count::int AS local_group_count,
                   COALESCE(ev.n, 0)::int AS member_event_count,
                   COALESCE(ev.n_coop, 0)::int AS coop_event_count,
                   COALESCE(ev.reached, 0)::int AS event_participant_count,
                   COALESCE(st.n, 0)::int AS stand_count,
                   COALESCE(st.visitors, 0)::int AS stand_visitor_count,
                   COALESCE(st.contacts, 0)::int AS stand_contact_count,
                   COALESCE(st.pledges, 0)::int AS stand_pledge_count,
                   (COALESCE(ev.reached, 0) + COALESCE(st.visitors, 0))::int AS people_reached,
                   COALESCE(ca.n, 0)::int AS action_call_count,
                   COALESCE(bu.amount, 0)::float AS coop_life_budget,
                   COALESCE(bu.donations, 0)::float AS coop_life_donation,
                   cu.capital_in::float AS capital_in,
                   ROUND((100.0 * COALESCE(bu.amount, 0)
                          / NULLIF(cu.capital_in, 0))::numeric, 2)::float AS coop_life_ratio,
                   COALESCE(pp.n, 0)::int AS producer_project_count,
                   COALESCE(pp.n_members, 0)::int AS member_project_count,
                   COALESCE(ac.questions, 0)::int AS forum_question_count,
                   COALESCE(ac.debates, 0)::int AS debate_count,
                   COALESCE(ac.authors, 0)::int AS proposal_author_count,
                   COALESCE(ac.cosignatures, 0)::int AS cosignature_count,
                   COALESCE(ac.candidacies, 0)::int AS candidacy_count,
                   COALESCE(ac.poll_answers, 0)::int AS poll_answer_count
              FROM cumulated cu
              JOIN res_company c ON c.id = cu.company_id
         LEFT JOIN levels lv ON lv.company_id = cu.company_id
         LEFT JOIN clients cl ON cl.company_id = cu.company_id AND cl.year = cu.year
         LEFT JOIN events ev ON ev.company_id = cu.company_id AND ev.year = cu.year
         LEFT JOIN stands st ON st.company_id = cu.company_id AND st.year = cu.year
         LEFT JOIN calls ca ON ca.company_id = cu.company_id AND ca.year = cu.year
         LEFT JOIN budget bu ON bu.company_id = cu.company_id AND bu.year = cu.year
         LEFT JOIN projects pp ON pp.company_id = cu.company_id AND pp.year = cu.year
         LEFT JOIN acts ac ON ac.company_id = cu.company_id AND ac.year = cu.year
            )
            """,
                SQL(LEVELS_SQL),
            )
        )
