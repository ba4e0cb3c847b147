"""Helpers shared by the benches of tests/bench (see README.md there).

A bench prints one line per measured operation::

    create 40000 members: 12.345 s (ratio 4.1× vs raw SQL)
"""

import os
import re
import statistics
import time
from contextlib import contextmanager

from werkzeug.test import Client

import odoo
from odoo.tools import SQL

#: Multiplies every data-set size; `make bench SCALE=0.05` gives a quick smoke run.
SCALE = float(os.environ.get("SCALE") or 1.0)


def scaled(count, minimum=1):
    """Return `count` multiplied by SCALE, never below `minimum`."""
    return max(minimum, int(count * SCALE))


class Timing:
    """Result of `timer()`: `seconds` is set when the block ends."""

    seconds = None

    def __float__(self):
        return float(self.seconds)


@contextmanager
def timer(env=None):
    """Time a block with time.perf_counter().

    With `env`, pending ORM writes are flushed before the clock starts and before it stops,
    so the measure includes the SQL the block caused::

        with timer(env) as t:
            env["coop.member"].create(vals_list)
        report("create members", t.seconds, sql_t.seconds)
    """
    timing = Timing()
    if env is not None:
        env.flush_all()
    start = time.perf_counter()
    try:
        yield timing
        if env is not None:
            env.flush_all()
    finally:
        timing.seconds = time.perf_counter() - start


