"""General assembly at scale (issue 5, Scale).

One regional SCIC with 30,000 members (SCALE=1.0) in five colleges of different sizes,
an assembly with 10 resolutions (one of them secret). Measured in the same run:
- census freeze when convening (``action_convene``: checks + one INSERT ... SELECT)
  against the raw SQL building the same census (target <= 2x);
- ballots cast per second through ``resolution.cast_vote`` (every rule, audit chain);
- full tally of the 10 resolutions (``action_close_vote``: counts per college, weighted
  outcome, result lines, urn seal) against the raw SQL counting the same ballots
  (target <= 2x); the secret urn's rewrite in random order, which the close also does,
  against the raw SQL rewriting it;
- audit chain verification of every ballot.
"""

import hashlib
import random
import time
from contextlib import contextmanager
from datetime import timedelta

from common import report, scaled, time_sql
from psycopg2.extras import execute_values

from odoo import fields
from odoo.tools import SQL

N_MEMBERS = 30_000
N_RESOLUTIONS = 10
N_CAST = 1_000
# Colleges of very different sizes, as in a real SCIC: (code, weight, share of members).
COLLEGES = [("CONS", 40, 0.90), ("PROD", 20, 0.04), ("SAL", 15, 0.01), ("PART", 15, 0.03),
            ("COLL", 10, 0.02)]  # fmt: skip
GENESIS = "0" * 64


def _setup(env, n_members):
    company = env["res.company"].create(
        {"name": "Bench assembly coop", "coop_legal_form": "scic", "coop_vote_by_college": True}
    )
    colleges = env["coop.college"].create(
        [
            {"name": code, "code": code, "vote_weight": w, "company_id": company.id, "sequence": s}
            for s, (code, w, _share) in enumerate(COLLEGES)
        ]
    )
    template = env["res.partner"].create({"name": "Bench template", "email": "t@example.org"})
    env.flush_all()
    cr = env.cr
    cr.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_name = 'res_partner' AND column_name <> 'id'"
    )
    columns = [row[0] for row in cr.fetchall()]
    varying = {
        "name": SQL("'Voter ' || g"),
        "complete_name": SQL("'Voter ' || g"),
        "email": SQL("'voter' || g || '@example.org'"),
    }
    cr.execute(
        SQL(
            "INSERT INTO res_partner (%s) SELECT %s FROM res_partner t, generate_series(1, %s) g "
            "WHERE t.id = %s",
            SQL(", ").join(SQL.identifier(c) for c in columns),
            SQL(", ").join(varying.get(c, SQL.identifier("t", c)) for c in columns),
            n_members,
            template.id,
        )
    )
    # Colleges by cumulated share of the members.
    bounds, total = [], 0.0
    for college, (_code, _w, share) in zip(colleges, COLLEGES, strict=True):
        total += share
        bounds.append((college.id, total))
    case = SQL(" ").join(
        SQL("WHEN p.rn <= %s THEN %s", int(bound * n_members), college_id)
        for college_id, bound in bounds
    )
    share_column = SQL(", share_count") if "share_count" in env["coop.member"]._fields else SQL()
    share_value = SQL(", 1") if share_column else SQL()
    cr.execute(
        SQL(
            """
            WITH p AS (SELECT id, row_number() OVER (ORDER BY id) AS rn
                         FROM res_partner WHERE id > %s)
            INSERT INTO coop_member (partner_id, company_id, college_id, member_number, state,
                                     is_active_member, application_date, admission_date,
                                     create_date, write_date %s)
            SELECT p.id, %s, CASE %s ELSE %s END, lpad(p.rn::text, 6, '0'), 'member', TRUE,
                   DATE '2020-01-01', DATE '2020-01-01', now(), now() %s
              FROM p
            """,
            template.id,
            share_column,
            company.id,
            case,
            colleges[0].id,
            share_value,
        )
    )
    cr.execute(
        """
        INSERT INTO coop_member_period (member_id, partner_id, company_id, member_number,
                                        date_from)
             SELECT id, partner_id, company_id, member_number, admission_date
               FROM coop_member WHERE company_id = %s
        """,
        [company.id],
    )
    cr.execute(
        """
        INSERT INTO coop_member_college_history (member_id, company_id, college_id, date_from)
             SELECT id, company_id, college_id, admission_date
               FROM coop_member WHERE company_id = %s
        """,
        [company.id],
    )
    cr.execute("ANALYZE res_partner, coop_member, coop_member_period, coop_member_college_history")
    env.invalidate_all()
    assembly = env["coop.assembly"].create(
        {
            "name": "Bench assembly",
            "company_id": company.id,
            "assembly_type": "mixed",
            "date": fields.Datetime.now() + timedelta(days=30),
        }
    )
    env["coop.resolution"].create(
        [
            {
                "assembly_id": assembly.id,
                "name": f"Resolution {i + 1}",
                "sequence": i,
                "secret": i == N_RESOLUTIONS - 1,
                "majority": "two_thirds" if i % 3 == 2 else "simple",
            }
            for i in range(N_RESOLUTIONS)
        ]
    )
    return company, assembly


