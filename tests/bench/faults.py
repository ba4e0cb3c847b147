"""Fault injection against a real multi-process Odoo (`make faults`, issue #14 §2 "Faults").

A worker is killed (SIGKILL) in the middle of a portal vote, a subscription payment, a
redemption payment and a register XLSX export, and PostgreSQL is restarted during a burst
of portal votes. Afterwards nothing may be half-written (a ballot without its participation,
a payment without its register operation), no member or operation number may be doubled,
and what each client was told (error or success) must match what is stored.

Technique
- The data is prepared by an Odoo script before the server starts (``--prepare``, run in a
  subprocess): in the demo cooperative Centre-Val de Loire, an open assembly voting on two
  public resolutions and a secret one (last on the agenda), portal voters, a subscription
  awaiting its payment, an approved redemption awaiting its refund. From then on the script
  only talks HTTP to ``LiveOdoo`` (``--workers``), as a browser or the back office does:
  portal forms with their CSRF token, JSON-RPC ``call_kw`` / ``call_button``.
- "In the middle": a separate connection takes a lock that the flow needs late, so the
  request blocks inside its transaction after most of its writes: the secret urn (the
  vote has stored its public ballots, the secret participation and the voter's
  attendance), the request's own row (the payment, its reconciliation, the
  admission and the register operation with their numbers are written), the share
  register read by the export. Once pg_stat_activity shows the backend waiting on that
  lock, the worker holding the request's TCP connection (found from the client's local
  port) gets SIGKILL, then the lock is released. The transaction never reaches COMMIT:
  PostgreSQL rolls it back when the orphan backend finds its client gone. The checks wait
  for that backend to end (a row lock it still held could hide a half-written record),
  read the database directly, then retry the same action over HTTP.
- PostgreSQL restart: ``pg_ctlcluster 15 main restart`` while ~30 portal voters vote from
  threads; each request's outcome is compared with the ballots stored for its voter. A
  restart stops the PostgreSQL of the whole machine: the script first waits until no load
  test (locust, ``make loadtest``) runs.
"""

import argparse
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

import psutil
import psycopg2
import requests

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from live import LiveOdoo  # noqa: E402

PASSWORD = "Faults-Voter-2024!"  # noqa: S105 - throwaway portal users of a throwaway DB
BURST = 30
RESULTS = HERE / "results" / "faults.md"
CSRF_RE = re.compile(r'name="csrf_token"\s+value="([^"]+)"')
RECEIPT = "o_coop_receipt"  # the table of the vote receipt page
REFUSAL_RE = re.compile(r'class="alert alert-danger[^"]*" role="alert">(.*?)</div>', re.S)
PG_CLUSTER = ("15", "main")


# ----------------------------------------------------------------------------------------
# Data, prepared by Odoo itself before the server starts
# ----------------------------------------------------------------------------------------
def prepare(conf, db, burst):
    """Commit the scenario data in ``db``; return its ids (printed as JSON)."""
    from datetime import timedelta  # noqa: PLC0415 - only in the --prepare subprocess

    import odoo  # noqa: PLC0415
    from odoo import SUPERUSER_ID, api, fields  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", conf, "-d", db, "--log-level=warn"])
    registry = odoo.modules.registry.Registry(db)
    context = {
        "tracking_disable": True,
        "mail_create_nolog": True,
        "mail_notrack": True,
        "mail_create_nosubscribe": True,
        "no_reset_password": True,
    }
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, context)
        centre = env.ref("coop_membership.coop_company_centre")
        share_class = env.ref("coop_membership.share_class_centre")
        colleges = env["coop.college"].search([("company_id", "=", centre.id)], order="id")
        sylvie = env["res.users"].search([("login", "=", "sylvie")])
        as_accountant = {"allowed_company_ids": [centre.id]}

        def new_members(names, shares=1):
            partners = env["res.partner"].create(
                [{"name": n, "email": f"{n.lower().replace(' ', '.')}@example.org"} for n in names]
            )
            members = env["coop.member"].create(
                [
                    {
                        "partner_id": p.id,
                        "company_id": centre.id,
                        "college_id": colleges[i % len(colleges)].id,
                    }
                    for i, p in enumerate(partners)
                ]
            )
            members.action_admit()
            operations = env["coop.share.operation"].create(
                [
                    {
                        "member_id": m.id,
                        "company_id": centre.id,
                        "share_class_id": share_class.id,
                        "quantity": shares,
                    }
                    for m in members
                ]
            )
            operations.action_confirm()
            return members

        # Voters: #0 is killed mid-vote, #1..burst vote during the PostgreSQL restart.
        voters_members = new_members([f"Faults Voter {i:02d}" for i in range(burst + 1)])
        portal = env.ref("base.group_portal")
        users = env["res.users"].create(
            [
                {
                    "name": m.partner_id.name,
                    "partner_id": m.partner_id.id,
                    "login": f"faults.voter.{i:02d}",
                    "password": PASSWORD,
                    "company_id": centre.id,
                    "company_ids": [(6, 0, [centre.id])],
                    "groups_id": [(6, 0, [portal.id])],
                }
                for i, m in enumerate(voters_members)
            ]
        )
        delay = centre.coop_convocation_delay
        assembly = env["coop.assembly"].create(
            {
                "name": "Faults AG",
                "company_id": centre.id,
                "date": fields.Datetime.now() + timedelta(days=delay + 2),
            }
        )
        resolutions = env["coop.resolution"].create(
            [
                {"assembly_id": assembly.id, "sequence": 1, "name": "Faults public 1"},
                {"assembly_id": assembly.id, "sequence": 2, "name": "Faults public 2"},
                {
                    "assembly_id": assembly.id,
                    "sequence": 3,
                    "name": "Faults secret",
                    "secret": True,
                },
            ]
        )
        assembly.action_convene()
        assembly.action_open()
        ours = assembly.voter_ids.filtered(lambda v: v.member_id in voters_members)
        # Quorum from the other members of the census, checked in; then, only if needed,
        # from the last burst voters (never the voter killed mid-vote).
        for voter in (assembly.voter_ids - ours) + ours[1:][::-1]:
            if assembly.quorum_reached:
                break
            voter.action_check_in()
        resolutions.action_start_vote()
        voter_of = {v.member_id.id: v for v in ours}
        voters = [
            {
                "login": user.login,
                "voter_id": voter_of[member.id].id,
                "attendance": voter_of[member.id].attendance,
                "college_id": member.college_id.id,
            }
            for user, member in zip(users, voters_members, strict=True)
        ]

        # A subscription accepted by the accountant: its invoice awaits payment.
        partner = env["res.partner"].create(
            {"name": "Faults Subscriber", "email": "faults.subscriber@example.org"}
        )
        subscription = env["coop.subscription.request"].create(
            {
                "partner_id": partner.id,
                "company_id": centre.id,
                "college_id": colleges[0].id,
                "share_class_id": share_class.id,
                "quantity": 2,
            }
        )
        subscription.action_submit()
        subscription.with_user(sylvie).with_context(**as_accountant).action_validate()

        # A redemption approved by the board: its refund awaits payment.
        (holder,) = new_members(["Faults Holder"], shares=4)
        redemption = env["coop.redemption.request"].create(
            {
                "member_id": holder.id,
                "company_id": centre.id,
                "share_class_id": share_class.id,
                "redemption_type": "partial",
                "quantity": 1,
                # Paid at once: the board decided an early refund (else it waits for the
                # statutory delay).
                "early_refund_date": fields.Date.today(),
                "early_refund_reference": "Board decision, faults run",
            }
        )
        redemption.with_user(sylvie).with_context(**as_accountant).action_approve()
        cr.commit()
        return {
            "company_id": centre.id,
            "assembly_id": assembly.id,
            "resolution_ids": resolutions.ids,
            "secret_id": resolutions[2].id,
            "voters": voters,
            "subscription": {
                "id": subscription.id,
                "name": subscription.name,
                "invoice_id": subscription.invoice_id.id,
                "partner_id": partner.id,
                "member_id": subscription.member_id.id,
            },
            "redemption": {
                "id": redemption.id,
                "name": redemption.name,
                "partner_id": holder.partner_id.id,
                "move_id": redemption.move_id.id,
            },
        }


