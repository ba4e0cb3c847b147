"""Engagement levels and dashboards at scale (issue 6).

Generates 120,000 memberships over 10 cooperatives and 1,000,000 engagement
activities in SQL (set-based), then measures:
- the level recomputation (``coop.member._coop_recompute_engagement``) against a
  hand-written raw SQL computing the same levels (target <= 3x), and its query
  count at two sizes (one cooperative, all ten: it must not grow);
- the dashboards (engagement analysis grouped by cooperative and college, the
  cooperative-life dashboard) through the ORM against raw SQL.
"""

from common import clone_partners, report, scaled, time_sql, timer

from odoo.tools import SQL

N_COMPANIES = 10
TYPES = [
    "document_read",
    "newsletter_opened",
    "assembly_attended",
    "vote_cast",
    "question_asked",
    "debate",
    "resolution_cosigned",
    "resolution_proposed",
    "board_candidacy",
    "event_registered",
    "event_attended",
    "event_organised",
    "action_volunteered",
    "action_organised",
]
# Most activities are reads and registrations, few are candidacies or organising.
WEIGHTED_TYPES = (
    ["newsletter_opened"] * 40
    + ["document_read"] * 20
    + ["event_registered"] * 12
    + ["vote_cast"] * 10
    + ["assembly_attended"] * 6
    + ["event_attended"] * 6
    + ["question_asked", "debate", "action_volunteered"] * 1
    + [
        "resolution_cosigned",
        "resolution_proposed",
        "board_candidacy",
        "event_organised",
        "action_organised",
    ]
)

RAW_LEVELS = """
    SELECT m.id,
           CASE WHEN m.state NOT IN ('member', 'resigning') THEN 0
                WHEN bool_or(a.activity_type = 'board_candidacy') THEN 5
                WHEN bool_or(a.activity_type IN ('question_asked', 'debate',
                     'resolution_proposed', 'resolution_cosigned')) THEN 4
                WHEN bool_or(a.activity_type IN ('vote_cast', 'assembly_attended')) THEN 3
                WHEN bool_or(a.activity_type IN ('document_read', 'newsletter_opened')) THEN 2
                ELSE 1 END AS democratic,
           CASE WHEN m.state NOT IN ('member', 'resigning') THEN 0
                WHEN bool_or(a.activity_type IN ('event_organised', 'action_organised',
                     'local_group_coordination')) THEN 2
                WHEN bool_or(a.activity_type IN ('event_attended', 'action_volunteered'))
                     THEN 1
                ELSE 0 END AS militant
      FROM coop_member m
 LEFT JOIN coop_engagement_activity a
        ON a.partner_id = m.partner_id AND a.company_id = m.company_id
       AND a.date > CURRENT_DATE - interval '24 months'
     WHERE m.company_id = ANY(%s)
  GROUP BY m.id, m.state
"""


def _setup(env, n_members, n_activities):
    companies = env["res.company"].create(
        [
            {"name": f"Engagement bench coop {i}", "coop_legal_form": "scic"}
            for i in range(N_COMPANIES)
        ]
    )
    cr = env.cr
    clone_partners(
        env,
        n_members,
        {
            "name": SQL("'Engagement member ' || g"),
            "complete_name": SQL("'Engagement member ' || g"),
            "email": SQL("'eng' || g || '@example.org'"),
            "zip": SQL("lpad((g %% 95 + 1)::text, 2, '0') || '000'"),
        },
    )
    cr.execute(
        """
        WITH p AS (
            SELECT id, row_number() OVER (ORDER BY id) AS rn
              FROM res_partner WHERE name LIKE 'Engagement member %%'
        ), c AS (
            SELECT id, row_number() OVER (ORDER BY id) - 1 AS idx
              FROM res_company WHERE id = ANY(%s)
        )
        INSERT INTO coop_member (partner_id, company_id, member_number, state,
                                 is_active_member, application_date, admission_date,
                                 democratic_level, militant_level, is_engaged_active,
                                 is_very_active, create_date, write_date)
             SELECT p.id, c.id, lpad(p.rn::text, 7, '0'),
                    CASE WHEN p.rn %% 20 = 0 THEN 'resigned' ELSE 'member' END,
                    p.rn %% 20 <> 0, DATE '2015-01-01', DATE '2015-01-01',
                    0, 0, false, false, now(), now()
               FROM p JOIN c ON c.idx = p.rn %% %s
        """,
        [companies.ids, N_COMPANIES],
    )
    cr.execute(
        SQL(
            """
            WITH m AS (
                SELECT id, partner_id, company_id, row_number() OVER (ORDER BY id) - 1 AS rn
                  FROM coop_member WHERE company_id = ANY(%(companies)s)
            ), t AS (
                SELECT %(types)s::varchar[] AS types
            )
            INSERT INTO coop_engagement_activity
                   (partner_id, company_id, member_id, activity_type, date,
                    create_date, write_date, create_uid, write_uid)
                 SELECT m.partner_id, m.company_id, m.id,
                        t.types[1 + mod(g * 31, array_length(t.types, 1))],
                        CURRENT_DATE - mod(g * 17, 1100)::int,
                        now(), now(), 1, 1
                   FROM generate_series(0, %(n)s - 1) g
                  CROSS JOIN t
                   JOIN m ON m.rn = mod(g::bigint * 7919, %(members)s)
            """,
            companies=companies.ids,
            types=WEIGHTED_TYPES,
            n=n_activities,
            members=n_members,
        )
    )
    cr.execute("ANALYZE res_partner, coop_member, coop_engagement_activity")
    env.invalidate_all()
    return companies


