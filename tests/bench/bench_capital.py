"""Share capital at scale (issue 4, "Scale").

120,000 members and 400,000 register operations over 10 cooperatives, generated in SQL
(the members with the registry bench's generator), then, in the same run:
- the capital variation report (XLSX, one year, all cooperatives) against a raw SQL
  aggregate computing the same totals from the operations;
- the register XLSX (members with their holding + movements of one year) against raw SQL
  computing the same holdings and movement totals;
- the set-based recompute of the stored holdings (share_count / share_amount) of every
  member against a raw SQL UPDATE writing the same sums.
Target (issue 4): both report ratios <= 3x. The recompute is an extra measure.
"""

import datetime
import io

import openpyxl
from bench_membership import _setup as setup_members
from common import fill_holdings, fill_register_columns, paired, report, scaled, time_sql, timer

YEAR = 2024
N_OPERATIONS = 400_000
# Each report and its raw SQL take turns this many times; the best of each is compared
# (this machine's timings vary by a third from one second to the next).
TURNS = 5


def _setup_operations(env, companies, n_operations):
    classes = env["coop.share.class"].create(
        [
            {
                "name": "Ordinary share",
                "code": "A",
                "company_id": company.id,
                "nominal_value": 50.0 + 50 * (i % 2),
                "min_shares": 1,
            }
            for i, company in enumerate(companies)
        ]
    )
    env.flush_all()
    cr = env.cr
    # One subscription at admission for every admitted member...
    cr.execute(
        """
        INSERT INTO coop_share_operation
               (name, date, company_id, member_id, share_class_id, operation_type, quantity,
                unit_value, amount, is_reversal, state, create_date, write_date)
        SELECT 'B' || lpad(m.id::text, 9, '0'), m.admission_date, m.company_id, m.id, sc.id,
               'subscription', 1 + m.id %% 10, sc.nominal_value,
               (1 + m.id %% 10) * sc.nominal_value, false, 'confirmed', now(), now()
          FROM coop_member m
          JOIN coop_share_class sc ON sc.company_id = m.company_id
         WHERE m.member_number IS NOT NULL AND sc.id = ANY(%s)
        """,
        [classes.ids],
    )
    initial = cr.rowcount
    # ... then further subscriptions (70 %), redemptions (10 %), transfers (20 %).
    cr.execute(
        """
        WITH m AS (
            SELECT id, company_id, row_number() OVER (ORDER BY id) AS rn,
                   row_number() OVER (PARTITION BY company_id ORDER BY id) AS crn,
                   count(*) OVER (PARTITION BY company_id) AS cn
              FROM coop_member WHERE member_number IS NOT NULL
        ), g AS (
            SELECT g, (g::bigint * 7919) %% (SELECT max(rn) FROM m) + 1 AS pick
              FROM generate_series(1, %s) g
        )
        INSERT INTO coop_share_operation
               (name, date, company_id, member_id, counterpart_member_id, share_class_id,
                operation_type, quantity, unit_value, amount, is_reversal, state,
                create_date, write_date)
        SELECT 'X' || lpad(g.g::text, 9, '0'),
               DATE '2016-01-01' + (g.g %% 3650)::int,
               m.company_id, m.id,
               CASE WHEN g.g %% 10 >= 8 THEN o.id END,
               sc.id,
               CASE WHEN g.g %% 10 < 7 THEN 'subscription'
                    WHEN g.g %% 10 = 7 THEN 'redemption' ELSE 'transfer' END,
               1, sc.nominal_value, sc.nominal_value, false, 'confirmed', now(), now()
          FROM g
          JOIN m ON m.rn = g.pick
          -- the receiver of a transfer: the next member of the same cooperative
          JOIN m o ON o.company_id = m.company_id AND o.crn = m.crn %% m.cn + 1
          JOIN coop_share_class sc ON sc.company_id = m.company_id
         WHERE sc.id = ANY(%s)
        """,
        [max(0, n_operations - initial), classes.ids],
    )
    fill_register_columns(cr)
    # Admission keeps each member's holding stored, as confirming operations does.
    fill_holdings(env, companies)
    return classes


