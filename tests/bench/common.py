"""Helpers shared by the benches of tests/bench (see README.md there).

A bench prints one line per measured operation::

    create 40000 members: 12.345 s (ratio 4.1× vs raw SQL)
"""

import os
import time
from contextlib import contextmanager

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


def clone_partners(env, count, varying):
    """Insert ``count`` partners in one statement, copying a partner made by the ORM.

    Every NOT NULL column of whatever modules are installed gets its default from the
    template; ``varying`` maps column names to SQL expressions of ``g`` (1..count).
    """
    template = env["res.partner"].create({"name": "Bench template", "email": "t@example.org"})
    env.flush_all()
    cr = env.cr
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name <> 'id'"
    )
    columns = [row[0] for row in cr.fetchall()]
    cr.execute(
        SQL(
            "INSERT INTO res_partner (%s) SELECT %s FROM res_partner t, generate_series(1, %s) g "
            "WHERE t.id = %s",
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(varying.get(c, SQL.identifier("t", c)) for c in columns),
            count,
            template.id,
        )
    )
