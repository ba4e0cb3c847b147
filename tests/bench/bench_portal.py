"""Member portal at scale (coop_portal issue: "Bench in tests/bench").

120,000 members and 400,000 register operations over 10 cooperatives (the capital bench's
generators), then in the first cooperative two members with a portal login: one with a
long history (2,000 confirmed operations of their own: subscriptions and partial
redemptions), one with a short history (2 operations); a portal user without membership,
who sees Odoo's own /my page; an assembly convened (census frozen set-based) and an open
poll, so that /my/assemblies has content.

The pages are served in-process by Odoo's WSGI application (``odoo.http.root``) through
werkzeug's test client, after a real POST /web/login: no network, no HTTP server, so the
fixed cost of a request is lower than in production and the ratios are stricter. The
registry is in test mode on the bench cursor, as in Odoo's HttpCase: each request runs on
a savepoint of the bench transaction (SAVEPOINT statements are not counted, and the
registry signaling query of production is skipped, for every route alike), so it sees the
generated data and nothing is committed: the runner rolls everything back.

Measured in the same run:
- SQL queries of one request (``odoo.sql_db.sql_counter``) of /my/cooperative, its
  history pages (2 and the last one), /my/assemblies and /my (with the cooperative
  block) for both members: the counts must not grow with the history (issue target);
- p50 / p95 of each route over the same number of requests, the routes taken in turns,
  against Odoo's own /my (the portal user without membership: Odoo's page plus the one
  membership search of coop_portal) measured in the same turns: target p95 <= 1.2x.
"""

import datetime
import re
import statistics
from datetime import timedelta

from bench_capital import N_OPERATIONS, _setup_operations
from bench_membership import _setup as setup_members
from common import (
    Browser,
    fill_holdings,
    fill_register_columns,
    p95,
    portal_users,
    report,
    sample_latency,
    scaled,
    timer,
)

from odoo import fields
from odoo.tools import SQL

from odoo.addons.coop_portal.controllers.portal import HISTORY_PAGE_SIZE

LONG_HISTORY = 2_000
# Requests per route after the warm-up; the routes take turns so they share the load.
N_REQUESTS = 60
N_WARMUP = 3
TARGET = 1.2


def _setup_portal(env, companies, classes):
    """The three portal users, the two memberships and their history, assembly and poll."""
    company = companies[0]
    college = env["coop.college"].search([("company_id", "=", company.id)], order="sequence")[0]
    share_class = classes.filtered(lambda c: c.company_id == company)
    users = portal_users(env, ("long", "short", "odoo"))
    members = (
        env["coop.member"]
        .with_context(allowed_company_ids=[company.id])
        .create(
            [
                {
                    "partner_id": user.partner_id.id,
                    "company_id": company.id,
                    "college_id": college.id,
                }
                for user in users[:2]
            ]
        )
    )
    members.action_admit(admission_date=datetime.date(2015, 1, 1))
    env.flush_all()
    # Their own operations, set-based, from 2015 on: subscriptions of two shares and, every
    # fourth operation, a partial redemption of one share (the long history); one
    # subscription and one redemption (the short history).
    for member, count, every, prefix in (
        (members[0], LONG_HISTORY, 4, "PL"),
        (members[1], 2, 2, "PS"),
    ):
        env.cr.execute(
            SQL(
                """
                INSERT INTO coop_share_operation
                       (name, date, company_id, member_id, share_class_id, operation_type,
                        quantity, unit_value, amount, is_reversal, state,
                        create_date, write_date)
                SELECT %(prefix)s || lpad(g::text, 6, '0'),
                       DATE '2015-01-02' + g * 3600 / %(count)s,
                       %(company)s, %(member)s, sc.id,
                       CASE WHEN k.redeem THEN 'redemption' ELSE 'subscription' END,
                       k.quantity, sc.nominal_value, k.quantity * sc.nominal_value,
                       false, 'confirmed', now(), now()
                  FROM generate_series(1, %(count)s) g
                  JOIN coop_share_class sc ON sc.id = %(share_class)s
                 CROSS JOIN LATERAL (
                       SELECT mod(g, %(every)s) = 0 AS redeem,
                              CASE WHEN mod(g, %(every)s) = 0 THEN 1 ELSE 2 END AS quantity
                       ) k
                """,
                prefix=prefix,
                count=count,
                every=every,
                company=company.id,
                member=member.id,
                share_class=share_class.id,
            )
        )
    fill_register_columns(env.cr)
    fill_holdings(env, companies)
    assembly = env["coop.assembly"].create(
        {
            "name": "Bench portal assembly",
            "company_id": company.id,
            "date": fields.Datetime.now() + timedelta(days=60),
            "place": "Town hall",
        }
    )
    env["coop.resolution"].create(
        [
            {"assembly_id": assembly.id, "name": f"Bench resolution {i + 1}", "sequence": i}
            for i in range(3)
        ]
    )
    with timer(env) as convene:
        assembly.action_convene()
    poll = env["coop.poll"].create(
        {
            "name": "Bench portal poll",
            "company_id": company.id,
            "date_close": fields.Datetime.now() + timedelta(days=30),
            "option_ids": [(0, 0, {"name": "Yes"}), (0, 0, {"name": "No"})],
        }
    )
    poll.action_open()
    env.flush_all()
    return users, members, assembly, convene.seconds


