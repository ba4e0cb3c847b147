"""Voting, giving a proxy, co-signing and answering polls with the keyboard alone
(issue #24 §5), with 0 axe-core violations of any impact on those pages.

A tour clicks and types through the DOM; these tests drive Odoo's test Chromium the way a
person at a keyboard does instead: real key presses through the DevTools protocol
(``Input.dispatchKeyEvent``: Tab, Enter, Space, arrows), so the browser itself moves the
focus, checks the radio buttons and submits the forms. At each Tab the test reads
``document.activeElement``: the controls of the form are reached in their order, and every
element that takes the focus shows it (a visible outline or shadow that it does not have
unfocused). What was done is then checked in the database, as the member left it.
"""

import json
import time
from datetime import timedelta

from odoo import fields
from odoo.tests import ChromeBrowser, tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from . import test_portal_accessibility as a11y
from .common import CoopPortalCase

# key: (windowsVirtualKeyCode, code, text typed)
KEYS = {
    "Tab": (9, "Tab", ""),
    "Enter": (13, "Enter", "\r"),
    " ": (32, "Space", " "),
    "ArrowDown": (40, "ArrowDown", ""),
    "ArrowRight": (39, "ArrowRight", ""),
}

# Loaded, Odoo's lazy scripts too (until then Odoo holds back form submissions).
SETTLED = """
document.readyState === "complete" && !window.coopKbOldPage
    && !document.querySelector("script[data-src]")
    && !document.body.classList.contains("o_lazy_js_waiting")
"""

# Installed on each page once settled: the focus ring of every focusable element before
# anything has the focus (to compare with its look once focused); no transitions, so that
# the focused look is read as it ends up.
PREPARE = """
(() => {
    const style = document.createElement("style");
    style.textContent = "*, *::before, *::after { transition: none !important; }";
    document.head.append(style);
    document.activeElement && document.activeElement.blur && document.activeElement.blur();
    // Requests in flight: a form is sent once they are answered (a page left meanwhile
    // logs "Failed to fetch", which fails the browser test).
    if (!window.coopKbInflight) {
        window.coopKbInflight = { count: 0 };
        const fetch = window.fetch;
        window.fetch = (...args) => {
            window.coopKbInflight.count++;
            return fetch(...args).finally(() => window.coopKbInflight.count--);
        };
    }
    const ring = (el) => {
        const s = getComputedStyle(el);
        return `${s.outlineStyle} ${s.outlineWidth} ${s.outlineColor} | ${s.boxShadow}`;
    };
    window.coopKbRing = ring;
    window.coopKbUnfocused = new Map();
    const focusable =
        "a[href], button, input, select, textarea, summary, [tabindex], [contenteditable=true]";
    for (const el of document.querySelectorAll(focusable)) {
        window.coopKbUnfocused.set(el, ring(el));
    }
    return true;
})()
"""

# What has the focus, and whether it shows it.
FOCUSED = """
(() => {
    const el = document.activeElement;
    if (!el || el === document.body) {
        return JSON.stringify(null);
    }
    const s = getComputedStyle(el);
    const transparent = (color) => /rgba\\(.*,\\s*0\\)$|transparent/.test(color);
    const outline = s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0
        && !transparent(s.outlineColor);
    const shadowColor = s.boxShadow.match(/rgba?\\([^)]*\\)/)?.[0] || "";
    const shadowSizes = s.boxShadow.replace(/rgba?\\([^)]*\\)/g, "");
    const shadow = s.boxShadow !== "none" && /[1-9]/.test(shadowSizes) && !transparent(shadowColor);
    const before = window.coopKbUnfocused.get(el);
    return JSON.stringify({
        key: el.id || el.name && `${el.name}=${el.value}`
            || (el.textContent || "").trim().slice(0, 60) || el.tagName,
        tag: el.tagName.toLowerCase(),
        type: el.type || "",
        form: el.form ? el.form.getAttribute("action") : null,
        checked: !!el.checked,
        value: el.value || "",
        visible: (outline || shadow) && window.coopKbRing(el) !== before,
        ring: window.coopKbRing(el),
        before: before || "not focusable at load",
        role: el.getAttribute("role") || "",
        labelledby: el.getAttribute("aria-labelledby") || "",
        html: el.outerHTML.slice(0, 160),
    });
})()
"""


