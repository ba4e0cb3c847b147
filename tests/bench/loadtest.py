#!/usr/bin/env python3
"""`make loadtest`: the coop suite deployed for real, under load, then checked.

1. Template database (built once, rebuilt with --rebuild): the coop modules without demo
   data, then load_db.build() (120,000 members, 400,000 operations, an open assembly of
   over 30,000 voters, members' proposals open for co-signature, logins).
2. A fresh copy of it for this run; a session for every voter (logged in earlier in the
   day), written to Odoo's session store.
3. Odoo multi-process (tests/bench/live.py: README's workers, a cron worker, loopback).
4. Locust (.venv-load) from loopback, bounded in users and time (tests/bench/locustfile.py).
5. Checks against the database: every vote the client saw accepted is stored once per
   resolution, no other ballot exists, every proxy given and every co-signature recorded
   is stored (and nothing else); the votes are closed
   through the model (its tally) and recounted by tests/bench/load_tally.sql (independent
   SQL), which must agree with the model and with the choices the clients sent; the
   assembly's audit chain verifies.
6. Report: tests/bench/results/loadtest.md (table per route, targets) and loadtest.png.

Exit status non-zero when a check fails (lost, duplicated or unexpected records, tally
mismatch, server errors); the latency targets are reported, not enforced.
"""

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
RESULTS = HERE / "results"
sys.path.insert(0, str(HERE))
from common import SCALE  # noqa: E402

#: The authenticator-app secret of the load database's staff (throwaway users).
STAFF_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105


