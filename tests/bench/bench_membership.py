"""Member registry at scale (issue: Foundation, section 3).

Generates 120,000 partners with memberships over 10 regional cooperatives in SQL
(set-based), then measures in the same run:
- member creation throughput through the ORM (person + membership + admission
  with its number) against plain ``res.partner`` creation (target >= 0.5x);
- a member search by company + college + state through the ORM against the
  equivalent raw SQL.
"""

import os
import time

from common import clone_partners

from odoo.tools import SQL

N_COMPANIES = 10
COLLEGES = [("CONS", 40), ("PROD", 20), ("SAL", 15), ("PART", 15), ("COLL", 10)]


def _scale():
    return float(os.environ.get("SCALE", "1.0"))


def _setup(env, n_members, first_percent=0):
    """10 cooperatives and ``n_members`` memberships; ``first_percent`` % of the people go to
    the first cooperative before the rest is spread evenly (a large regional cooperative)."""
    Company = env["res.company"]
    companies = Company.create(
        [
            {
                "name": f"Bench coop {i}",
                "coop_legal_form": "scic",
                "coop_vote_by_college": True,
            }
            for i in range(N_COMPANIES)
        ]
    )
    env["coop.college"].create(
        [
            {"name": code, "code": code, "vote_weight": w, "company_id": c.id, "sequence": s}
            for c in companies
            for s, (code, w) in enumerate(COLLEGES)
        ]
    )
    env.flush_all()
    cr = env.cr
    t0 = time.perf_counter()
    clone_partners(
        env,
        n_members,
        {
            "name": SQL("'Bench member ' || g"),
            "complete_name": SQL("'Bench member ' || g"),
            "email": SQL("'bench' || g || '@example.org'"),
            "zip": SQL("lpad((g %% 95 + 1)::text, 2, '0') || '000'"),
            "city": SQL("'City ' || (g %% 500)"),
        },
    )
    # One membership per partner; a few people belong to two coops like real ones.
    cr.execute(
        """
        WITH p AS (
            SELECT id, row_number() OVER (ORDER BY id) AS rn
              FROM res_partner WHERE name LIKE 'Bench member %%'
        ), c AS (
            SELECT id, row_number() OVER (ORDER BY id) - 1 AS idx
              FROM res_company WHERE name LIKE 'Bench coop %%'
        ), col AS (
            SELECT id, company_id, row_number() OVER (PARTITION BY company_id ORDER BY id) - 1 AS k
              FROM coop_college
        )
        INSERT INTO coop_member (partner_id, company_id, college_id, member_number, state,
                                 is_active_member, application_date, admission_date,
                                 create_date, write_date)
             SELECT p.id, c.id, col.id,
                    lpad((row_number() OVER (PARTITION BY c.id ORDER BY p.id))::text, 6, '0'),
                    CASE WHEN p.rn %% 20 = 0 THEN 'resigned' WHEN p.rn %% 50 = 1 THEN 'candidate'
                         ELSE 'member' END,
                    p.rn %% 20 <> 0 AND p.rn %% 50 <> 1,
                    DATE '2015-01-01' + (p.rn %% 3650)::int,
                    DATE '2015-01-01' + (p.rn %% 3650)::int,
                    now(), now()
               FROM p
               JOIN c ON c.idx = CASE WHEN p.rn %% 100 < %s THEN 0 ELSE p.rn %% %s END
               JOIN col ON col.company_id = c.id
                       AND col.k = CASE WHEN p.rn %% 10 < 6 THEN 0 ELSE p.rn %% 5 END
        """,
        [first_percent, N_COMPANIES],
    )
    cr.execute("UPDATE coop_member SET member_number = NULL WHERE state = 'candidate'")
    # Stored related fields the ORM would have filled (currency of amounts, place).
    cr.execute(
        """
        UPDATE coop_member m SET currency_id = c.currency_id, city = p.city, zip = p.zip
          FROM res_company c, res_partner p
         WHERE c.id = m.company_id AND p.id = m.partner_id AND m.company_id = ANY(%s)
        """,
        [companies.ids],
    )
    cr.execute(
        """
        INSERT INTO coop_member_period (member_id, partner_id, company_id, member_number, date_from)
             SELECT id, partner_id, company_id, member_number, admission_date
               FROM coop_member WHERE member_number IS NOT NULL
        """
    )
    cr.execute(
        """
        INSERT INTO coop_member_college_history (member_id, company_id, college_id, date_from)
             SELECT id, company_id, college_id, admission_date
               FROM coop_member WHERE member_number IS NOT NULL
        """
    )
    # Sequences continue after the generated numbers.
    for company in companies:
        seq = company._coop_get_member_sequence()
        seq.number_next = n_members
    cr.execute("ANALYZE res_partner, coop_member, coop_member_period, coop_member_college_history")
    env.invalidate_all()
    return companies, time.perf_counter() - t0