class KeyboardBrowser:
    """Odoo's test Chromium driven by key presses, signed in as ``login``."""

    def __init__(self, case, login):
        self.case = case
        self.browser = ChromeBrowser(case)
        case.authenticate(login, login, browser=self.browser)
        case.cr.flush()
        case.cr.clear()

    def stop(self):
        self.browser.stop()
        self.case._wait_remaining_requests()

    def evaluate(self, expression, timeout=30):
        answer = self.browser._websocket_request(
            "Runtime.evaluate",
            params={"expression": expression, "awaitPromise": True, "returnByValue": True},
            timeout=timeout,
        )
        if "exceptionDetails" in answer:
            raise AssertionError(f"script failed: {answer['exceptionDetails']}")
        return answer["result"].get("value")

    def settle(self, what):
        self.case.assertTrue(self.browser._wait_ready(SETTLED, timeout=30), f"{what} never loaded")
        self.evaluate(PREPARE)

    def open(self, path):
        self.browser.navigate_to(self.case.base_url() + path, wait_stop=True)
        self.settle(path)

    def press(self, key, shift=False):
        code, name, text = KEYS[key]
        event = {
            "key": key,
            "code": name,
            "windowsVirtualKeyCode": code,
            "nativeVirtualKeyCode": code,
            "modifiers": 8 if shift else 0,
        }
        down = dict(event, type="keyDown", text=text) if text else dict(event, type="rawKeyDown")
        self.browser._websocket_request("Input.dispatchKeyEvent", params=down)
        self.browser._websocket_request("Input.dispatchKeyEvent", params=dict(event, type="keyUp"))

    def type(self, text):
        self.browser._websocket_request("Input.insertText", params={"text": text})

    def focused(self):
        return json.loads(self.evaluate(FOCUSED))

    def tab_to(self, predicate, what, limit=80):
        """Press Tab until ``predicate(focused)``; every element met shows its focus.
        Returns the focused elements met, in order."""
        met = []
        for _i in range(limit):
            self.press("Tab")
            focused = self.focused()
            self.case.assertTrue(focused, f"Tab left the page before reaching {what}")
            self.case.assertTrue(
                focused["visible"],
                f"no visible focus on {focused['html']}: "
                f"{focused['ring']} (unfocused: {focused['before']})",
            )
            met.append(focused)
            if predicate(focused):
                return met
        raise AssertionError(f"{limit} presses of Tab never reached {what}: {met[-5:]}")

    def submit_with(self, key, what):
        """Press ``key`` on the focused button; wait for the page it leads to."""
        idle = "window.coopKbInflight.count === 0"
        self.case.assertTrue(self.browser._wait_ready(idle, timeout=30), f"busy before {what}")
        self.evaluate("window.coopKbOldPage = true")
        self.press(key)
        deadline = time.time() + 30
        while time.time() < deadline:
            try:
                settled = self.evaluate(SETTLED)
            except (AssertionError, TimeoutError):
                settled = False  # the old page is going away
            if settled:
                self.evaluate(PREPARE)
                return
            time.sleep(0.1)
        raise AssertionError(f"pressing {key} did not lead anywhere ({what})")

    def axe_violations(self, axe_source):
        """axe-core's violations of any impact on the current page."""
        self.evaluate(f"(() => {{ {axe_source}\n }})(); true", timeout=60)
        found = self.evaluate(
            """axe.run(document, { resultTypes: ["violations"] }).then((r) => JSON.stringify(
                r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} — `
                    + v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "))))""",
            timeout=60,
        )
        return json.loads(found)


def control(focused, form_action):
    """A focused control of the form posting to ``form_action``."""
    return focused["form"] == form_action and focused["tag"] in ("input", "select", "button")


