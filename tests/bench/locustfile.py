"""Locust scenario of `make loadtest` (runs in .venv-load, see requirements-load.txt).

The people of a general assembly's last hour, against a real multi-process Odoo:
- voters (the burst): each Locust user takes the next member of the census, already logged
  in (a session opened before the run, as members do during the day), opens the assembly,
  confirms and casts a vote on every resolution; one in 25 gives a proxy instead;
- members of the other cooperatives log in (Odoo's password check) and read their
  pages (/my/cooperative, /my, /my/assemblies);
- members of the large cooperative (already logged in) open the members' proposals,
  one proposal (half of them the one with 5,000 co-signatures and 200 versions) and
  co-sign it (issue 24);
- portal users without membership read Odoo's own /my (the reference);
- officers open the back office (Odoo's /web) and search members over JSON-RPC;
- the accountant exports the register of members and movements (XLSX).

Every outcome a client saw (vote accepted with a receipt, refused, failed) is written to
LOAD_OUTCOME at the end, for the checks against the database.
"""

import base64
import hmac
import json
import os
import random
import re
import struct
import time
from datetime import date
from urllib.parse import urlsplit

from gevent.event import Event
from gevent.queue import Empty, Queue
from locust import FastHttpUser, between, constant, events, task
from locust.exception import StopUser

ACCOUNTS = json.loads(open(os.environ["LOAD_ACCOUNTS"]).read())  # noqa: SIM115
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
PROXY_EVERY = 25

voter_queue = Queue()
for _account in ACCOUNTS["voters"]:
    voter_queue.put(_account)
logins = {role: Queue() for role in ("readers", "reference", "officer", "accountant")}
for _role, _queue in logins.items():
    for _login in ACCOUNTS[_role]:
        _queue.put(_login)
cosigner_queue = Queue()
for _account in ACCOUNTS.get("cosigners", []):
    cosigner_queue.put(_account)
# The users who log in at start (password check, and the staff's second factor) do so
# first; the users with a session opened before the run wait for them, so that every route,
# Odoo's /my included, is measured over the same period and load (otherwise the burst's
# first minute, slowed down by the logins, has no reference to compare with).
logins_pending = {"count": None}
logged_in = Event()
LOGIN_WAIT = 180
outcome = {
    "burst_start": None,
    "accepted": {},
    "refused": {},
    "failed": [],
    "proxies": {},
    "proxy_failed": [],
    "signatures": {},
    "sign_failed": [],
}


def choices_of(voter_id, resolutions):
    """The voter's choices: reproducible from the voter id, so the checks can recount."""
    rng = random.Random(voter_id)
    return {str(r): rng.choice(("yes", "yes", "no", "abstain")) for r in resolutions}


def _env(name, default):
    """A user count from the environment (0 leaves that kind of user out)."""
    value = os.environ.get(name, "")
    return int(value) if value.strip() else default


@events.quitting.add_listener
def _write_outcome(environment, **_kw):
    if outcome["burst_start"]:
        outcome["burst_seconds"] = round(time.time() - outcome["burst_start"])
    with open(os.environ["LOAD_OUTCOME"], "w") as out:
        json.dump(outcome, out)


def _login_done():
    """One user who logs in at start is done (logged in or not)."""
    if logins_pending["count"] is None:
        logins_pending["count"] = sum(cls.fixed_count for cls in LoggedIn.__subclasses__())
    logins_pending["count"] -= 1
    if logins_pending["count"] <= 0:
        _open_burst()


def _open_burst():
    if not logged_in.is_set():
        outcome["burst_start"] = time.time()
        logged_in.set()


def _wait_for_logins():
    """Users with a session opened before the run start once the others are logged in."""
    if not any(cls.fixed_count for cls in LoggedIn.__subclasses__()):
        _open_burst()
    logged_in.wait(timeout=LOGIN_WAIT)
    _open_burst()