def _census_raw_sql(env, assembly):
    """The same census written by hand into the same table, for a twin assembly."""
    twin = assembly.copy({"name": "Bench twin"})
    env.flush_all()
    return time_sql(
        env.cr,
        """
        INSERT INTO coop_assembly_voter (assembly_id, member_id, partner_id, company_id,
                                         college_id, member_number, attendance, proxy_count)
        SELECT %(a)s, m.id, m.partner_id, m.company_id, COALESCE(h.college_id, m.college_id),
               p.member_number, 'absent', 0
          FROM coop_member m
          JOIN coop_member_period p ON p.member_id = m.id AND p.date_from <= %(d)s
                                   AND (p.date_to IS NULL OR p.date_to > %(d)s)
     LEFT JOIN LATERAL (SELECT ch.college_id FROM coop_member_college_history ch
                         WHERE ch.member_id = m.id AND ch.date_from <= %(d)s
                           AND (ch.date_to IS NULL OR ch.date_to > %(d)s)
                      ORDER BY ch.date_from DESC, ch.id DESC LIMIT 1) h ON TRUE
     LEFT JOIN (SELECT mv.member_id, SUM(mv.quantity) AS quantity FROM coop_share_movement mv
                 WHERE mv.date > %(d)s AND mv.company_id = %(c)s
              GROUP BY mv.member_id) later ON later.member_id = m.id
         WHERE m.company_id = %(c)s AND m.state != 'deceased'
           AND m.share_count - COALESCE(later.quantity, 0) >= 1
        """,
        {"a": twin.id, "d": assembly.census_date, "c": assembly.company_id.id},
    )