def _rate(fn, n):
    t0 = time.perf_counter()
    fn(n)
    return n / (time.perf_counter() - t0)


def run(env):
    n_members = int(120_000 * _scale())
    batch = max(50, int(2_000 * _scale()))
    companies, gen_time = _setup(env, n_members)
    count = env["coop.member"].search_count([("company_id", "in", companies.ids)])
    print(f"generated {count} memberships over {N_COMPANIES} companies in {gen_time:.1f} s (SQL)")

    company = companies[0]
    college = env["coop.college"].search([("company_id", "=", company.id)], limit=1)
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    counter = iter(range(10**9))

    def create_partners(n):
        env["res.partner"].create(
            [{"name": f"Plain {next(counter)}", "email": "p@example.org"} for _ in range(n)]
        )
        env.flush_all()

    def create_members(n):
        partners = env["res.partner"].create(
            [{"name": f"Member {next(counter)}", "email": "m@example.org"} for _ in range(n)]
        )
        members = env["coop.member"].create(
            [
                {"partner_id": p.id, "company_id": company.id, "college_id": college.id}
                for p in partners
            ]
        )
        members.action_admit()
        env.flush_all()

    create_partners(20)  # warm caches
    create_members(20)
    partner_rate = _rate(create_partners, batch)
    member_rate = _rate(create_members, batch)
    ratio = member_rate / partner_rate
    print(
        f"creation: plain res.partner {partner_rate:.0f}/s; member (person + membership + "
        f"admission) {member_rate:.0f}/s; ratio {ratio:.2f}x (target >= 0.5x) "
        f"{'OK' if ratio >= 0.5 else 'BELOW TARGET'}"
    )

    Member = env["coop.member"].sudo()
    colleges = env["coop.college"].search([("company_id", "in", companies.ids)])
    cr = env.cr
    rounds = 3
    orm_time = sql_time = 0.0
    total_orm = total_sql = 0
    for _ in range(rounds):
        for col in colleges:
            env.invalidate_all()
            t0 = time.perf_counter()
            found = Member.search(
                [
                    ("company_id", "=", col.company_id.id),
                    ("college_id", "=", col.id),
                    ("state", "=", "member"),
                ]
            )
            ids = found.ids
            orm_time += time.perf_counter() - t0
            total_orm += len(ids)
            t0 = time.perf_counter()
            cr.execute(
                """SELECT id FROM coop_member
                    WHERE company_id = %s AND college_id = %s AND state = 'member'
                 ORDER BY company_id, member_number, id""",
                [col.company_id.id, col.id],
            )
            rows = cr.fetchall()
            sql_time += time.perf_counter() - t0
            total_sql += len(rows)
    assert total_orm == total_sql, (total_orm, total_sql)
    n = rounds * len(colleges)
    print(
        f"search by company + college + state ({n} searches, {total_orm // rounds} members "
        f"found per round): ORM {orm_time / n * 1000:.1f} ms; "
        f"raw SQL {sql_time / n * 1000:.1f} ms; "
        f"ratio {orm_time / sql_time:.2f}x"
    )