def totp_code(secret, at=None):
    """The authenticator app's code (RFC 6238: SHA-1, 6 digits, 30 s), as Odoo checks it."""
    counter = int((time.time() if at is None else at) // 30)
    mac = hmac.new(base64.b32decode(secret), struct.pack(">Q", counter), "sha1").digest()
    offset = mac[-1] & 0xF
    code = (struct.unpack_from(">I", mac, offset)[0] & 0x7FFFFFFF) % 1_000_000
    return f"{code:06d}"


class LoggedIn(FastHttpUser):
    """A user who logs in through Odoo's login form at start."""

    abstract = True
    role = None

    def on_start(self):
        try:
            self.log_in()
        finally:
            _login_done()

    def log_in(self):
        try:
            login = logins[self.role].get_nowait()
        except Empty:
            raise StopUser() from None
        page = self.client.get("/web/login", name="login: GET /web/login")
        token = CSRF.search(page.text or "")
        with self.client.post(
            "/web/login",
            data={
                "login": login,
                "password": ACCOUNTS["password"],
                "csrf_token": token.group(1) if token else "",
                "redirect": self.landing,
            },
            name="login: POST /web/login",
            catch_response=True,
        ) as response:
            url = response.url or ""
            if "/web/login/totp" in url and response.status_code == 200:
                # Staff: Odoo asks for the second factor (auth_totp_mail_enforce); they
                # use an authenticator app (its secret set by loadtest.py).
                token = CSRF.search(response.text or "")
                totp_url = urlsplit(url)
                self.second_factor(login, f"{totp_url.path}?{totp_url.query}", token)
            elif response.status_code != 200 or "/web/login" in url:
                response.failure(f"login of {login} refused")
                raise StopUser()

    def second_factor(self, login, url, token):
        with self.client.post(
            url,
            data={
                "totp_token": totp_code(ACCOUNTS["totp_secret"]),
                "csrf_token": token.group(1) if token else "",
            },
            name="login: POST /web/login/totp (staff)",
            catch_response=True,
        ) as response:
            if response.status_code != 200 or "/web/login" in (response.url or ""):
                response.failure(f"second factor of {login} refused")
                raise StopUser()

    def rpc(self, model, method, name, args=(), **kwargs):
        kwargs.setdefault("context", {"allowed_company_ids": [ACCOUNTS["company_id"]]})
        with self.client.post(
            f"/web/dataset/call_kw/{model}/{method}",
            json={
                "jsonrpc": "2.0",
                "method": "call",
                "params": {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
            },
            name=name,
            catch_response=True,
        ) as response:
            body = response.json() if response.status_code == 200 else {}
            if "error" in body or "result" not in body:
                response.failure(str(body.get("error", {}).get("message", "no result"))[:200])
                return None
            return body["result"]

    def page(self, url, name, marker):
        with self.client.get(url, name=name, catch_response=True) as response:
            if response.status_code == 200 and marker not in (response.text or ""):
                response.failure(f"{url}: {marker!r} missing from the page")


class Voter(FastHttpUser):
    """Member after member of the census: open the assembly, confirm, cast."""

    fixed_count = _env("LOAD_VOTERS", 24)
    wait_time = constant(0)

    def on_start(self):
        _wait_for_logins()

    @task
    def vote(self):
        try:
            account = voter_queue.get_nowait()
        except Empty:
            raise StopUser() from None
        voter = account["voter"]
        headers = {"Cookie": f"session_id={account['sid']}"}
        base = f"/my/assemblies/{voter}"
        with self.client.get(
            base, name="/my/assemblies/<voter>", headers=headers, catch_response=True
        ) as response:
            token = CSRF.search(response.text or "") if response.status_code == 200 else None
            if not token:
                response.failure("no vote form")
                outcome["failed"].append(voter)
                return
        if account.get("holder"):
            return self.give_proxy(account, headers, base)
        choices = choices_of(voter, account["resolutions"])
        form = {f"choice_{r}": c for r, c in choices.items()}
        with self.client.post(
            f"{base}/vote",
            data={**form, "csrf_token": token.group(1)},
            headers=headers,
            name="vote: confirmation page",
            catch_response=True,
        ) as response:
            token = CSRF.search(response.text or "") if response.status_code == 200 else None
            if not token or 'name="confirm"' not in response.text:
                response.failure("no confirmation form")
                outcome["failed"].append(voter)
                return
        with self.client.post(
            f"{base}/vote",
            data={**form, "confirm": "1", "csrf_token": token.group(1)},
            headers=headers,
            name="vote: cast",
            catch_response=True,
        ) as response:
            if response.status_code == 200 and "o_coop_receipt" in (response.text or ""):
                outcome["accepted"][str(voter)] = choices
            elif response.status_code == 200:
                alert = re.search(r'role="alert"[^>]*>(.*?)<', response.text or "", re.S)
                outcome["refused"][str(voter)] = alert.group(1).strip() if alert else "?"
                response.failure("vote refused")
            else:
                outcome["failed"].append(voter)

    def give_proxy(self, account, headers, base):
        holder = account["holder"]
        with self.client.get(
            f"{base}/proxy?q={account['holder_number']}",
            headers=headers,
            name="proxy: search holder",
            catch_response=True,
        ) as response:
            token = CSRF.search(response.text or "") if response.status_code == 200 else None
            if not token or f'value="{holder}"' not in response.text:
                response.failure("proxy holder not found")
                outcome["proxy_failed"].append(account["voter"])
                return
        with self.client.post(
            f"{base}/proxy",
            data={"holder_id": str(holder), "csrf_token": token.group(1)},
            headers=headers,
            name="proxy: give",
            catch_response=True,
            allow_redirects=False,  # the assembly page it redirects to is not this route
        ) as response:
            location = response.headers.get("Location") or ""
            if response.status_code == 303 and "proxy_given" in location:
                outcome["proxies"][str(account["voter"])] = holder
            else:
                response.failure("proxy refused")
                outcome["proxy_failed"].append(account["voter"])


class ProposalCosigner(FastHttpUser):
    """A member of the large cooperative: the proposals, one proposal, co-signs it."""

    fixed_count = _env("LOAD_PROPOSALS", 4)
    wait_time = between(0.5, 2)

    def on_start(self):
        _wait_for_logins()

    @task
    def cosign(self):
        try:
            account = cosigner_queue.get_nowait()
        except Empty:
            raise StopUser() from None
        member, proposal = account["member"], account["proposal"]
        headers = {"Cookie": f"session_id={account['sid']}"}
        url = f"/my/proposals/{proposal}"
        with self.client.get(
            "/my/proposals", name="proposals: list", headers=headers, catch_response=True
        ) as response:
            if response.status_code == 200 and f'href="{url}"' not in (response.text or ""):
                response.failure("the proposal is missing from the list")
        with self.client.get(
            url, name="proposals: page", headers=headers, catch_response=True
        ) as response:
            body = (response.text or "") if response.status_code == 200 else ""
            token = CSRF.search(body)
            if not token or "Co-sign this proposal" not in body:
                response.failure("no co-signature form")
                outcome["sign_failed"].append(member)
                return
        with self.client.post(
            f"{url}/sign",
            data={"csrf_token": token.group(1)},
            headers=headers,
            name="proposals: sign",
            catch_response=True,
            allow_redirects=False,  # the proposal page it redirects to is measured above
        ) as response:
            location = response.headers.get("Location") or ""
            if response.status_code == 303 and "message=signed" in location:
                outcome["signatures"][str(member)] = proposal
            else:
                response.failure("co-signature refused")
                outcome["sign_failed"].append(member)


class MemberReader(LoggedIn):
    """A member of another cooperative: logs in, reads their pages."""

    fixed_count = _env("LOAD_READERS", 10)
    wait_time = between(0.5, 2)
    role = "readers"
    landing = "/my/cooperative"

    @task(3)
    def cooperative(self):
        self.page("/my/cooperative", "portal /my/cooperative", "o_coop_history")

    @task(2)
    def home(self):
        self.page("/my", "portal /my (member)", "o_coop_home")

    @task(1)
    def assemblies(self):
        self.page("/my/assemblies", "portal /my/assemblies", "o_portal_wrap")


class OdooReference(LoggedIn):
    """A portal user without membership: Odoo's own /my, the reference."""

    fixed_count = _env("LOAD_REFERENCE", 4)
    wait_time = between(0.5, 2)
    role = "reference"
    landing = "/my"

    @task
    def home(self):
        self.page("/my", "Odoo /my (no membership)", "o_portal_wrap")


class Officer(LoggedIn):
    """Back office: Odoo's /web, and member searches over JSON-RPC."""

    fixed_count = _env("LOAD_OFFICERS", 3)
    wait_time = between(1, 3)
    role = "officer"
    landing = "/web"

    @task(1)
    def backend(self):
        self.page("/web", "Odoo /web (back office)", "odoo.__session_info__")

    @task(3)
    def search_members(self):
        term = f"Bench member {random.randint(1, 120_000)}"  # noqa: S311
        self.rpc(
            "coop.member",
            "web_search_read",
            "officer: search members (JSON-RPC)",
            domain=["|", ("partner_id", "ilike", term), ("member_number", "ilike", term)],
            specification={
                "member_number": {},
                "partner_id": {"fields": {"display_name": {}}},
                "college_id": {"fields": {"display_name": {}}},
                "state": {},
                "share_count": {},
            },
            limit=80,
        )


class Accountant(LoggedIn):
    """The accountant exports the register of members and movements."""

    fixed_count = _env("LOAD_ACCOUNTANTS", 1)
    wait_time = between(20, 40)
    role = "accountant"
    landing = "/web"

    @task
    def export_register(self):
        wizard = self.rpc(
            "coop.capital.report.wizard",
            "create",
            "accountant: register export (create)",
            [
                {
                    "report": "register_xlsx",
                    "company_ids": [[6, 0, [ACCOUNTS["company_id"]]]],
                    "date_from": "2015-01-01",
                    "date_to": date.today().isoformat(),
                }
            ],
        )
        if not wizard:
            return
        action = self.rpc(
            "coop.capital.report.wizard",
            "action_print",
            "accountant: register export (print XLSX)",
            [wizard],
        )
        if not action:
            return
        with self.client.get(
            action["url"], name="accountant: register XLSX download", catch_response=True
        ) as response:
            if response.status_code == 200 and not (response.content or b"").startswith(b"PK"):
                response.failure("not an XLSX file")