def psql(db, query, *args):
    """One value (or rows) from psql: the orchestrator also runs without a registry."""
    out = subprocess.run(  # noqa: S603
        ["psql", "-X", "-qtA", "-d", db, "-c", query, *args],  # noqa: S607
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return out


def db_exists(db):
    return psql("postgres", f"SELECT 1 FROM pg_database WHERE datname = '{db}'") == "1"


def odoo_env(db):
    """(registry, cursor context) of ``db`` in this process."""
    import odoo  # noqa: PLC0415

    return odoo.modules.registry.Registry(db)


def close_database(db):
    """Drop this process's registry and connections of ``db`` (createdb -T needs none)."""
    import odoo  # noqa: PLC0415

    odoo.modules.registry.Registry.delete(db)
    odoo.sql_db.close_db(db)


def set_summary(db, summary):
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    with odoo_env(db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        env["ir.config_parameter"].set_param("coop_load.summary", json.dumps(summary))
    close_database(db)


def code_hash():
    """Fingerprint of the coop modules' files: the template follows the code."""
    digest = hashlib.sha256()
    for path in sorted((ROOT / "addons").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(ROOT)).encode() + path.read_bytes())
    return digest.hexdigest()


def odoo_command(args, db, *options):
    subprocess.run(  # noqa: S603
        [
            sys.executable, "-m", "odoo", "-c", args.config, "-d", db, *options,
            "--stop-after-init", "--log-level=warn", "--max-cron-threads=0",
        ],
        check=True,
        cwd=ROOT,
    )  # fmt: skip


def build_template(args, modules):
    """Install the modules without demo data, then generate the load data (once)."""
    if db_exists(args.template) and not args.rebuild:
        built = psql(
            args.template,
            "SELECT value FROM ir_config_parameter WHERE key = 'coop_load.summary'",
        )
        summary = json.loads(built) if built else {}
        if summary.get("scale") == SCALE:
            if summary.get("code") != code_hash():
                # The coop modules changed since the build: update them, keep the data.
                print(f"loadtest: updating {modules} in {args.template}", flush=True)
                odoo_command(args, args.template, "-u", modules)
                summary["code"] = code_hash()
                set_summary(args.template, summary)
            print(f"loadtest: template {args.template} ready: {summary}", flush=True)
            return summary
    wanted = sorted(modules.split(","))
    installed = db_exists(args.template) and psql(
        args.template,
        "SELECT string_agg(name, ',' ORDER BY name) FROM ir_module_module "
        "WHERE state = 'installed' AND name LIKE 'coop\\_%'",
    )
    # The generation runs in one transaction: after a failed one, the install is reusable.
    if args.rebuild or installed != ",".join(wanted):
        subprocess.run(["dropdb", "--if-exists", "--force", args.template], check=True)  # noqa: S603, S607
        print(f"loadtest: installing {modules} into {args.template} (no demo data)", flush=True)
        odoo_command(args, args.template, "-i", modules, "--without-demo=all")
    import load_db  # noqa: PLC0415

    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    start = time.perf_counter()
    with odoo_env(args.template).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        summary = load_db.build(env)
        summary["build_seconds"] = round(time.perf_counter() - start)
        summary["scale"] = SCALE
        summary["code"] = code_hash()
    set_summary(args.template, summary)
    close_database(args.template)
    print(f"loadtest: template built in {summary['build_seconds']} s: {summary}", flush=True)
    return summary


def copy_database(args, data_dir):
    subprocess.run(["dropdb", "--if-exists", "--force", args.db], check=True)  # noqa: S603, S607
    start = time.perf_counter()
    subprocess.run(["createdb", "-T", args.template, args.db], check=True)  # noqa: S603, S607
    source, target = data_dir / "filestore" / args.template, data_dir / "filestore" / args.db
    shutil.rmtree(target, ignore_errors=True)
    if source.exists():
        shutil.copytree(source, target)
    print(f"loadtest: {args.db} copied from {args.template} in "
          f"{time.perf_counter() - start:.0f} s", flush=True)  # fmt: skip


def prepare_accounts(args, summary, path):
    """Sessions of the voters (opened before the run) and the logins of the others."""
    import load_db  # noqa: PLC0415

    from odoo import SUPERUSER_ID, api, http  # noqa: PLC0415

    store = http.root.session_store
    accounts = {
        "password": load_db.PASSWORD,
        "company_id": summary["company_id"],
        "voters": [],
        "readers": [],
        "reference": [],
        "officer": summary["officer"],
        "accountant": summary["accountant"],
        "cosigners": [],
        "totp_secret": STAFF_TOTP_SECRET,
    }
    with odoo_env(args.db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        assembly = env["coop.assembly"].browse(summary["assembly_id"])
        resolutions = assembly.resolution_ids.sorted(lambda r: (r.sequence, r.id)).ids
        cr.execute(
            """
            SELECT u.id, u.login, v.id, v.member_number
              FROM res_users u JOIN coop_assembly_voter v ON v.partner_id = u.partner_id
             WHERE u.login LIKE 'voter%%@load.example.org' AND v.assembly_id = %s
          ORDER BY v.id
            """,
            [assembly.id],
        )
        rows = cr.fetchall()
        # The last twentieth of the census logins hold proxies (load_db makes them).
        voters = rows[: min(args.voters, len(rows) - len(rows) // 21)]
        holders = rows[len(voters) :]
        # In a running deployment the daily jobs are not all due in the hour of the vote,
        # as they are in a database made a minute ago: they wait until tomorrow, except
        # the one that links the ballots into the audit chain (every minute).
        link_cron = env.ref("coop_governance.ir_cron_coop_link_ballots")
        cr.execute(
            "UPDATE ir_cron SET nextcall = now() + interval '1 day' WHERE id <> %s",
            [link_cron.id],
        )
        # The staff sign in with an authenticator app: Odoo asks internal users for a
        # second factor (auth_totp_mail_enforce); Locust computes the code from the secret.
        staff = env["res.users"].search(
            [("login", "in", summary["officer"] + summary["accountant"])]
        )
        staff.write({"totp_secret": STAFF_TOTP_SECRET})
        # They follow the assembly online (a proxy holder must attend: no chains).
        cr.execute(
            "UPDATE coop_assembly_voter SET attendance = 'remote' WHERE id = ANY(%s)",
            [[row[2] for row in holders]],
        )
        users = env["res.users"].browse([row[0] for row in voters])
        lang = env["res.lang"]._lang_get(env.lang or "en_US").code

        def open_session(uid, login, user):
            session = store.new()
            session.update(http.get_default_session())
            session.update(
                db=args.db,
                login=login,
                uid=uid,
                context={"lang": lang, "tz": "Europe/Paris", "uid": uid},
                session_token=user._compute_session_token(session.sid),
            )
            store.save(session)
            return session.sid

        pairs = zip(voters, users, strict=True)
        for i, ((uid, login, voter_id, _number), user) in enumerate(pairs):
            sid = open_session(uid, login, user)
            account = {"sid": sid, "voter": voter_id, "resolutions": resolutions}
            # One in 25 gives a proxy to a member who does not vote in the run (2 each).
            if i % 25 == 24 and holders:
                holder = holders[(i // 25 // 2) % len(holders)]
                account.update(holder=holder[2], holder_number=holder[3])
            accounts["voters"].append(account)
        for role, prefix in (("readers", "reader"), ("reference", "visitor")):
            cr.execute(
                "SELECT login FROM res_users WHERE login LIKE %s AND login NOT LIKE %s ORDER BY id",
                [f"{prefix}%@load.example.org", f"{prefix}template%"],
            )
            accounts[role] = [row[0] for row in cr.fetchall()]
        # Co-signers (logged in earlier, like the voters): half of them sign the proposal
        # with 5,000 signatures and 200 versions, the others one of the smaller ones.
        proposals = summary.get("proposal_ids") or []
        cr.execute(
            """
            SELECT u.id, u.login, m.id
              FROM res_users u JOIN coop_member m ON m.partner_id = u.partner_id
             WHERE u.login LIKE 'cosigner%%@load.example.org' AND m.company_id = %s
          ORDER BY u.id
            """,
            [summary["company_id"]],
        )
        rows = cr.fetchall() if proposals else []
        users = env["res.users"].browse([row[0] for row in rows])
        for i, ((uid, login, member_id), user) in enumerate(zip(rows, users, strict=True)):
            proposal = proposals[0] if i % 2 == 0 or len(proposals) == 1 else (
                proposals[1 + (i // 2) % (len(proposals) - 1)]
            )  # fmt: skip
            accounts["cosigners"].append(
                {"sid": open_session(uid, login, user), "member": member_id, "proposal": proposal}
            )
    close_database(args.db)
    path.write_text(json.dumps(accounts))
    print(f"loadtest: {len(accounts['voters'])} voter sessions opened, "
          f"{len(accounts['readers'])} readers, {len(accounts['reference'])} reference "
          f"users, {len(accounts['cosigners'])} co-signer sessions", flush=True)  # fmt: skip
    return accounts


def run_locust(args, server, accounts_path, outcome_path):
    env = dict(
        os.environ,
        LOAD_ACCOUNTS=str(accounts_path),
        LOAD_OUTCOME=str(outcome_path),
        LOAD_VOTERS=str(args.vote_users),
    )
    # The other kinds of users: LOAD_READERS, LOAD_REFERENCE, LOAD_OFFICERS, LOAD_ACCOUNTANTS.
    others = {
        "LOAD_READERS": 10,
        "LOAD_REFERENCE": 4,
        "LOAD_OFFICERS": 3,
        "LOAD_ACCOUNTANTS": 1,
        "LOAD_PROPOSALS": 4,
    }
    users = args.vote_users + sum(
        int(os.environ[k]) if os.environ.get(k, "").strip() else v for k, v in others.items()
    )
    command = [
        str(args.locust), "-f", str(HERE / "locustfile.py"), "--headless",
        "--host", server.base_url, "-u", str(users), "-r", "5", "-t", f"{args.time}s",
        "--stop-timeout", "30", "--csv", str(RESULTS / "loadtest"), "--csv-full-history",
        "--only-summary", "--loglevel", "WARNING", "--exit-code-on-error", "0",
    ]  # fmt: skip
    print(f"loadtest: locust, {users} users for {args.time} s against {server.base_url} "
          f"({server.workers} workers)", flush=True)  # fmt: skip
    start = time.perf_counter()
    subprocess.run(command, check=True, env=env, cwd=ROOT)  # noqa: S603
    return time.perf_counter() - start


def check(args, summary, accounts, outcome):
    """Storage against what the clients saw; model tally against independent SQL."""
    from odoo import SUPERUSER_ID, api  # noqa: PLC0415

    failures = []
    facts = {}
    accepted = {int(k): v for k, v in outcome["accepted"].items()}
    proxies = {int(k): v for k, v in outcome["proxies"].items()}
    attempted = {a["voter"] for a in accounts["voters"]}
    with odoo_env(args.db).cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        assembly = env["coop.assembly"].browse(summary["assembly_id"])
        resolutions = assembly.resolution_ids
        cr.execute(
            "SELECT voter_id, resolution_id, count(*) FROM coop_ballot WHERE assembly_id = %s "
            "GROUP BY 1, 2",
            [assembly.id],
        )
        stored = cr.fetchall()
        duplicates = [row for row in stored if row[2] > 1]
        by_voter = Counter(row[0] for row in stored)
        facts["ballots stored"] = sum(row[2] for row in stored)
        facts["ballots accepted by clients"] = len(accepted) * len(resolutions)
        facts["voters accepted"] = len(accepted)
        facts["votes refused"] = len(outcome["refused"])
        facts["votes failed (client error)"] = len(outcome["failed"])
        if duplicates:
            failures.append(f"{len(duplicates)} (voter, resolution) pairs with several ballots")
        missing = [v for v in accepted if by_voter.get(v) != len(resolutions)]
        if missing:
            failures.append(f"{len(missing)} accepted votes not fully stored: {missing[:5]}")
        unexpected = [v for v in by_voter if v not in accepted]
        # A vote whose answer was lost (client error) may still be stored: report it apart.
        failed = set(outcome["failed"])
        lost_answers = [v for v in unexpected if v in failed]
        strangers = [v for v in unexpected if v not in lost_answers]
        facts["stored votes whose answer the client lost"] = len(lost_answers)
        if strangers:
            failures.append(f"{len(strangers)} voters have ballots no client cast: {strangers[:5]}")
        if set(accepted) - attempted:
            failures.append("accepted votes of voters outside the run")
        # Secret resolution: one participation per used urn slot, per college.
        for resolution in resolutions.filtered("secret"):
            cr.execute(
                """
                SELECT COALESCE(p.college, s.college), p.n, s.n
                  FROM (SELECT COALESCE(college_id, 0) college, count(*) n FROM coop_ballot
                         WHERE resolution_id = %(r)s GROUP BY 1) p
             FULL JOIN (SELECT COALESCE(college_id, 0) college, count(*) n
                          FROM coop_ballot_secret
                         WHERE resolution_id = %(r)s AND used GROUP BY 1) s
                    ON s.college = p.college
                """,
                {"r": resolution.id},
            )
            for college, participations, slots in cr.fetchall():
                if participations != slots:
                    failures.append(f"secret urn of college {college}: {participations} "
                                    f"participations, {slots} used slots")  # fmt: skip
        # Proxies the clients saw given are stored, and only those.
        cr.execute(
            "SELECT v.id, v.proxy_holder_id FROM coop_assembly_voter v "
            "WHERE v.assembly_id = %s AND v.proxy_holder_id IS NOT NULL",
            [assembly.id],
        )
        stored_proxies = dict(cr.fetchall())
        facts["proxies given (clients)"] = len(proxies)
        facts["proxies stored"] = len(stored_proxies)
        if stored_proxies != proxies:
            diff = set(stored_proxies.items()) ^ set(proxies.items())
            failures.append(f"proxies differ between clients and storage: {sorted(diff)[:5]}")

        # Co-signatures the clients saw recorded are stored, and only those.
        signed = {int(k): v for k, v in outcome.get("signatures", {}).items()}
        cosigners = [a["member"] for a in accounts.get("cosigners", [])]
        cr.execute(
            "SELECT member_id, proposal_id FROM coop_proposal_signature WHERE member_id = ANY(%s)",
            [cosigners],
        )
        stored_signatures = dict(cr.fetchall())
        facts["co-signatures given (clients)"] = len(signed)
        facts["co-signatures stored"] = len(stored_signatures)
        facts["co-signatures failed (client)"] = len(outcome.get("sign_failed", []))
        if stored_signatures != signed:
            diff = set(stored_signatures.items()) ^ set(signed.items())
            failures.append(f"co-signatures differ between clients and storage: {sorted(diff)[:5]}")
        proposals = env["coop.proposal"].browse(summary.get("proposal_ids") or [])
        before = dict(zip(proposals.ids, summary.get("proposal_signatures") or [], strict=False))
        gained = Counter(signed.values())
        for proposal in proposals:
            expected = before.get(proposal.id, 0) + gained[proposal.id]
            if proposal.signature_count != expected:
                failures.append(
                    f"{proposal.name}: {proposal.signature_count} signatures, expected {expected}"
                )
        facts["co-signatures per proposal (before + run)"] = ", ".join(
            f"{before.get(p.id, 0)}+{gained[p.id]}" for p in proposals
        )

        # Close the votes through the model (its tally), then recount in SQL.
        start = time.perf_counter()
        resolutions.action_close_vote()
        env.flush_all()
        facts["close votes (model tally) s"] = round(time.perf_counter() - start, 2)
        cr.execute(
            "SELECT resolution_id, COALESCE(college_id, 0), SUM(yes_count), SUM(no_count), "
            "SUM(abstain_count) FROM coop_resolution_result WHERE resolution_id = ANY(%s) "
            "GROUP BY 1, 2",
            [resolutions.ids],
        )
        model = {(r, c): (y, n, a) for r, c, y, n, a in cr.fetchall() if y or n or a}
        start = time.perf_counter()
        cr.execute((HERE / "load_tally.sql").read_text(), {"assembly": assembly.id})
        independent = {(r, c): (y, n, a) for r, c, y, n, a in cr.fetchall()}
        facts["independent SQL tally s"] = round(time.perf_counter() - start, 3)
        if model != independent:
            diff = sorted(set(model.items()) ^ set(independent.items()))[:6]
            failures.append(f"model tally differs from the independent SQL tally: {diff}")
        # The clients' own count of what they sent, per resolution.
        sent = Counter()
        for choices in accepted.values():
            for resolution_id, choice in choices.items():
                sent[(int(resolution_id), choice)] += 1
        counted = Counter()
        for (resolution_id, _college), (yes, no, abstain) in independent.items():
            counted[(resolution_id, "yes")] += yes
            counted[(resolution_id, "no")] += no
            counted[(resolution_id, "abstain")] += abstain
        if +sent != +counted:
            failures.append(f"tally differs from the choices clients sent: {sent} vs {counted}")
        facts["tally: yes/no/abstain per resolution"] = "; ".join(
            f"{r.name} {counted[(r.id, 'yes')]}/{counted[(r.id, 'no')]}/"
            f"{counted[(r.id, 'abstain')]}"
            for r in resolutions.sorted("sequence")
        )
        verify = assembly.verify_audit_chain()
        facts["audit chain"] = verify["message"]
        if not verify["ok"]:
            failures.append(f"audit chain: {verify['message']}")
        cr.rollback()  # the closed votes stay out of the copy: it is dropped anyway
    close_database(args.db)
    return facts, failures


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("--template", default="coop_load_tpl")
    parser.add_argument("--db", default="coop_load")
    parser.add_argument("--port", type=int, default=8369)
    parser.add_argument("--modules", required=True)
    parser.add_argument("--locust", default=str(ROOT / ".venv-load/bin/locust"))
    parser.add_argument("--report-python", default=str(ROOT / ".venv-load/bin/python"))
    parser.add_argument("--time", type=int, default=int(os.environ.get("LOAD_TIME") or 180))
    parser.add_argument("--vote-users", type=int, default=24)
    parser.add_argument("--voters", type=int, default=30_000)
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--rebuild", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the run database")
    args = parser.parse_args(argv)

    import odoo  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", args.config, "--log-level=warn"])
    odoo.netsvc.init_logger()
    data_dir = Path(odoo.tools.config["data_dir"])
    RESULTS.mkdir(exist_ok=True)
    from live import DEFAULT_WORKERS, LiveOdoo  # noqa: PLC0415

    summary = build_template(args, args.modules)
    copy_database(args, data_dir)
    accounts_path = RESULTS / "loadtest_accounts.json"
    outcome_path = RESULTS / "loadtest_outcome.json"
    accounts = prepare_accounts(args, summary, accounts_path)
    server = LiveOdoo(
        args.config, args.db, args.port, workers=args.workers or DEFAULT_WORKERS,
        log=RESULTS / "loadtest_odoo.log",
    )  # fmt: skip
    with server:
        elapsed = run_locust(args, server, accounts_path, outcome_path)
        server_errors = server.log_errors()
    outcome = json.loads(outcome_path.read_text())
    facts, failures = check(args, summary, accounts, outcome)
    facts["run seconds"] = round(elapsed)
    # The burst (voters, co-signers) starts once the others are logged in.
    facts["burst seconds (after the logins)"] = outcome.get("burst_seconds") or round(elapsed)
    facts["HTTP workers"] = server.workers
    facts["server errors logged"] = len(server_errors)
    if server_errors:
        failures.append(f"Odoo logged {len(server_errors)} errors: {server_errors[:3]}")
    (RESULTS / "loadtest_facts.json").write_text(
        json.dumps({"summary": summary, "facts": facts, "failures": failures}, indent=1)
    )
    subprocess.run(  # noqa: S603
        [args.report_python, str(HERE / "load_report.py"), str(RESULTS)], check=True
    )
    accounts_path.unlink(missing_ok=True)  # session ids: no need to keep them
    if not args.keep:
        subprocess.run(["dropdb", "--if-exists", "--force", args.db], check=True)  # noqa: S603, S607
        shutil.rmtree(data_dir / "filestore" / args.db, ignore_errors=True)
    for failure in failures:
        print(f"loadtest: FAILED: {failure}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