def _bulk_ballots(env, assembly, resolutions, skip):
    """Fill the remaining ballots set-based, with a valid audit chain (not measured)."""
    cr = env.cr
    Ballot = env["coop.ballot"]
    cr.execute(
        "SELECT id, company_id, college_id FROM coop_assembly_voter WHERE assembly_id = %s "
        "ORDER BY id",
        [assembly.id],
    )
    voters = cr.fetchall()
    cr.execute(
        "SELECT chain_index, hash FROM coop_ballot WHERE assembly_id = %s "
        "ORDER BY chain_index DESC LIMIT 1",
        [assembly.id],
    )
    index, previous = cr.fetchone() or (0, GENESIS)
    rng = random.Random(5)
    rows = []
    count_by_urn = {}  # (secret resolution, college): ballots bulk-loaded
    for resolution in resolutions:
        yes_rate = 0.3 + 0.5 * rng.random()
        for voter_id, company_id, college_id in voters:
            if (resolution.id, voter_id) in skip:
                continue
            draw = rng.random()
            choice = "yes" if draw < yes_rate else ("abstain" if draw > 0.95 else "no")
            stored = False if resolution.secret else choice
            index += 1
            content = Ballot._canonical(
                assembly.id, index, resolution.id, voter_id, stored, "online", 0, college_id
            )
            digest = hashlib.sha256((previous + content).encode()).hexdigest()
            rows.append(
                (assembly.id, resolution.id, voter_id, company_id, college_id, stored or None,
                 resolution.secret, "online", index, previous, digest)
            )  # fmt: skip
            previous = digest
            if resolution.secret:
                key = (resolution.id, college_id or 0)
                count_by_urn[key] = count_by_urn.get(key, 0) + 1
    execute_values(
        cr._obj,
        "INSERT INTO coop_ballot (assembly_id, resolution_id, voter_id, company_id, college_id, "
        "choice, secret, channel, chain_index, prev_hash, hash) VALUES %s",
        rows,
        page_size=5000,
    )
    for (resolution_id, college_id), count in count_by_urn.items():
        cr.execute(
            "UPDATE coop_ballot_secret SET used = TRUE, choice = (ARRAY['yes', 'no', 'abstain'])"
            "[1 + floor(random() * 3)::int] WHERE id IN (SELECT id FROM coop_ballot_secret "
            "WHERE resolution_id = %s AND COALESCE(college_id, 0) = %s AND NOT used "
            "ORDER BY token LIMIT %s)",
            [resolution_id, college_id, count],
        )
    cr.execute("ANALYZE coop_ballot, coop_ballot_secret")
    env.invalidate_all()
    return len(rows)


@contextmanager
def _timing(model, *methods):
    """Time the calls of ``model``'s ``methods`` made inside the block: {method: seconds}."""
    cls = type(model)
    seconds = dict.fromkeys(methods, 0.0)

    def timed(method, original):
        def wrapper(self, *args, **kwargs):
            start = time.perf_counter()
            try:
                return original(self, *args, **kwargs)
            finally:
                seconds[method] += time.perf_counter() - start

        return wrapper

    for method in methods:
        setattr(cls, method, timed(method, getattr(cls, method)))
    try:
        yield seconds
    finally:
        for method in methods:
            delattr(cls, method)


def _raw_urn_rewrite(env, resolution):
    """The urn rewritten by hand (delete, insert in random order), then undone."""
    env.flush_all()
    env.cr.execute("SAVEPOINT bench_raw_urn")
    seconds = time_sql(
        env.cr,
        """
        WITH old AS (DELETE FROM coop_ballot_secret WHERE resolution_id = %s
                     RETURNING resolution_id, college_id, token, choice, approvals, used)
        INSERT INTO coop_ballot_secret (resolution_id, college_id, token, choice, approvals,
                                        used)
        SELECT * FROM old ORDER BY random()
        """,
        [resolution.id],
    )
    env.cr.execute("ROLLBACK TO SAVEPOINT bench_raw_urn")
    return seconds