@tagged("post_install", "-at_install")
class TestPortalKeyboard(CoopPortalCase):
    """Members vote, give a proxy, co-sign and answer polls with the keyboard alone."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        axe = a11y.repo_root() / a11y.AXE_PATH
        cls.axe_source = axe.read_text(encoding="utf-8") if axe.is_file() else None

    def setUp(self):
        super().setUp()
        if not self.axe_source:
            self.fail(f"{a11y.AXE_PATH} is missing: run `npm ci` (make test does it)")

    def keyboard(self, login):
        browser = KeyboardBrowser(self, login)
        self.addCleanup(browser.stop)
        return browser

    def assertNoAxeViolation(self, browser, page):
        violations = browser.axe_violations(self.axe_source)
        where = browser.evaluate("`${location.pathname} ${document.title}`")
        self.assertFalse(
            violations, f"{page} ({where}): axe-core violations:\n" + "\n".join(violations)
        )

    def _controls(self, met, action):
        return [f["key"] for f in met if control(f, action)]

    def test_bernard_votes_with_the_keyboard(self):
        """Bernard tabs through the vote form in the order of the agenda, picks For with
        Space and Against with an arrow, checks and confirms his vote with Enter: both
        ballots are stored, nothing for the resolutions he left."""
        resolutions = self.open_votes()
        voter = self.voter(self.member_bernard)
        action = f"/my/assemblies/{voter.id}/vote"
        # Tab stops: one per candidate of an election, one per group of For/Against/Abstain.
        expected = []
        for resolution in resolutions:
            if resolution.kind == "election":
                candidacies = resolution.candidacy_ids.filtered(lambda c: c.state == "submitted")
                expected += [f"me_choice_{resolution.id}_{c.id}" for c in candidacies]
            else:
                expected.append(f"me_choice_{resolution.id}_yes")
        motions = resolutions.filtered(lambda r: r.kind != "election")
        first, second = motions[:2]
        kb = self.keyboard("bernard")
        kb.open(f"/my/assemblies/{voter.id}")
        self.assertNoAxeViolation(kb, "vote page")
        stops = []
        while True:
            focused = kb.tab_to(lambda f: f["form"] == action, "the vote form's next control")[-1]
            if focused["tag"] == "button":
                break
            stops.append(focused["key"])
            if focused["key"] == f"me_choice_{first.id}_yes":
                kb.press(" ")
                self.assertTrue(kb.focused()["checked"], "Space ticks For")
            elif focused["key"] == f"me_choice_{second.id}_yes":
                kb.press("ArrowRight")
                focused = kb.focused()
                self.assertEqual(
                    (focused["key"], focused["checked"]), (f"me_choice_{second.id}_no", True)
                )
        self.assertEqual(stops, expected)
        self.assertIn("Check my vote", focused["key"])
        kb.submit_with("Enter", "Check my vote")
        self.assertNoAxeViolation(kb, "vote confirmation")
        kb.tab_to(lambda f: "Confirm my vote" in f["key"], "Confirm my vote")
        kb.submit_with("Enter", "Confirm my vote")
        self.assertNoAxeViolation(kb, "vote receipt")
        self.env.invalidate_all()
        ballots = self.env["coop.ballot"].search([("voter_id", "=", voter.id)])
        self.assertEqual(
            {(b.resolution_id, b.choice) for b in ballots & motions.ballot_ids},
            {(first, "yes"), (second, "no")},
        )
        # Cast by Bernard himself, online (not as anyone's proxy holder).
        self.assertEqual(set(ballots.mapped("channel")), {"online"})
        self.assertFalse(ballots.cast_by_id)

    def test_bernard_drafts_with_the_keyboard(self):
        """Bernard types his proposal's title, text and rationale with the keyboard alone:
        Tab reaches the website editor's two areas (named by their labels, focus shown)
        and leaves them again; Enter on "Save the draft" stores the text as HTML."""
        kb = self.keyboard("bernard")
        kb.open("/my/proposals/new")
        ready = "!!document.querySelector('.o_coop_editor_ready')"
        self.assertTrue(kb.browser._wait_ready(ready, timeout=30), "the editor never loaded")
        kb.evaluate(PREPARE)  # the editor's areas, unfocused
        kb.tab_to(lambda f: f["key"] == "coop_proposal_name", "the title")
        kb.type("Un jardin")
        met = kb.tab_to(lambda f: f["role"] == "textbox", "the text")
        self.assertEqual(met[-1]["labelledby"], "coop_proposal_body_label")
        self.assertEqual(len(met), 1, "the text comes right after the title")
        kb.type("Créer un jardin partagé.")
        met = kb.tab_to(lambda f: f["role"] == "textbox", "the rationale")
        self.assertEqual(met[-1]["labelledby"], "coop_proposal_rationale_label")
        kb.type("Pour cultiver ensemble.")
        kb.tab_to(lambda f: "Save the draft" in f["key"], "Save the draft")
        kb.submit_with("Enter", "Save the draft")
        # The draft's edit page opens with the text back in the editor.
        self.assertTrue(kb.browser._wait_ready(ready, timeout=30), "no editor after saving")
        text = kb.evaluate(
            "document.querySelector('[aria-labelledby=coop_proposal_body_label]').textContent"
        )
        self.assertEqual(text, "Créer un jardin partagé.")
        self.env.invalidate_all()
        proposal = self.env["coop.proposal"].search([("author_id", "=", self.member_bernard.id)])
        self.assertEqual(proposal.name, "Un jardin")
        self.assertIn("<p>Créer un jardin partagé.</p>", proposal.body)
        self.assertIn("<p>Pour cultiver ensemble.</p>", proposal.rationale)

    def test_romain_gives_his_proxy_with_the_keyboard(self):
        """Romain searches Bernard by name and gives him his proxy with Tab and Enter."""
        romain, bernard = self.voter(self.member_romain), self.voter(self.member_bernard)
        kb = self.keyboard("romain")
        kb.open(f"/my/assemblies/{romain.id}/proxy")
        self.assertNoAxeViolation(kb, "proxy page")
        kb.tab_to(lambda f: f["key"] == "coop_proxy_q", "the search field")
        kb.type("Roux")
        kb.submit_with("Enter", "search")
        self.assertNoAxeViolation(kb, "proxy page with Bernard found")
        met = kb.tab_to(lambda f: f["tag"] == "button" and "Give my proxy" in f["key"], "Give")
        self.assertIn("Bernard Roux", met[-1]["key"])
        # The search field and its button come before the members found.
        keys = [f["key"] for f in met]
        self.assertLess(keys.index("coop_proxy_q"), keys.index("Search"))
        kb.submit_with("Enter", "Give my proxy")
        self.assertNoAxeViolation(kb, "assembly page after the proxy")
        self.env.invalidate_all()
        self.assertEqual(romain.proxy_holder_id, bernard)

    def test_romain_cosigns_with_the_keyboard(self):
        """Romain tabs to "Co-sign this proposal" on Bernard's proposal and presses Enter:
        his signature is stored; then he withdraws it with Space."""
        with superuser_setup("arrange: a high threshold, so the proposal stays open"):
            self.member_bernard.company_id.write(
                {"coop_proposal_threshold_type": "count", "coop_proposal_threshold_count": 5}
            )
        Proposal = self.env["coop.proposal"].with_user(self.user_bernard)
        proposal = Proposal._member_create(
            self.member_bernard, {"name": "Un jardin", "body": "<p>Un <b>jardin</b>.</p>"}
        )
        proposal._member_publish(self.member_bernard)
        kb = self.keyboard("romain")
        url = f"/my/proposals/{proposal.id}"
        kb.open(url)
        self.assertNoAxeViolation(kb, "proposal page")
        kb.tab_to(lambda f: f["form"] == f"{url}/sign", "Co-sign this proposal")
        self.assertIn("Co-sign this proposal", kb.focused()["key"])
        kb.submit_with("Enter", "Co-sign")
        self.assertNoAxeViolation(kb, "proposal page once signed")
        self.env.invalidate_all()
        signature = proposal.signature_ids
        self.assertEqual(signature.member_id, self.member_romain)
        self.assertEqual(proposal.signature_count, 1)
        kb.tab_to(lambda f: "Withdraw my signature" in f["key"], "Withdraw my signature")
        kb.submit_with(" ", "Withdraw")
        self.env.invalidate_all()
        self.assertEqual(proposal.signature_count, 0)

    def _poll(self, choice_type, options):
        now = fields.Datetime.now()
        poll = (
            self.env["coop.poll"]
            .with_user(self.gov_officer)
            .create(
                {
                    "name": f"Poll {choice_type}",
                    "company_id": self.member_romain.company_id.id,
                    "choice_type": choice_type,
                    "date_open": now - timedelta(hours=1),
                    "date_close": now + timedelta(days=7),
                    "anonymous": False,
                    "option_ids": [(0, 0, {"name": name}) for name in options],
                }
            )
        )
        poll.action_open()
        return poll

    def _response(self, poll, member):
        self.env.invalidate_all()
        response = self.env["coop.poll.response"].search(
            [("poll_id", "=", poll.id), ("member_id", "=", member.id)]
        )
        return {line.option_id.name: line.value for line in response.line_ids}

    def test_romain_answers_polls_with_the_keyboard(self):
        """Romain picks an answer with the arrows, ranks options in select boxes and blocks
        a consent proposal with his reason, sending each with Enter: his answers are
        stored as he gave them."""
        single = self._poll("single", ["Solar roof", "Wind farm", "Heat network"])
        ranked = self._poll("ranked", ["Solar roof", "Wind farm", "Heat network"])
        consent = self._poll("consent", [])
        member = self.member_romain
        kb = self.keyboard("romain")
        # One choice: Tab reaches the group on its first option, an arrow moves to the next.
        url = f"/my/polls/{single.id}/{member.id}"
        kb.open(url)
        self.assertNoAxeViolation(kb, "single choice poll")
        kb.tab_to(lambda f: control(f, url), "the options")
        kb.press("ArrowDown")
        self.assertTrue(kb.focused()["checked"], "the arrow ticks Wind farm")
        met = kb.tab_to(lambda f: f["tag"] == "button" and f["form"] == url, "Send my answer")
        self.assertIn("Send my answer", met[-1]["key"])
        kb.submit_with("Enter", "Send my answer")
        self.assertNoAxeViolation(kb, "single choice poll answered")
        self.env.invalidate_all()
        answers = self.env["coop.poll.answer"].search(
            [("poll_id", "=", single.id), ("member_id", "=", member.id)]
        )
        self.assertEqual(answers.option_id.name, "Wind farm")
        # Ranked: one select box per option, in order; arrows pick the rank.
        url = f"/my/polls/{ranked.id}/{member.id}"
        kb.open(url)
        self.assertNoAxeViolation(kb, "ranked poll")
        solar, wind, heat = ranked.option_ids.ids
        met = kb.tab_to(lambda f: control(f, url), "the first select box")
        self.assertEqual(met[-1]["key"], f"coop_option_{solar}")
        kb.press("ArrowDown")
        kb.press("ArrowDown")  # Solar roof: 2
        met = kb.tab_to(lambda f: control(f, url), "the second select box")
        self.assertEqual(met[-1]["key"], f"coop_option_{wind}")
        kb.press("ArrowDown")  # Wind farm: 1
        self.assertEqual(kb.focused()["value"], "1")
        met = kb.tab_to(lambda f: f["tag"] == "button" and f["form"] == url, "Send my answer")
        self.assertEqual(self._controls(met[:-1], url), [f"coop_option_{heat}"])
        kb.submit_with("Enter", "Send my answer")
        self.assertNoAxeViolation(kb, "ranked poll answered")
        self.assertEqual(self._response(ranked, member), {"Wind farm": 1, "Solar roof": 2})
        # Consent: the arrows go down to Block, Tab reaches the reason, typed, then sent.
        url = f"/my/polls/{consent.id}/{member.id}"
        kb.open(url)
        self.assertNoAxeViolation(kb, "consent poll")
        met = kb.tab_to(lambda f: control(f, url), "the positions")
        self.assertEqual(met[-1]["key"], "coop_consent_agree")
        for _position in ("abstain", "disagree", "block"):
            kb.press("ArrowDown")
        self.assertEqual(
            (kb.focused()["key"], kb.focused()["checked"]), ("coop_consent_block", True)
        )
        kb.tab_to(lambda f: f["key"] == "coop_consent_reason", "the reason")
        kb.type("Le texte exclut les locataires.")
        kb.tab_to(lambda f: f["tag"] == "button" and f["form"] == url, "Send my answer")
        kb.submit_with("Enter", "Send my answer")
        self.assertNoAxeViolation(kb, "consent poll answered")
        self.env.invalidate_all()
        response = self.env["coop.poll.response"].search(
            [("poll_id", "=", consent.id), ("member_id", "=", member.id)]
        )
        self.assertEqual(
            (response.consent, response.reason), ("block", "Le texte exclut les locataires.")
        )
