"""Matching a subscription request to its person at scale (issue #20 §1 and §7).

A request finds the existing contact by normalized email (coop.subscription.request
``_coop_find_person``). Measured at 12,000 contacts, then at 120,000 in the same run (SCALE
multiplies both): the time per request must not grow with the number of contacts, which
only an index gives (``res_partner_coop_email_normalized_index``, made by the request's
init()). Each figure is paired with the raw SQL lookup on the same column.
"""

import random

from common import SCALE, best_of, clone_partners, ratio

from odoo.tools import SQL

SMALL, LARGE = 12_000, 120_000
LOOKUPS = 200
INDEX = "res_partner_coop_email_normalized_index"


def _add_contacts(env, start, count):
    """Contacts bench<g>@example.org for g in start+1..start+count, by SQL (set-based);
    every 500th shares its mailbox with the next contact (a family)."""
    email = SQL(
        "'Bench' || (CASE WHEN mod(g + %s, 500) = 1 THEN g + %s - 1 ELSE g + %s END)"
        " || '@Example.org'",
        start,
        start,
        start,
    )
    clone_partners(
        env,
        count,
        {
            "name": SQL("'Bench contact ' || (g + %s)", start),
            "complete_name": SQL("'Bench contact ' || (g + %s)", start),
            "email": email,
            "email_normalized": SQL("lower(%s)", email),
        },
    )
    env.cr.execute("ANALYZE res_partner")
    env.invalidate_all()


def _measure(env, company, total):
    """Time per request of the ORM matching and of the raw SQL lookup, in seconds."""
    rng = random.Random(total)
    # Emails as people type them: capitals and spaces around; a tenth unknown.
    emails = [
        f"  BENCH{rng.randint(1, total)}@example.ORG "
        if i % 10
        else f"nobody{i}-{total}@example.org"
        for i in range(LOOKUPS)
    ]
    requests = [
        env["coop.subscription.request"].new({"company_id": company.id, "email": email})
        for email in emails
    ]

    def orm():
        for request in requests:
            request._coop_find_person()

    normalized = [email.strip().lower() for email in emails]
    cr = env.cr

    def raw():
        for email in normalized:
            cr.execute("SELECT id FROM res_partner WHERE email_normalized = %s AND active", [email])
            cr.fetchall()

    # In turns, so both run under the same load of a shared machine.
    orm_time = sql_time = None
    for _ in range(3):
        orm_time = min(filter(None, [orm_time, best_of(orm, 1)]))
        sql_time = min(filter(None, [sql_time, best_of(raw, 1)]))
    return orm_time / LOOKUPS, sql_time / LOOKUPS


def _plan(env):
    env.cr.execute(
        "EXPLAIN SELECT id FROM res_partner WHERE email_normalized = %s AND active",
        ["bench1@example.org"],
    )
    return " / ".join(row[0].strip() for row in env.cr.fetchall())


def run(env):
    small, large = int(SMALL * SCALE), int(LARGE * SCALE)
    company = env["res.company"].create({"name": "Bench matching coop"})
    env = env(context=dict(env.context, allowed_company_ids=[company.id]))
    env.cr.execute("SELECT count(*) FROM res_partner")
    before = env.cr.fetchone()[0]
    _add_contacts(env, 0, small)
    small_orm, small_sql = _measure(env, company, small)
    print(f"plan: {_plan(env)}")
    _add_contacts(env, small, large - small)
    large_orm, large_sql = _measure(env, company, large)
    uses_index = INDEX in _plan(env)
    print(
        f"{before + small} contacts: matching {small_orm * 1000:.3f} ms per request "
        f"(ratio {ratio(small_orm, small_sql)} vs raw SQL {small_sql * 1000:.3f} ms)"
    )
    print(
        f"{before + large} contacts: matching {large_orm * 1000:.3f} ms per request "
        f"(ratio {ratio(large_orm, large_sql)} vs raw SQL {large_sql * 1000:.3f} ms)"
    )
    growth = large_orm / small_orm
    # The same lookups without the index (dropped in this transaction, which the runner
    # rolls back): what the index buys at this size.
    env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(INDEX)))
    bare_orm, bare_sql = _measure(env, company, large)
    print(
        f"{before + large} contacts without the index: matching {bare_orm * 1000:.3f} ms per "
        f"request (raw SQL {bare_sql * 1000:.3f} ms): {ratio(bare_orm, large_orm)} slower"
    )
    print(
        f"growth {large // max(small, 1)}x contacts -> {growth:.2f}x time per request "
        f"(raw SQL {large_sql / small_sql:.2f}x); index {INDEX} used: {uses_index} "
        f"{'OK' if uses_index and growth < 2 else 'GROWS WITH THE CONTACTS'}"
    )