def _check_pages(routes, long_member, assembly):
    """The pages show what they should (a bench measuring error pages measures nothing)."""
    bodies = {name: browser.get(url)[2] for name, (browser, url) in routes.items()}
    history = re.compile(r'<table class="table table-sm fs-5 o_coop_history">(.*?)</table>', re.S)
    rows = history.search(bodies["long: /my/cooperative"]).group(1).count("<tr")
    assert rows == HISTORY_PAGE_SIZE + 1, rows  # header + one page
    assert bodies["long: /my/cooperative"].count(f"/my/cooperative/{long_member.id}/page/") > 1
    rows = history.search(bodies["short: /my/cooperative"]).group(1).count("<tr")
    assert rows == 3, rows
    # Latest first, page after page (register numbers PL000001..PL002000 by date).
    first, second, last = (
        bodies[f"long: {page}"]
        for page in ("/my/cooperative", "history page 2", "last history page")
    )
    end_of_first = LONG_HISTORY - HISTORY_PAGE_SIZE + 1
    assert f"PL{LONG_HISTORY:06d}" in first and f"PL{end_of_first:06d}" in first
    assert f"PL{end_of_first - 1:06d}" not in first and f"PL{end_of_first - 1:06d}" in second
    assert "PL000001" in last and "PL000001" not in second
    for who in ("long", "short"):
        assert assembly.name in bodies[f"{who}: /my/assemblies"]
        assert "Bench portal poll" in bodies[f"{who}: /my/assemblies"]
        assert "o_coop_home" in bodies[f"{who}: /my"]
    assert "o_coop_home" not in bodies["Odoo /my"]


def _routes(browsers, members):
    """{name: (browser, url)}: Odoo's /my first (the reference), then the member pages."""
    long_user, short_user, odoo_user = browsers
    routes = {"Odoo /my": (odoo_user, "/my")}
    for who, browser, member in (
        ("long", long_user, members[0]),
        ("short", short_user, members[1]),
    ):
        routes[f"{who}: /my/cooperative"] = (browser, "/my/cooperative")
        # The short history has one page: its page 2 shows that page (portal pager), the
        # same route and template as page 2 of the long one.
        routes[f"{who}: history page 2"] = (browser, f"/my/cooperative/{member.id}/page/2")
        if who == "long":
            last = (LONG_HISTORY + HISTORY_PAGE_SIZE - 1) // HISTORY_PAGE_SIZE
            routes["long: last history page"] = (
                browser,
                f"/my/cooperative/{member.id}/page/{last}",
            )
        routes[f"{who}: /my/assemblies"] = (browser, "/my/assemblies")
        routes[f"{who}: /my"] = (browser, "/my")
    return routes


def _count_queries(routes):
    """Queries of one request per route, once the caches (views, rules, assets) are warm.

    Return the routes whose count grows with the history.
    """
    counts = {name: browser.queries(url, N_WARMUP) for name, (browser, url) in routes.items()}
    print(f"Odoo /my queries: {counts['Odoo /my']}")
    grows = []
    for route in ("/my/cooperative", "history page 2", "/my/assemblies", "/my"):
        long_count, short_count = counts[f"long: {route}"], counts[f"short: {route}"]
        extra = ""
        if route == "history page 2":
            # The last page of the long history reads no more than its second.
            extra = f", last page {counts['long: last history page']}"
            long_count = max(long_count, counts["long: last history page"])
        same = long_count == short_count
        if not same:
            grows.append(route)
        print(
            f"portal {route} queries: {counts[f'long: {route}']} long history{extra} vs "
            f"{short_count} short ({'same, OK' if same else 'GROWS with the history'})"
        )
    return grows


def _latency(routes):
    """p50 and p95 of every route against Odoo's /my; return the routes above target."""
    samples = sample_latency(routes, N_REQUESTS)
    names = list(routes)
    ref50, ref95 = statistics.median(samples["Odoo /my"]), p95(samples["Odoo /my"])
    report("Odoo /my (portal user without membership) p50", ref50)
    report("Odoo /my (portal user without membership) p95", ref95)
    above = []
    for name in names[1:]:
        who, route = name.split(": ")
        p50, p95_ = statistics.median(samples[name]), p95(samples[name])
        report(f"portal {route} ({who} history) p50", p50, ref50, against="Odoo /my p50")
        report(f"portal {route} ({who} history) p95", p95_, ref95, against="Odoo /my p95")
        if p95_ > TARGET * ref95:
            above.append(f"{name} {p95_ / ref95:.2f}×")
    return above


def measure(env, users, members, assembly):
    """Serve the pages on savepoints of ``env.cr`` (registry test mode) and measure them."""
    registry = env.registry
    env.flush_all()
    registry.enter_test_mode(env.cr)
    browsers = []
    try:
        for user in users:
            browsers.append(Browser(user.login))
        routes = _routes(browsers, members)
        _check_pages(routes, members[0], assembly)
        grows = _count_queries(routes)
        above = _latency(routes)
    finally:
        for browser in browsers:
            browser.close()
        registry.leave_test_mode()
    print(
        f"target: queries constant with the history: "
        f"{'OK' if not grows else 'FAILED: ' + ', '.join(grows)}; "
        f"p95 <= {TARGET}x Odoo /my: {'OK' if not above else 'ABOVE: ' + ', '.join(above)}"
    )


def run(env):
    n_members = scaled(120_000, 100)
    n_operations = scaled(N_OPERATIONS, 300)
    with timer() as gen:
        companies, _seconds = setup_members(env, n_members)
        classes = _setup_operations(env, companies, n_operations)
        users, members, assembly, convene_seconds = _setup_portal(env, companies, classes)
    ops = env["coop.share.operation"].search_count([("company_id", "in", companies.ids)])
    print(
        f"generated {n_members} members and {ops} operations over {len(companies)} "
        f"companies in {gen.seconds:.1f} s (SQL); member with a long history: "
        f"{members[0].share_count} shares from {LONG_HISTORY} operations, short: 2; "
        f"assembly census of {len(assembly.voter_ids)} voters frozen in {convene_seconds:.1f} s"
    )
    measure(env, users, members, assembly)