def run(env):
    n_members = scaled(N_MEMBERS, minimum=50)
    t0 = time.perf_counter()
    company, assembly = _setup(env, n_members)
    print(f"setup: {n_members} members, {N_RESOLUTIONS} resolutions in "
          f"{time.perf_counter() - t0:.1f} s")  # fmt: skip

    # Census freeze through convening, against the raw SQL building the same census.
    env.flush_all()
    start = time.perf_counter()
    assembly.action_convene()
    env.flush_all()
    census = time.perf_counter() - start
    reference = _census_raw_sql(env, assembly)
    report(f"census freeze ({assembly.voter_count} voters, convene)", census, reference)

    # Open, everyone attends online, votes open.
    assembly.action_open()
    env.cr.execute(
        "UPDATE coop_assembly_voter SET attendance = 'remote' WHERE assembly_id = %s",
        [assembly.id],
    )
    env.invalidate_all()
    resolutions = assembly.resolution_ids
    resolutions.action_start_vote()

    # Most ballots are bulk-loaded first (set-based, valid audit chain, not measured);
    # then the last voters cast theirs one by one through the model API (online
    # channel, every rule, audit chain) to measure the throughput.
    reserved = assembly.voter_ids[-scaled(N_CAST, minimum=20) :]
    first, secret = resolutions[0], resolutions.filtered("secret")
    plan = [(secret if i % 2 else first, voter) for i, voter in enumerate(reserved)]
    start = time.perf_counter()
    bulk = _bulk_ballots(env, assembly, resolutions, {(r.id, v.id) for r, v in plan})
    print(f"bulk-loaded ballots (not measured): {bulk} in {time.perf_counter() - start:.1f} s",
          flush=True)  # fmt: skip
    start = time.perf_counter()
    for i, (resolution, voter) in enumerate(plan):
        resolution.cast_vote(voter, ("yes", "no", "abstain")[i % 3], "online")
    env.flush_all()
    elapsed = time.perf_counter() - start
    print(f"ballots cast through cast_vote: {len(plan)} in {elapsed:.2f} s = "
          f"{len(plan) / elapsed:.0f} ballots/s", flush=True)  # fmt: skip

    # Full tally of the 10 resolutions, against raw SQL counting per college and choice.
    # The close also rewrites the secret resolution's urn in random order (secrecy: one
    # xmin, no order of votes on disk): that rewrite is timed apart too.
    env.flush_all()
    steps = ("_lock_for_closing", "_tally_counts", "_close_motions", "_shuffle_urn")
    with (
        _timing(env["coop.resolution"], *steps) as step,
        _timing(env["coop.assembly"], "_link_ballots") as chain,
    ):
        start = time.perf_counter()
        resolutions.action_close_vote()
        env.flush_all()
        tally = time.perf_counter() - start

    def raw_tally():
        for resolution in resolutions:
            table = "coop_ballot_secret" if resolution.secret else "coop_ballot"
            env.cr.execute(
                SQL(
                    "SELECT c.code, b.choice, COUNT(*) FROM %s b "
                    "LEFT JOIN coop_college c ON c.id = b.college_id "
                    "WHERE b.resolution_id = %s AND b.choice IS NOT NULL GROUP BY 1, 2",
                    SQL.identifier(table),
                    resolution.id,
                )
            )
            env.cr.fetchall()

    start = time.perf_counter()
    raw_tally()
    reference = time.perf_counter() - start
    report(f"full tally ({N_RESOLUTIONS} resolutions, {bulk + len(plan)} ballots)", tally,
           reference)  # fmt: skip
    raw_rewrite = _raw_urn_rewrite(env, secret)
    counting = step["_tally_counts"] + step["_close_motions"]
    report("  counting and storing the outcome, in sets (_tally_counts, _close_motions)",
           counting, reference, against="raw SQL GROUP BY")  # fmt: skip
    report(f"  the secret urn rewritten in random order ({len(assembly.voter_ids)} slots)",
           step["_shuffle_urn"], raw_rewrite, against="raw SQL DELETE + INSERT")  # fmt: skip
    lock = step["_lock_for_closing"] - step["_tally_counts"]
    report("  the lock and a fresh transaction's count of the ballots (nothing missed)", lock)
    report(f"  linking the last {len(plan)} ballots into the audit chain",
           chain["_link_ballots"])  # fmt: skip
    rest = tally - counting - step["_shuffle_urn"] - lock - chain["_link_ballots"]
    report("  the rest (checks, seals, writes)", rest)
    report("  the close against the raw SQL doing both", tally, reference + raw_rewrite,
           against="raw SQL GROUP BY + DELETE + INSERT")  # fmt: skip
    outcomes = ", ".join(f"{r.yes_share:.1f}% {r.state}" for r in resolutions)
    print(f"outcomes: {outcomes}")

    start = time.perf_counter()
    check = assembly.verify_audit_chain()
    report("audit chain verification", time.perf_counter() - start)
    print(check["message"])
    assert check["ok"], check["message"]