def time_sql(cr, query, params=None, repeat=1):
    """Run a raw SQL query `repeat` times; return the best time in seconds (the reference)."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        cr.execute(query, params)
        if cr.description:
            cr.fetchall()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def best_of(func, repeat=3):
    """Call `func()` `repeat` times; return the best time in seconds."""
    best = None
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
    return best


def paired(func, cr, query, params=None, repeat=3):
    """Time `func()` and the raw SQL `query` in turns, `repeat` times each.

    Return (best func time, best SQL time). Taking turns keeps both under the same load
    on a shared machine, where running one series after the other drifts.
    """
    best_func = best_sql = None
    for _ in range(repeat):
        seconds = best_of(func, 1)
        best_func = seconds if best_func is None else min(best_func, seconds)
        seconds = time_sql(cr, query, params)
        best_sql = seconds if best_sql is None else min(best_sql, seconds)
    return best_func, best_sql


def ratio(seconds, reference):
    """Format seconds / reference as '4.1×' ('n/a' when the reference is zero or missing)."""
    if not reference:
        return "n/a"
    value = seconds / reference
    return f"{value:.0f}×" if value >= 100 else f"{value:.1f}×"


def report(name, seconds, reference=None, against="raw SQL"):
    """Print and return `name: X s (ratio Y× vs raw SQL)`."""
    line = f"{name}: {float(seconds):.3f} s"
    if reference is not None:
        line += f" (ratio {ratio(float(seconds), float(reference))} vs {against})"
    print(line, flush=True)
    return line


def clone_rows(env, table, template_id, count, varying):
    """Insert ``count`` rows of ``table`` in one statement, copying the row ``template_id``.

    The template is a record made by the ORM, so every NOT NULL column of whatever modules
    are installed gets a valid value; ``varying`` maps column names to SQL expressions of
    ``g`` (1..count) and of ``t`` (the template row). Return the new ids, in ``g`` order.
    """
    env.flush_all()
    cr = env.cr
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = %s AND column_name <> 'id' ORDER BY ordinal_position",
        [table],
    )
    columns = [row[0] for row in cr.fetchall()]
    cr.execute(
        SQL(
            "INSERT INTO %s (%s) SELECT %s FROM %s t, generate_series(1, %s) g "
            "WHERE t.id = %s ORDER BY g RETURNING id",
            SQL.identifier(table),
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(varying.get(c, SQL.identifier("t", c)) for c in columns),
            SQL.identifier(table),
            count,
            template_id,
        )
    )
    return [row[0] for row in cr.fetchall()]


def clone_partners(env, count, varying):
    """Insert ``count`` partners in one statement, copying a partner made by the ORM.

    ``varying`` maps column names to SQL expressions of ``g`` (1..count): see clone_rows.
    """
    template = env["res.partner"].create({"name": "Bench template", "email": "t@example.org"})
    return clone_rows(env, "res_partner", template.id, count, varying)


# ----------------------------------------------------------------------
# Pages served in-process (bench_portal, bench_website)
# ----------------------------------------------------------------------
#: What a WSGI server puts in the environment and Odoo's login reads.
LOOPBACK = {"REMOTE_ADDR": "127.0.0.1"}
PASSWORD = "bench-portal-password"  # noqa: S105 - throwaway users of a rolled-back bench


def portal_users(env, names):
    """Portal users ``Portal bench <name>`` (login portal.bench.<name>@example.org)."""
    return (
        env["res.users"]
        .with_context(no_reset_password=True)
        .create(
            [
                {
                    "name": f"Portal bench {who}",
                    "login": f"portal.bench.{who}@example.org",
                    "email": f"portal.bench.{who}@example.org",
                    "password": PASSWORD,
                    "groups_id": [(6, 0, [env.ref("base.group_portal").id])],
                }
                for who in names
            ]
        )
    )


class Browser:
    """One visitor's session, served in-process by odoo.http.root (werkzeug's Client).

    With a ``login``, a real POST /web/login first; without, an anonymous visitor.
    """

    def __init__(self, login=None):
        self.client = Client(odoo.http.root)
        if not login:
            return
        page = self.client.get("/web/login", environ_base=LOOPBACK)
        token = re.search(r'name="csrf_token" value="([^"]+)"', page.get_data(as_text=True))
        assert token, "no CSRF token on /web/login"
        response = self.client.post(
            "/web/login",
            data={"login": login, "password": PASSWORD, "csrf_token": token.group(1)},
            environ_base=LOOPBACK,
        )
        assert response.status_code in (302, 303), (login, response.status_code)
        assert "/web/login" not in response.headers.get("Location", ""), login

    def get(self, url):
        """(seconds, SQL queries, body) of one GET of ``url``, which must answer 200."""
        queries = odoo.sql_db.sql_counter
        start = time.perf_counter()
        response = self.client.get(url, environ_base=LOOPBACK)
        body = response.get_data(as_text=True)
        seconds = time.perf_counter() - start
        queries = odoo.sql_db.sql_counter - queries
        assert response.status_code == 200, (url, response.status_code)
        return seconds, queries, body

    def post(self, url, data):
        """(seconds, SQL queries, response) of one form POST of ``url`` (redirects are
        not followed: the POST alone is measured). ``data`` carries the CSRF token."""
        queries = odoo.sql_db.sql_counter
        start = time.perf_counter()
        response = self.client.post(url, data=data, environ_base=LOOPBACK)
        response.get_data()
        seconds = time.perf_counter() - start
        return seconds, odoo.sql_db.sql_counter - queries, response

    def queries(self, url, warmup=3):
        """Queries of one GET of ``url`` once the caches (views, rules, assets) are warm.

        Asserts that two requests in a row make the same number of queries.
        """
        for _ in range(warmup):
            self.get(url)
        seen = {self.get(url)[1] for _ in range(2)}
        assert len(seen) == 1, (url, seen)
        return seen.pop()

    def close(self):
        cookie = self.client.get_cookie("session_id")
        if cookie:
            store = odoo.http.root.session_store
            store.delete(store.get(cookie.value))


def p95(samples):
    return statistics.quantiles(samples, n=20, method="inclusive")[18]


def sample_latency(routes, n_requests):
    """{name: [seconds, ...]}: ``n_requests`` GETs of every route of ``routes``.

    ``routes`` is {name: (browser, url)}; every route once per turn, the order rotating
    from turn to turn, so that all routes share the same load. Prints the load it ran under
    (other work on the machine shows in the p95 first).
    """
    samples = {name: [] for name in routes}
    names = list(routes)
    start = time.perf_counter()
    for turn in range(n_requests):
        shift = turn % len(names)
        for name in names[shift:] + names[:shift]:
            browser, url = routes[name]
            samples[name].append(browser.get(url)[0])
    print(
        f"latency: {n_requests} requests per route ({len(names)} routes, in turns, "
        f"in-process WSGI) in {time.perf_counter() - start:.1f} s, load average "
        f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs",
        flush=True,
    )
    return samples


def fill_register_columns(cr):
    """Complete register rows inserted by SQL as confirming them would.

    The signed figures summed by the register and its recording date are written by the
    model when an operation is confirmed; generators that insert rows directly fill them
    with the model's own arithmetic (coop_share_operation.SIGNED_*_SQL).
    """
    from odoo.addons.coop_membership.models.coop_share_operation import (
        SIGNED_CAPITAL_SQL,
        SIGNED_QUANTITY_SQL,
    )

    cr.execute(
        SQL(
            """UPDATE coop_share_operation
                  SET signed_quantity = %s, signed_amount = %s,
                      recording_date = COALESCE(recording_date, date)
                WHERE signed_quantity IS NULL OR recording_date IS NULL""",
            SQL(SIGNED_QUANTITY_SQL),
            SQL(SIGNED_CAPITAL_SQL),
        )
    )


def fill_holdings(env, companies):
    """Stored holdings (share_count, share_amount) of every member from the register.

    The generators write the register in SQL, so the stored holdings stay at zero; the
    census of an assembly counts only members holding a share.
    """
    env.cr.execute(
        SQL(
            """
            UPDATE coop_member m
               SET share_count = h.quantity, share_amount = h.amount
              FROM (SELECT member_id, SUM(quantity) AS quantity, SUM(amount) AS amount
                      FROM coop_share_movement
                     WHERE company_id = ANY(%s)
                  GROUP BY member_id) h
             WHERE h.member_id = m.id
            """,
            companies.ids,
        )
    )
    env.cr.execute("ANALYZE coop_member, coop_share_operation")
    env.invalidate_all()