RAW_VARIATION = """
    SELECT company_id,
           SUM(CASE WHEN date < %(from)s THEN s END),
           SUM(CASE WHEN date >= %(from)s AND operation_type = 'subscription' THEN s END),
           SUM(CASE WHEN date >= %(from)s AND operation_type = 'redemption' THEN s END),
           SUM(s),
           SUM(CASE WHEN date >= %(from)s AND operation_type = 'transfer' THEN amount END)
      FROM (SELECT company_id, date, operation_type, amount,
                   CASE operation_type WHEN 'subscription' THEN amount
                                       WHEN 'redemption' THEN -amount ELSE 0 END
                   * CASE WHEN is_reversal THEN -1 ELSE 1 END AS s
              FROM coop_share_operation
             WHERE state = 'confirmed' AND company_id = ANY(%(companies)s)
               AND date <= %(to)s) o
  GROUP BY company_id
"""

# What the register's figures come from: every member's holding (shares and capital) at the
# end of the year, and the movements of the year; here only counted and summed.
RAW_REGISTER = """
    WITH given AS (
        SELECT member_id,
               SUM(CASE WHEN operation_type = 'subscription' THEN quantity
                        ELSE -quantity END) AS q,
               SUM(CASE WHEN operation_type = 'subscription' THEN amount
                        ELSE -amount END) AS a
          FROM coop_share_operation
         WHERE state = 'confirmed' AND company_id = ANY(%(companies)s) AND date <= %(to)s
      GROUP BY member_id
    ), received AS (
        SELECT counterpart_member_id AS member_id, SUM(quantity) AS q, SUM(amount) AS a
          FROM coop_share_operation
         WHERE state = 'confirmed' AND company_id = ANY(%(companies)s) AND date <= %(to)s
           AND operation_type = 'transfer'
      GROUP BY counterpart_member_id
    )
    SELECT (SELECT COUNT(*) FROM coop_member m
             WHERE m.company_id = ANY(%(companies)s) AND m.member_number IS NOT NULL
               AND m.admission_date <= %(to)s),
           (SELECT SUM(q) FROM given) + (SELECT COALESCE(SUM(q), 0) FROM received),
           (SELECT SUM(a) FROM given) + (SELECT COALESCE(SUM(a), 0) FROM received),
           (SELECT COUNT(*) FROM coop_share_operation
             WHERE state = 'confirmed' AND company_id = ANY(%(companies)s)
               AND date BETWEEN %(from)s AND %(to)s)
"""


def _check_register_xlsx(content, members, movements):
    """The XLSX holds the same rows as the register query, and its totals."""
    book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
    sheet_members, sheet_movements = book.worksheets
    rows = list(sheet_members.iter_rows(values_only=True))
    assert len(rows) == len(members) + 2, (len(rows), len(members))
    assert rows[1][1] == members[0][1] and rows[-2][1] == members[-1][1]
    assert rows[-1][6].startswith("=SUM(")
    rows = list(sheet_movements.iter_rows(values_only=True))
    # header, one row per movement, the total row
    assert len(rows) == len(movements) + 2, (len(rows), len(movements))
    assert not movements or rows[-2][1] == movements[-1][1]