def _query_count(env, companies):
    cr = env.cr
    before = cr.sql_log_count
    env["coop.member"]._coop_recompute_engagement(companies)
    return cr.sql_log_count - before


def run(env):
    n_members = scaled(120_000, 100)
    n_activities = scaled(1_000_000, 1000)
    with timer() as gen:
        companies = _setup(env, n_members, n_activities)
    print(
        f"engagement data set: {n_members} memberships, {n_activities} activities, "
        f"{N_COMPANIES} cooperatives (generated in {gen.seconds:.1f} s, SQL)",
        flush=True,
    )
    Member = env["coop.member"]
    cr = env.cr

    raw = time_sql(cr, RAW_LEVELS, [companies.ids], repeat=2)
    # Reference for a run writing every row: the raw levels written by a plain UPDATE.
    raw_update = time_sql(
        cr,
        f"""UPDATE coop_member m SET democratic_level = r.democratic,
                   militant_level = r.militant
              FROM ({RAW_LEVELS}) r WHERE r.id = m.id""",  # noqa: S608
        [companies.ids],
    )
    cr.execute(
        "UPDATE coop_member SET democratic_level = 0, militant_level = 0 "
        "WHERE company_id = ANY(%s)",
        [companies.ids],
    )
    with timer(env) as first:
        Member._coop_recompute_engagement(companies)
    report(
        "level recomputation, first run (every row written)",
        first.seconds,
        raw_update,
        against="raw SQL UPDATE",
    )
    report("level recomputation, first run", first.seconds, raw, against="raw SQL SELECT")
    # A nightly run: a few new activities, most levels unchanged.
    cr.execute(
        """
        INSERT INTO coop_engagement_activity (partner_id, company_id, member_id,
               activity_type, date, create_date, write_date)
        SELECT partner_id, company_id, id, 'board_candidacy', CURRENT_DATE, now(), now()
          FROM coop_member WHERE company_id = ANY(%s) AND id %% 97 = 0
        """,
        [companies.ids],
    )
    with timer(env) as nightly:
        Member._coop_recompute_engagement(companies)
    report("level recomputation, nightly run", nightly.seconds, raw)

    # Same levels as the raw SQL?
    cr.execute(
        f"""SELECT COUNT(*) FROM ({RAW_LEVELS}) r JOIN coop_member m ON m.id = r.id
             WHERE r.democratic <> m.democratic_level OR r.militant <> m.militant_level""",  # noqa: S608
        [companies.ids],
    )
    print(f"levels differing from the raw SQL: {cr.fetchone()[0]}", flush=True)

    small = _query_count(env, companies[:1])
    large = _query_count(env, companies)
    print(
        f"queries of a recomputation: {small} for one cooperative, {large} for ten "
        f"({'constant' if small == large else 'GROWS'})",
        flush=True,
    )

    Report = env["coop.engagement.report"]
    with timer(env) as dash:
        Report._read_group(
            [("company_id", "in", companies.ids)],
            ["company_id", "college_id"],
            ["member_count:sum", "active_count:sum", "very_active_count:sum"],
        )
    raw_dash = time_sql(
        cr,
        """SELECT company_id, college_id, COUNT(*), COUNT(*) FILTER (WHERE is_engaged_active),
                  COUNT(*) FILTER (WHERE is_very_active)
             FROM coop_member
            WHERE company_id = ANY(%s) AND state IN ('member', 'resigning')
         GROUP BY company_id, college_id""",
        [companies.ids],
    )
    report("engagement analysis by cooperative and college", dash.seconds, raw_dash)

    Dashboard = env["coop.engagement.company.report"]
    with timer(env) as board:
        Dashboard.search_read(
            [("company_id", "in", companies.ids)],
            [
                "year",
                "company_id",
                "member_count",
                "active_rate",
                "very_active_rate",
                "capital",
                "client_count",
            ],
        )
    raw_board = time_sql(
        cr,
        "SELECT * FROM coop_engagement_company_report WHERE company_id = ANY(%s)",
        [companies.ids],
    )
    report("cooperative life dashboard", board.seconds, raw_board, against="its SQL view")