def run_prepare(conf, db, burst):
    out = subprocess.run(  # noqa: S603
        [sys.executable, __file__, "--prepare", "-c", conf, "-d", db, "--burst", str(burst)],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


# ----------------------------------------------------------------------------------------
# HTTP clients: a browser session, the back office's JSON-RPC
# ----------------------------------------------------------------------------------------
class RpcError(Exception):
    pass


class Web:
    def __init__(self, server, db):
        self.server, self.db = server, db
        self.base = server.base_url
        self.session = requests.Session()
        self.context = {}
        self.credentials = None

    def csrf(self, path):
        response = self.session.get(self.base + path, timeout=60)
        response.raise_for_status()
        match = CSRF_RE.search(response.text)
        if not match:
            raise RuntimeError(f"no CSRF token on {path}")
        return match.group(1)

    def portal_login(self, login, password):
        token = self.csrf("/web/login")
        response = self.session.post(
            self.base + "/web/login",
            data={"login": login, "password": password, "csrf_token": token, "redirect": "/my"},
            timeout=60,
        )
        if not urllib.parse.urlparse(response.url).path.startswith("/my"):
            raise RuntimeError(f"portal login of {login} failed ({response.url})")

    def rpc_login(self, login, password, company_id):
        self.credentials = (login, password, company_id)
        result = self.jsonrpc(
            "/web/session/authenticate", {"db": self.db, "login": login, "password": password}
        )
        self.context = {**result["user_context"], "allowed_company_ids": [company_id]}

    def jsonrpc(self, path, params, timeout=120, relogin=True):
        response = self.session.post(
            self.base + path,
            json={"jsonrpc": "2.0", "method": "call", "id": 1, "params": params},
            timeout=timeout,
        )
        response.raise_for_status()
        data = response.json()
        if "error" in data:
            error = data["error"].get("data", {})
            # Odoo logs a session out when it cannot reach PostgreSQL: log in again, once.
            if relogin and error.get("name", "").endswith("SessionExpiredException"):
                self.rpc_login(*self.credentials)
                return self.jsonrpc(path, params, timeout, relogin=False)
            raise RpcError(error.get("message") or data["error"].get("message"))
        return data["result"]

    def rpc_payload(self, model, method, args, context=None):
        return {
            "model": model,
            "method": method,
            "args": args,
            "kwargs": {"context": {**self.context, **(context or {})}},
        }

    def call(self, model, method, *args, context=None, button=False, **kwargs):
        params = self.rpc_payload(model, method, list(args), context)
        params["kwargs"].update(kwargs)
        kind = "call_button" if button else "call_kw"
        return self.jsonrpc(f"/web/dataset/{kind}/{model}/{method}", params)

    def cookie_header(self):
        return "; ".join(f"{c.name}={c.value}" for c in self.session.cookies)


def vote_form(token, resolution_ids, choices=("yes", "no", "abstain")):
    form = {"csrf_token": token, "confirm": "1"}
    form.update({f"choice_{rid}": c for rid, c in zip(resolution_ids, choices, strict=True)})
    return form


def describe_response(status, body):
    if status == 200 and RECEIPT in body:
        return "200 vote receipt"
    refusal = REFUSAL_RE.search(body)
    if status == 200 and refusal:
        return "200 refused: " + " ".join(re.sub(r"<[^>]+>", " ", refusal.group(1)).split())
    return f"HTTP {status}"


# ----------------------------------------------------------------------------------------
# The database, read directly
# ----------------------------------------------------------------------------------------
class Db:
    def __init__(self, db):
        self.db = db
        self.conn = None

    def connect(self):
        if self.conn is None or self.conn.closed:
            self.conn = psycopg2.connect(dbname=self.db)
            self.conn.autocommit = True
        return self.conn

    def rows(self, query, params=()):
        for attempt in range(2):
            try:
                with self.connect().cursor() as cur:
                    cur.execute(query, params)
                    return cur.fetchall()
            except (psycopg2.OperationalError, psycopg2.InterfaceError):
                self.conn = None  # PostgreSQL restarted: reconnect once
                if attempt:
                    raise
        return []

    def value(self, query, params=()):
        rows = self.rows(query, params)
        return rows[0][0] if rows else None

    def close(self):
        if self.conn is not None and not self.conn.closed:
            self.conn.close()


# ----------------------------------------------------------------------------------------
# Killing a worker in the middle of a request
# ----------------------------------------------------------------------------------------
def wait_until(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(step)
    return None


def kill_in_the_middle(server, db, lock, method, path, body, headers):
    """Send one request, let it block on ``lock`` (SQL, params), SIGKILL its worker.

    Return a dict: ``saw`` (what the client got), ``worker``, ``query`` (the statement the
    backend was blocked on), ``respawned``, ``backend_gone``, ``problem`` (or None).
    """
    info = {"problem": None}
    blocker = psycopg2.connect(dbname=db.db)
    try:
        with blocker.cursor() as cur:
            cur.execute(*lock)  # held until blocker.rollback()
            cur.execute("SELECT pg_backend_pid()")
            blocker_pid = cur.fetchone()[0]
        before = {p.pid for p in server.children()}
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=120)
        conn.connect()
        local_port = conn.sock.getsockname()[1]
        outcome = {}

        def send():
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                outcome["saw"] = describe_response(
                    response.status, response.read().decode(errors="replace")
                )
            except (OSError, http.client.HTTPException) as error:
                outcome["saw"] = f"connection lost ({type(error).__name__})"

        thread = threading.Thread(target=send, daemon=True)
        thread.start()
        waiting = wait_until(
            lambda: db.rows(
                """SELECT pid, query FROM pg_stat_activity
                    WHERE datname = %s AND wait_event_type = 'Lock' AND pid != %s""",
                [db.db, blocker_pid],
            ),
            timeout=60,
        )
        if not waiting:
            thread.join(60)
            info["problem"] = f"the request never blocked on the lock ({outcome.get('saw')})"
            info["saw"] = outcome.get("saw", "no answer")
            return info
        backend_pid, query = waiting[0]
        info["query"] = " ".join(query.split())[:90]
        worker = server.worker_serving(local_port)
        if worker is None:
            info["problem"] = "no worker holds the request's connection"
            return info
        info["worker"] = worker.pid
        os.kill(worker.pid, signal.SIGKILL)
        thread.join(30)
        conn.close()
        info["saw"] = outcome.get("saw", "no answer after 30 s")
    finally:
        blocker.rollback()  # release the lock: the orphan backend runs on, then finds no client
        blocker.close()
    # The orphan backend ends (and rolls back) once it tries to talk to its dead client.
    info["backend_gone"] = bool(
        wait_until(
            lambda: not db.value("SELECT 1 FROM pg_stat_activity WHERE pid = %s", [backend_pid]),
            timeout=60,
        )
    )
    info["respawned"] = bool(
        wait_until(
            lambda: (
                len(now := {p.pid for p in server.children()}) == len(before)
                and info["worker"] not in now
                and server.healthy()
            ),
            timeout=60,
            step=0.5,
        )
    )
    return info


# ----------------------------------------------------------------------------------------
# Report
# ----------------------------------------------------------------------------------------
class Report:
    def __init__(self):
        self.rows = []

    def add(self, fault, action, saw, stored, checks):
        """``checks``: {description: bool}."""
        failed = [name for name, ok in checks.items() if not ok]
        self.rows.append(
            {
                "fault": fault,
                "action": action,
                "saw": saw,
                "stored": stored,
                "ok": not failed,
                "checks": "OK" if not failed else "FAILED: " + "; ".join(failed),
            }
        )

    @property
    def ok(self):
        return bool(self.rows) and all(row["ok"] for row in self.rows)

    def table(self):
        header = ("fault", "action", "client saw", "stored", "checks")
        lines = [
            "| " + " | ".join(header) + " |",
            "| " + " | ".join("---" for _ in header) + " |",
        ]
        for row in self.rows:
            cells = (row["fault"], row["action"], row["saw"], row["stored"], row["checks"])
            lines.append("| " + " | ".join(str(c).replace("|", "/") for c in cells) + " |")
        return "\n".join(lines)


# ----------------------------------------------------------------------------------------
# Scenarios
# ----------------------------------------------------------------------------------------
class Faults:
    def __init__(self, server, db, data, report):
        self.server, self.db, self.data, self.report = server, db, data, report
        self.assembly_id = data["assembly_id"]
        self.burst_log_line = None
        self.admin = Web(server, db.db)
        self.admin.rpc_login("admin", "admin", data["company_id"])
        self.accountant = Web(server, db.db)
        self.accountant.rpc_login("sylvie", "sylvie", data["company_id"])

    # -- votes ---------------------------------------------------------------------------
    def chain(self):
        """(audit chain verified by Odoo, every ballot linked at indexes 1..n).

        Odoo links committed ballots into the chain when it verifies it (and by a cron),
        or as they are cast: verified first, then read.
        """
        try:
            check = self.admin.call("coop.assembly", "verify_audit_chain", [self.assembly_id])
            verified = bool(check["ok"])
        except (RpcError, requests.RequestException):
            verified = False
        indexes = [
            r[0]
            for r in self.db.rows(
                "SELECT chain_index FROM coop_ballot WHERE assembly_id = %s ORDER BY 1",
                [self.assembly_id],
            )
        ]
        contiguous = indexes == list(range(1, len(indexes) + 1))
        return verified, contiguous

    def voter_state(self, voter_id):
        ballots = self.db.value("SELECT COUNT(*) FROM coop_ballot WHERE voter_id = %s", [voter_id])
        attendance = self.db.value(
            "SELECT attendance FROM coop_assembly_voter WHERE id = %s", [voter_id]
        )
        return ballots, attendance

    def urn(self):
        """(ballots of the assembly, used slots of the secret urn)."""
        ballots = self.db.value(
            "SELECT COUNT(*) FROM coop_ballot WHERE assembly_id = %s", [self.assembly_id]
        )
        used = self.db.value(
            "SELECT COUNT(*) FROM coop_ballot_secret WHERE resolution_id = %s AND used",
            [self.data["secret_id"]],
        )
        return ballots, used

    def secret_mismatches(self):
        """Colleges whose used urn slots differ from the secret resolution's participations."""
        return self.db.rows(
            """
            SELECT COALESCE(s.college_id, b.college_id), s.used, b.participations
              FROM (SELECT college_id, COUNT(*) FILTER (WHERE used) AS used
                      FROM coop_ballot_secret WHERE resolution_id = %(r)s GROUP BY 1) s
         FULL JOIN (SELECT college_id, COUNT(*) AS participations
                      FROM coop_ballot WHERE resolution_id = %(r)s GROUP BY 1) b
                ON b.college_id = s.college_id
             WHERE COALESCE(s.used, 0) != COALESCE(b.participations, 0)
            """,
            {"r": self.data["secret_id"]},
        )

    def login_voter(self, voter):
        web = Web(self.server, self.db.db)
        web.portal_login(voter["login"], PASSWORD)
        web.token = web.csrf(f"/my/assemblies/{voter['voter_id']}")
        return web

    def vote(self, web, voter, timeout=120):
        response = web.session.post(
            f"{web.base}/my/assemblies/{voter['voter_id']}/vote",
            data=vote_form(web.token, self.data["resolution_ids"]),
            timeout=timeout,
        )
        if urllib.parse.urlparse(response.url).path == "/web/login":
            return "login page (logged out)", response.text
        return describe_response(response.status_code, response.text), response.text

    def kill_vote(self):
        voter = self.data["voters"][0]
        web = self.login_voter(voter)
        total0, used0 = self.urn()
        body = urllib.parse.urlencode(vote_form(web.token, self.data["resolution_ids"]))
        info = kill_in_the_middle(
            self.server,
            self.db,
            ("LOCK TABLE coop_ballot_secret IN EXCLUSIVE MODE", ()),
            "POST",
            f"/my/assemblies/{voter['voter_id']}/vote",
            body,
            {
                "Content-Type": "application/x-www-form-urlencoded",
                "Cookie": web.cookie_header(),
            },
        )
        ballots, attendance = self.voter_state(voter["voter_id"])
        total1, used1 = self.urn()
        verified, contiguous = self.chain()
        self._killed_row(
            "vote (2 public + 1 secret resolution)",
            info,
            f"{ballots} ballots, attendance {attendance}; assembly ballots {total0}->{total1}, "
            f"urn slots used {used0}->{used1}",
            {
                "no ballot of the voter": ballots == 0,
                "attendance unchanged": attendance == voter["attendance"],
                "assembly ballots unchanged": total1 == total0,
                "urn unchanged": used1 == used0,
                "audit chain verifies": verified,
                "every ballot linked, chain indexes contiguous": contiguous,
            },
        )
        saw, text = self.vote(web, voter)
        ballots, attendance = self.voter_state(voter["voter_id"])
        total2, used2 = self.urn()
        again, _text = self.vote(web, voter)
        ballots_after_again, _att = self.voter_state(voter["voter_id"])
        verified, contiguous = self.chain()
        self.report.add(
            "(after the kill)",
            "same vote retried, then sent once more",
            f"{saw}; then {again}",
            f"{ballots} ballots, attendance {attendance}; assembly ballots {total1}->{total2}, "
            f"urn slots used {used1}->{used2}",
            {
                "retry succeeded": saw == "200 vote receipt",
                "3 ballots stored once": ballots == 3 == ballots_after_again,
                "3 more in the assembly": total2 == total1 + 3,
                "1 urn slot": used2 == used1 + 1,
                "voter attends remotely": attendance == "remote",
                "second send refused": again != "200 vote receipt",
                "audit chain verifies": verified,
                "every ballot linked, chain indexes contiguous": contiguous,
            },
        )

    def _killed_row(self, action, info, stored, checks):
        worker = info.get("worker")
        fault = f"SIGKILL worker {worker}" if worker else "SIGKILL worker"
        if info.get("query"):
            fault += f" blocked on `{info['query']}`"
        saw = info.get("saw", "-")
        checks = {
            "killed mid-transaction": not info["problem"],
            "client got an error": saw.startswith("connection lost") or saw.startswith("HTTP 5"),
            "orphan backend ended": info.get("backend_gone", False),
            "worker respawned": info.get("respawned", False),
            **checks,
        }
        if info["problem"]:
            stored = f"{stored} ({info['problem']})"
        self.report.add(fault, action, saw, stored, checks)

    # -- subscription payment --------------------------------------------------------------
    def subscription_state(self):
        sub = self.data["subscription"]
        state, operation_id = self.db.rows(
            "SELECT state, operation_id FROM coop_subscription_request WHERE id = %s", [sub["id"]]
        )[0]
        payment_state = self.db.value(
            "SELECT payment_state FROM account_move WHERE id = %s", [sub["invoice_id"]]
        )
        payments = self.db.value(
            "SELECT COUNT(*) FROM account_payment WHERE partner_id = %s", [sub["partner_id"]]
        )
        operations = self.db.rows(
            "SELECT name, state FROM coop_share_operation WHERE note = %s", [sub["name"]]
        )
        member = self.db.rows(
            "SELECT state, member_number FROM coop_member WHERE id = %s", [sub["member_id"]]
        )[0]
        periods = self.db.value(
            "SELECT COUNT(*) FROM coop_member_period WHERE member_id = %s", [sub["member_id"]]
        )
        return {
            "state": state,
            "operation_id": operation_id,
            "payment_state": payment_state,
            "payments": payments,
            "operations": operations,
            "member": member,
            "periods": periods,
        }

    def numbers_taken(self):
        """How far the cooperative's member and register sequences went (standard ones:
        PostgreSQL sequences, whose numbers a rolled-back transaction does not give back)."""
        taken = {}
        for seq_id, code in self.db.rows(
            """SELECT id, code FROM ir_sequence WHERE company_id = %s AND implementation =
               'standard' AND NOT COALESCE(use_date_range, FALSE)
               AND code IN ('coop.member', 'coop.share.operation')""",
            [self.data["company_id"]],
        ):
            taken[code] = self.db.value(f"SELECT last_value FROM ir_sequence_{seq_id:03d}")  # noqa: S608
        return taken

    @staticmethod
    def describe_subscription(s):
        return (
            f"request {s['state']}, invoice {s['payment_state']}, {s['payments']} payment, "
            f"{len(s['operations'])} register op {[o[0] for o in s['operations']]}, "
            f"member {s['member'][0]} n°{s['member'][1]}"
        )

    def payment_wizard(self):
        """The back office's "Register Payment" on the invoice: the wizard, saved."""
        invoice_id = self.data["subscription"]["invoice_id"]
        action = self.accountant.call("account.move", "action_register_payment", [invoice_id])
        context = action["context"]
        saved = self.accountant.call(
            "account.payment.register", "web_save", [], {}, context=context, specification={}
        )
        return saved[0]["id"], context

    def kill_subscription_payment(self):
        wizard_id, context = self.payment_wizard()
        web = self.accountant
        numbers = self.numbers_taken()
        params = web.rpc_payload(
            "account.payment.register", "action_create_payments", [[wizard_id]], context
        )
        info = kill_in_the_middle(
            self.server,
            self.db,
            # The request's own row, written last (paid, with its register operation):
            # payment, reconciliation, admission and register operation are written by then.
            (
                "SELECT 1 FROM coop_subscription_request WHERE id = %s FOR NO KEY UPDATE",
                [self.data["subscription"]["id"]],
            ),
            "POST",
            "/web/dataset/call_button/account.payment.register/action_create_payments",
            json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            {"Content-Type": "application/json", "Cookie": web.cookie_header()},
        )
        s = self.subscription_state()
        burnt = {code: n - numbers.get(code, 0) for code, n in self.numbers_taken().items()}
        self._killed_row(
            "subscription payment (back office Register Payment)",
            info,
            self.describe_subscription(s)
            + f"; numbers drawn then rolled back: {burnt.get('coop.member')} member, "
            f"{burnt.get('coop.share.operation')} register",
            {
                "killed after the admission and register numbers": len(burnt) == 2
                and all(burnt.values()),
                "no payment": s["payments"] == 0,
                "invoice unpaid": s["payment_state"] == "not_paid",
                "no register operation": not s["operations"],
                "request awaits payment": s["state"] == "waiting_payment",
                "member not admitted, no number": s["member"] == ("candidate", None)
                and s["periods"] == 0,
            },
        )
        try:
            wizard_id, context = self.payment_wizard()
            self.accountant.call(
                "account.payment.register",
                "action_create_payments",
                [wizard_id],
                context=context,
                button=True,
            )
            saw = "success"
        except (RpcError, requests.RequestException) as error:
            saw = f"error: {error}"
        s = self.subscription_state()
        confirmed = [o for o in s["operations"] if o[1] == "confirmed"]
        self.report.add(
            "(after the kill)",
            "same payment retried",
            saw,
            self.describe_subscription(s),
            {
                "retry succeeded": saw == "success",
                "one payment": s["payments"] == 1,
                "invoice paid": s["payment_state"] in ("paid", "in_payment"),
                "one confirmed register operation": len(s["operations"]) == len(confirmed) == 1,
                "request paid with its operation": s["state"] == "paid" and bool(s["operation_id"]),
                "member admitted once, numbered": s["member"][0] == "member"
                and bool(s["member"][1])
                and s["periods"] == 1,
            },
        )

    # -- redemption payment ----------------------------------------------------------------
    def redemption_state(self):
        red = self.data["redemption"]
        state, payment_id = self.db.rows(
            "SELECT state, payment_id FROM coop_redemption_request WHERE id = %s", [red["id"]]
        )[0]
        payments = self.db.rows(
            "SELECT id, state FROM account_payment WHERE partner_id = %s", [red["partner_id"]]
        )
        # The refund payable line of the approval entry: reconciled once the refund is paid.
        reconciled = self.db.value(
            """SELECT bool_and(l.reconciled) FROM account_move_line l
                 JOIN coop_share_class sc ON sc.refund_account_id = l.account_id
                 JOIN coop_redemption_request r ON r.share_class_id = sc.id
                WHERE l.move_id = %s AND r.id = %s""",
            [red["move_id"], red["id"]],
        )
        return {"state": state, "payment_id": payment_id, "payments": payments, "rec": reconciled}

    @staticmethod
    def describe_redemption(r):
        return (
            f"request {r['state']}, {len(r['payments'])} payment, refund line "
            f"{'reconciled' if r['rec'] else 'open'}"
        )

    def kill_redemption_payment(self):
        red = self.data["redemption"]
        web = self.accountant
        params = web.rpc_payload(
            "coop.redemption.request", "action_register_payment", [[red["id"]]]
        )
        info = kill_in_the_middle(
            self.server,
            self.db,
            # The request's own row, written last (paid, with its payment). Not the
            # reconciliation table: foreign keys to it would stop the flow at its first move.
            (
                "SELECT 1 FROM coop_redemption_request WHERE id = %s FOR NO KEY UPDATE",
                [red["id"]],
            ),
            "POST",
            "/web/dataset/call_button/coop.redemption.request/action_register_payment",
            json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            {"Content-Type": "application/json", "Cookie": web.cookie_header()},
        )
        r = self.redemption_state()
        self._killed_row(
            "redemption refund payment (Pay Refund button)",
            info,
            self.describe_redemption(r),
            {
                "no payment": not r["payments"],
                "refund line open": not r["rec"],
                "request still approved": r["state"] == "approved" and not r["payment_id"],
            },
        )
        try:
            web.call("coop.redemption.request", "action_register_payment", [red["id"]], button=True)
            saw = "success"
        except (RpcError, requests.RequestException) as error:
            saw = f"error: {error}"
        r = self.redemption_state()
        self.report.add(
            "(after the kill)",
            "same refund retried",
            saw,
            self.describe_redemption(r),
            {
                "retry succeeded": saw == "success",
                "one posted payment": [p[1] for p in r["payments"]]
                in (["in_process"], ["paid"], ["posted"]),
                "request paid with its payment": r["state"] == "paid"
                and r["payment_id"] == r["payments"][0][0],
                "refund line reconciled": bool(r["rec"]),
            },
        )

    # -- register export -------------------------------------------------------------------
    def export_wizard(self):
        return self.accountant.call(
            "coop.capital.report.wizard",
            "web_save",
            [],
            {"report": "register_xlsx", "company_ids": [(6, 0, [self.data["company_id"]])]},
            specification={},
        )[0]["id"]

    def export_artefacts(self, wizard_id, since):
        stored = self.db.value(
            "SELECT file_data IS NOT NULL FROM coop_capital_report_wizard WHERE id = %s",
            [wizard_id],
        )
        attachments = self.db.value(
            "SELECT COUNT(*) FROM ir_attachment WHERE create_date >= %s "
            "AND (name ILIKE '%%.xlsx' OR res_model = 'coop.capital.report.wizard')",
            [since],
        )
        return bool(stored), attachments

    def kill_export(self):
        since = self.db.value("SELECT now() AT TIME ZONE 'UTC'")
        wizard_id = self.export_wizard()
        web = self.accountant
        params = web.rpc_payload("coop.capital.report.wizard", "action_print", [[wizard_id]])
        info = kill_in_the_middle(
            self.server,
            self.db,
            ("LOCK TABLE coop_share_operation IN ACCESS EXCLUSIVE MODE", ()),
            "POST",
            "/web/dataset/call_button/coop.capital.report.wizard/action_print",
            json.dumps({"jsonrpc": "2.0", "method": "call", "id": 1, "params": params}),
            {"Content-Type": "application/json", "Cookie": web.cookie_header()},
        )
        stored, attachments = self.export_artefacts(wizard_id, since)
        self._killed_row(
            "register XLSX export (capital reports wizard)",
            info,
            f"file on the wizard: {'yes' if stored else 'no'}, {attachments} attachment",
            {"no file stored": not stored, "no attachment": attachments == 0},
        )
        saw, size = "error", 0
        try:
            wizard_id = self.export_wizard()
            action = web.call(
                "coop.capital.report.wizard", "action_print", [wizard_id], button=True
            )
            response = web.session.get(web.base + action["url"], timeout=120)
            size = len(response.content)
            xlsx = response.status_code == 200 and response.content[:2] == b"PK"
            saw = f"success, {size} bytes XLSX" if xlsx else f"HTTP {response.status_code}"
        except (RpcError, requests.RequestException, KeyError) as error:
            saw = f"error: {error}"
        stored, attachments = self.export_artefacts(wizard_id, since)
        self.report.add(
            "(after the kill)",
            "same export retried and downloaded",
            saw,
            f"file on the new wizard: {'yes' if stored else 'no'}, {attachments} attachment",
            {"retry succeeded": saw.startswith("success"), "file on the wizard": stored},
        )

    # -- PostgreSQL restart during a burst of votes ----------------------------------------
    def restart_during_burst(self):
        voters = self.data["voters"][1:]
        sessions = [self.login_voter(v) for v in voters]
        wait_for_quiet_machine()
        total0, used0 = self.urn()
        outcomes = [None] * len(voters)
        start = threading.Barrier(len(voters) + 1)

        def vote(index):
            start.wait()
            time.sleep(0.1 * index)  # spread over ~3 s: votes before, during, after
            try:
                outcomes[index] = self.vote(sessions[index], voters[index], timeout=90)[0]
            except requests.RequestException as error:
                outcomes[index] = f"connection error ({type(error).__name__})"

        threads = [
            threading.Thread(target=vote, args=(i,), daemon=True) for i in range(len(voters))
        ]
        for thread in threads:
            thread.start()
        self.burst_log_line = log_length(self.server)
        start.wait()
        time.sleep(1.0)
        began = time.monotonic()
        restart = subprocess.run(  # noqa: S603
            ["pg_ctlcluster", *PG_CLUSTER, "restart"],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        restarted = time.monotonic()
        back = wait_until(self.odoo_answers, timeout=120, step=0.5)
        recovery = time.monotonic() - restarted
        for thread in threads:
            thread.join(120)
        stored = {v["voter_id"]: self.voter_state(v["voter_id"]) for v in voters}
        ok = [i for i, o in enumerate(outcomes) if o == "200 vote receipt"]
        failed = [i for i in range(len(voters)) if i not in ok]
        mismatches = []
        for i, voter in enumerate(voters):
            ballots, attendance = stored[voter["voter_id"]]
            want = 3 if i in ok else 0
            if ballots != want:
                mismatches.append(f"{voter['login']}: saw {outcomes[i]}, {ballots} ballots")
            elif ballots == 0 and attendance != voter["attendance"]:
                mismatches.append(f"{voter['login']}: no ballot but attendance {attendance}")
        total1, used1 = self.urn()
        verified, contiguous = self.chain()
        secret = self.secret_mismatches()
        self.report.add(
            f"`pg_ctlcluster {' '.join(PG_CLUSTER)} restart` ({restarted - began:.1f} s) "
            f"during {len(voters)} votes; Odoo answered {recovery:.1f} s later",
            f"{len(voters)} portal voters, 3 resolutions each",
            ", ".join(f"{n}x {k}" for k, n in sorted(tally(outcomes).items())),
            f"ballots of {sum(1 for b, _a in stored.values() if b)} voters; assembly "
            f"ballots {total0}->{total1}; urn slots used {used0}->{used1}",
            {
                "PostgreSQL restarted": restart.returncode == 0,
                "Odoo answers again": bool(back),
                "success <=> 3 ballots, error <=> none"
                + (f" ({'; '.join(mismatches)})" if mismatches else ""): not mismatches,
                "some votes failed (restart hit the burst)": bool(failed),
                "urn slots = secret participations per college"
                + (f" ({secret})" if secret else ""): not secret,
                "audit chain verifies": verified,
                "every ballot linked, chain indexes contiguous": contiguous,
                "assembly ballots = 3 x successes": total1 - total0 == 3 * len(ok),
            },
        )
        # The voters who saw an error vote again, now that the server is back; Odoo logged
        # out the sessions whose request found PostgreSQL down: those log in again first.
        retried, relogged = {}, 0
        for i in failed:
            try:
                retried[i] = self.vote(sessions[i], voters[i])[0]
                if retried[i] == "login page (logged out)":
                    relogged += 1
                    sessions[i] = self.login_voter(voters[i])
                    retried[i] = self.vote(sessions[i], voters[i])[0]
            except (requests.RequestException, RuntimeError) as error:
                retried[i] = f"error ({error})"
        counts = [self.voter_state(v["voter_id"])[0] for v in voters]
        total2, used2 = self.urn()
        verified, contiguous = self.chain()
        secret = self.secret_mismatches()
        good = sum(1 for o in retried.values() if o == "200 vote receipt")
        self.report.add(
            "(after the restart)",
            f"the {len(failed)} voters who saw an error vote again "
            f"({relogged} of them logged out by Odoo: log in again first)",
            ", ".join(f"{n}x {k}" for k, n in sorted(tally(retried.values()).items())) or "-",
            f"{sum(counts)} ballots of {sum(1 for c in counts if c)} voters; "
            f"urn slots used {used0}->{used2}",
            {
                "every retry succeeded": good == len(failed),
                "every voter has exactly 3 ballots": all(c == 3 for c in counts),
                "one urn slot per voter": used2 - used0 == len(voters),
                "urn slots = secret participations per college": not secret,
                "audit chain verifies": verified,
                "every ballot linked, chain indexes contiguous": contiguous,
            },
        )

    def odoo_answers(self):
        """A request that reaches the database, as a member's page does."""
        try:
            self.admin.call("res.users", "read", [2], ["login"])
            return True
        except (RpcError, requests.RequestException):
            return False

    # -- global --------------------------------------------------------------------------
    def global_checks(self):
        dup_members = self.db.rows(
            """SELECT company_id, member_number, COUNT(*) FROM coop_member
                WHERE member_number IS NOT NULL GROUP BY 1, 2 HAVING COUNT(*) > 1"""
        )
        dup_operations = self.db.rows(
            """SELECT company_id, name, COUNT(*) FROM coop_share_operation
                WHERE name IS NOT NULL AND name != '/' GROUP BY 1, 2 HAVING COUNT(*) > 1"""
        )
        dup_chain = self.db.rows(
            """SELECT assembly_id, chain_index, COUNT(*) FROM coop_ballot
                WHERE chain_index IS NOT NULL GROUP BY 1, 2 HAVING COUNT(*) > 1"""
        )
        # A subscription paid without its register operation, or the reverse.
        half_paid = self.db.rows(
            """SELECT r.name FROM coop_subscription_request r
                 JOIN account_move m ON m.id = r.invoice_id
                WHERE (m.payment_state IN ('paid', 'in_payment')) != (r.state = 'paid')
                   OR (r.state = 'paid') != (r.operation_id IS NOT NULL)"""
        )
        half_refunded = self.db.rows(
            """SELECT name FROM coop_redemption_request
                WHERE (state = 'paid') != (payment_id IS NOT NULL)"""
        )
        self.report.add(
            "(global)",
            "whole database",
            "-",
            f"{len(dup_members)} doubled member numbers, {len(dup_operations)} doubled "
            f"operation numbers, {len(dup_chain)} doubled chain indexes",
            {
                "no duplicate member_number per company": not dup_members,
                "no duplicate operation number per company": not dup_operations,
                "no duplicate chain_index per assembly": not dup_chain,
                f"subscriptions paid <=> register operation {half_paid}": not half_paid,
                f"redemptions paid <=> payment {half_refunded}": not half_refunded,
            },
        )


def tally(outcomes):
    counts = {}
    for outcome in outcomes:
        counts[str(outcome)] = counts.get(str(outcome), 0) + 1
    return counts


def log_length(server):
    return len(server.log.read_text(errors="replace").splitlines()) if server.log.exists() else 0


LOG_ENTRY_RE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (\w+) \S+ (\S+): (.*)")


def log_errors(server, start=0, stop=None):
    """{summary: count} of the ERROR/CRITICAL entries Odoo logged between two line counts.

    A summary is the logger, the entry's first line and its cause: PostgreSQL's
    ``ERROR:`` line of a failed query, or the last line of a traceback.
    """
    lines = server.log.read_text(errors="replace").splitlines() if server.log.exists() else []
    entries, current = [], None
    for line in lines[start:stop]:
        match = LOG_ENTRY_RE.match(line)
        if match:
            current = None
            if match.group(1) in ("ERROR", "CRITICAL"):
                message = " ".join(match.group(3).replace("\\n", " ").split())
                current = [f"{match.group(2)}: {message[:70]}", ""]
                entries.append(current)
        elif (
            current is not None
            and line.strip()
            and (line.startswith("ERROR:") or not current[1].startswith("ERROR:"))
        ):
            current[1] = " ".join(line.split())[:110]
    return tally(f"{head} … {cause}" if cause else head for head, cause in entries)


def wait_for_quiet_machine(poll=20):
    """A PostgreSQL restart hits everyone on this machine: not during a load test (but a
    ``make loadtest`` that runs this script is no reason to wait)."""
    ours = {os.getpid(), *(p.pid for p in psutil.Process().parents())}
    while True:
        busy = []
        for pattern in ("locust", "make loadtest"):
            found = subprocess.run(  # noqa: S603
                ["pgrep", "-f", pattern],  # noqa: S607
                capture_output=True,
                text=True,
                check=False,
            ).stdout.split()
            if set(map(int, found)) - ours:
                busy.append(pattern)
        if not busy:
            return
        print(f"faults: waiting for {', '.join(busy)} to end before restarting PostgreSQL")
        time.sleep(poll)


# ----------------------------------------------------------------------------------------
def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    parser.add_argument("--port", type=int, default=8290)
    parser.add_argument("--burst", type=int, default=BURST)
    parser.add_argument("--no-restart", action="store_true", help="skip the PostgreSQL restart")
    parser.add_argument("--prepare", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.prepare:
        print(json.dumps(prepare(args.config, args.database, args.burst)))
        return 0

    print(f"faults: preparing the data in {args.database}")
    data = run_prepare(args.config, args.database, args.burst)
    report = Report()
    db = Db(args.database)
    server = LiveOdoo(args.config, args.database, args.port)
    print(f"faults: starting Odoo with {server.workers} workers on {server.base_url}")
    unexpected, expected = {}, {}
    try:
        with server:
            faults = Faults(server, db, data, report)
            scenarios = [
                faults.kill_vote,
                faults.kill_subscription_payment,
                faults.kill_redemption_payment,
                faults.kill_export,
            ]
            if not args.no_restart:
                scenarios.append(faults.restart_during_burst)
            for scenario in scenarios:
                print(f"faults: {scenario.__name__}")
                try:
                    scenario()
                except Exception as error:  # noqa: BLE001 - reported as a failed row
                    report.add(scenario.__name__, "-", "-", "-", {f"ran ({error!r})": False})
            faults.global_checks()
            # Errors are expected from the burst of votes on (concurrent votes on one
            # assembly are serialised: Odoo logs, then retries, the losers' failed query),
            # and from the PostgreSQL restart; never before: the kills log nothing.
            cut = faults.burst_log_line
            unexpected = log_errors(server, 0, cut)
            expected = log_errors(server, cut) if cut is not None else {}
            report.add(
                "(Odoo log)",
                "ERROR entries of the server",
                "-",
                f"{sum(unexpected.values())} before the burst of votes, "
                f"{sum(expected.values())} from it on",
                {"no ERROR but those of the burst and the restart": not unexpected},
            )
    finally:
        db.close()
    table = report.table()
    print()
    print(table)
    print()
    log_text = "\n".join(
        [f"- {n} x {summary} (before the burst: unexpected)" for summary, n in unexpected.items()]
        + [f"- {n} x {summary}" for summary, n in sorted(expected.items())]
    )
    print("Odoo ERROR entries:\n" + (log_text or "none"))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        "# Fault injection (`make faults`)\n\n"
        f"{time.strftime('%Y-%m-%d %H:%M')}: Odoo with {server.workers} HTTP workers and a "
        f"cron worker, database `{args.database}` with demo data. The technique is explained "
        "at the top of `tests/bench/faults.py`.\n\n"
        f"{table}\n\n"
        "## Odoo ERROR entries\n\n" + (log_text or "None.") + "\n"
    )
    where = RESULTS.relative_to(HERE.parents[1])
    print(f"faults: {'OK' if report.ok else 'FAILED'} (table in {where})")
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