def run(env):
    n_members = scaled(120_000, 100)
    n_operations = scaled(N_OPERATIONS, 300)
    with timer() as gen:
        companies, _seconds = setup_members(env, n_members)
        _setup_operations(env, companies, n_operations)
    ops = env["coop.share.operation"].search_count([("company_id", "in", companies.ids)])
    print(
        f"generated {n_members} members and {ops} operations over {len(companies)} "
        f"companies in {gen.seconds:.1f} s (SQL)"
    )
    Report = env["coop.capital.report"]
    date_from, date_to = datetime.date(YEAR, 1, 1), datetime.date(YEAR, 12, 31)
    params = {"from": date_from, "to": date_to, "companies": companies.ids}
    cr = env.cr

    # Capital variation: XLSX for one year vs the raw aggregate of the same totals.
    Report._capital_variation(companies, date_from, date_to)  # warm-up

    def in_turns(method, raw_query):
        """Best times of the report ``method`` for the year and of ``raw_query``."""
        return paired(
            lambda: method(companies, date_from, date_to), cr, raw_query, params, repeat=TURNS
        )

    t_variation, sql_variation = in_turns(Report._capital_variation_xlsx, RAW_VARIATION)
    content = Report._capital_variation_xlsx(companies, date_from, date_to)
    figures = Report._capital_variation(companies, date_from, date_to)
    cr.execute(RAW_VARIATION, params)
    for company_id, _opening, _subs, _reds, closing, _transfers in cr.fetchall():
        assert abs(float(figures[company_id]["closing"]) - float(closing)) < 0.01, company_id
    report(
        f"capital variation report {YEAR} (XLSX, {len(content) // 1024} kB)",
        t_variation,
        sql_variation,
    )

    # Register: members with holdings at year end + movements of the year, as rows (the
    # PDF's data) and as the XLSX file.
    members, movements = Report._register_rows(companies, date_from, date_to)
    cr.execute(RAW_REGISTER, params)
    n_raw_members, raw_shares, raw_capital, n_raw_movements = cr.fetchone()
    assert n_raw_members == len(members) and n_raw_movements == len(movements)
    assert int(raw_shares or 0) == sum(row[6] for row in members)
    assert abs(float(raw_capital or 0) - float(sum(row[7] for row in members))) < 0.01
    content = Report._register_xlsx(companies, date_from, date_to)
    _check_register_xlsx(content, members, movements)
    t_rows, sql_rows = in_turns(Report._register_rows, RAW_REGISTER)
    report(
        f"register {YEAR} data ({len(members)} members, {len(movements)} movements)",
        t_rows,
        sql_rows,
    )
    t_register, sql_register = in_turns(Report._register_xlsx, RAW_REGISTER)
    report(f"register {YEAR} XLSX ({len(content) // 1024} kB)", t_register, sql_register)

    # Stored holdings of every member, recomputed set-based.
    Member = env["coop.member"]
    all_members = Member.search([("company_id", "in", companies.ids)])
    with timer(env) as t_holdings:
        for start in range(0, len(all_members), 10_000):
            batch = all_members[start : start + 10_000]
            env.add_to_compute(Member._fields["share_count"], batch)
            env.add_to_compute(Member._fields["share_amount"], batch)
            batch.flush_recordset(["share_count", "share_amount"])
            env.invalidate_all()
    # The same work in raw SQL: aggregate the register and write both columns of every
    # member (the stored values are already right, so it writes the same values again).
    sql_holdings = time_sql(
        cr,
        """UPDATE coop_member m
              SET share_count = COALESCE(h.q, 0), share_amount = COALESCE(h.a, 0)
             FROM coop_member m2
        LEFT JOIN (SELECT member_id, SUM(q) AS q, SUM(a) AS a
                     FROM (SELECT member_id,
                                  CASE WHEN operation_type = 'subscription' THEN quantity
                                       ELSE -quantity END AS q,
                                  CASE WHEN operation_type = 'subscription' THEN amount
                                       ELSE -amount END AS a
                             FROM coop_share_operation
                            WHERE state = 'confirmed' AND company_id = ANY(%(companies)s)
                           UNION ALL
                           SELECT counterpart_member_id, quantity, amount
                             FROM coop_share_operation
                            WHERE state = 'confirmed' AND company_id = ANY(%(companies)s)
                              AND operation_type = 'transfer') x
                 GROUP BY member_id) h ON h.member_id = m2.id
            WHERE m.id = m2.id AND m2.company_id = ANY(%(companies)s)""",
        params,
    )
    cr.execute("SELECT COUNT(*) FROM coop_member WHERE company_id = ANY(%(companies)s)", params)
    assert cr.fetchone()[0] == len(all_members)
    report(f"holdings recompute ({len(all_members)} members)", t_holdings.seconds, sql_holdings)
