"""Accessibility of the member portal: axe-core in Chromium, no serious or critical violation.

axe-core comes from npm (package.json at the repository root, installed by `make test`
with `npm ci`). Each page is loaded in Chromium as its persona, axe-core runs on the
rendered page (styles applied, scripts run) and the test fails on any violation of impact
"serious" or "critical", listed by rule, impact and the first elements concerned.
"""

from pathlib import Path

from odoo.tests import tagged

from odoo.addons.coop_membership.tests.common import create_user

from .common import CoopPortalCase

AXE_PATH = Path("node_modules", "axe-core", "axe.min.js")
# Impacts that fail the test; "minor" and "moderate" ones are left to review.
FAILING_IMPACTS = ("serious", "critical")


def repo_root():
    """The repository root: the nearest folder above this file holding package.json."""
    here = Path(__file__).resolve()
    return next((p for p in here.parents if (p / "package.json").is_file()), here.parents[3])


# Runs after axe-core is loaded (wrapped in coopLoadAxe(), so that it can be loaded again
# into a frame). `steps` audits the page, or submits forms into a frame and audits the
# pages they lead to.
AXE_RUNNER = """
const coopFailing = %(impacts)s;
const coopViolations = [];

function coopSettled(win, what) {
    // Loaded, Odoo's lazy scripts too (until then, Odoo holds back form submissions), and
    // the document counters of /my (their cards are hidden until then).
    const start = Date.now();
    return new Promise((resolve, reject) => {
        const check = () => {
            const doc = win.document;
            if (
                doc.readyState === "complete" &&
                !doc.querySelector("script[data-src]") &&
                !doc.body.classList.contains("o_lazy_js_waiting") &&
                !doc.querySelector(".o_portal_doc_spinner")
            ) {
                setTimeout(resolve, 200);
            } else if (Date.now() - start > 30000) {
                reject(new Error(`${what} did not finish loading in 30 s`));
            } else {
                setTimeout(check, 50);
            }
        };
        check();
    });
}

async function coopAudit(win, label) {
    const results = await win.axe.run(win.document, { resultTypes: ["violations"] });
    for (const violation of results.violations) {
        if (coopFailing.includes(violation.impact)) {
            coopViolations.push({ label, violation });
        }
    }
}

let coopFrame = null;
async function coopSubmit(form) {
    // Submit `form` into a frame as large as the window (a POST cannot be opened in a
    // new load of the test), and resolve to the frame's window once the answer is shown.
    if (!coopFrame) {
        coopFrame = document.createElement("iframe");
        coopFrame.name = "coop_axe_frame";
        coopFrame.title = "axe-core";
        coopFrame.style.cssText = `position: fixed; inset: 0; width: ${innerWidth}px;
            height: ${innerHeight}px; border: 0; z-index: 2147483647; background: #fff`;
        document.body.append(coopFrame);
    }
    const loaded = new Promise((resolve, reject) => {
        coopFrame.addEventListener("load", resolve, { once: true });
        setTimeout(() => reject(new Error(`no answer to the form ${form.action}`)), 30000);
    });
    if (form.ownerDocument === document) {
        form.target = coopFrame.name;
    }
    form.requestSubmit();
    await loaded;
    const win = coopFrame.contentWindow;
    await coopSettled(win, win.location.pathname);
    win.eval(`(${coopLoadAxe})()`);
    return win;
}

function coopReport() {
    const lines = coopViolations.map(({ label, violation }) => {
        const nodes = violation.nodes;
        const targets = nodes.slice(0, 3).map((node) => node.target.join(" ")).join(" | ");
        const more = nodes.length > 3 ? ` (+${nodes.length - 3} more)` : "";
        const check = nodes[0] && [...nodes[0].any, ...nodes[0].all, ...nodes[0].none][0];
        const detail = check && check.message ? `\\n      ${check.message}` : "";
        return `- ${label}: ${violation.id} (${violation.impact}): ${violation.help}` +
            `\\n      ${targets}${more}${detail}`;
    });
    return `${coopViolations.length} serious or critical accessibility violation(s):\\n` +
        lines.join("\\n");
}

// Not awaited by browser_js (void): the outcome is the console message, or its timeout.
void (async () => {
    await coopSettled(window, location.pathname);
    %(steps)s
    if (coopViolations.length) {
        console.error(coopReport());
    } else {
        console.log("test successful");
    }
})().catch((error) => console.error(`axe-core could not run: ${error && error.stack || error}`));
"""

AUDIT_PAGE = "await coopAudit(window, location.pathname + location.search);"

WAIT_EDITOR = """
    const editor = "#post_reply .note-editable, #post_reply .odoo-editor-editable";
    for (let i = 0; i < 150 && !document.querySelector(editor); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
"""

# Bernard picks "For" on the first open resolution, checks his vote (confirmation page),
# then confirms it (receipt).
VOTE_STEPS = """
    const voteForm = document.querySelector("form.o_coop_vote_form");
    if (!voteForm) {
        throw new Error("no vote form on " + location.pathname);
    }
    voteForm.querySelector("input[type=radio][value=yes]").checked = true;
    const confirmPage = await coopSubmit(voteForm);
    await coopAudit(confirmPage, "vote confirmation");
    const confirmForm = confirmPage.document.querySelector("form[action$='/vote']");
    if (!confirmForm) {
        throw new Error("no confirmation form after the vote form");
    }
    await coopAudit(await coopSubmit(confirmForm), "vote receipt");
"""

# The public application: refused (a blank name gets past the browser, not the server), then
# sent (thank-you page).
JOIN_STEPS = """
    const joinForm = document.querySelector("form[action='/cooperative/join']");
    joinForm.querySelector("[name=partner_name]").value = " ";
    joinForm.querySelector("[name=email]").value = "axe.core@example.com";
    // The texts to accept are required fields: ticked, as an applicant does.
    joinForm.querySelectorAll("input[name^=consent_]").forEach((box) => (box.checked = true));
    const refused = await coopSubmit(joinForm);
    if (!refused.document.querySelector(".alert-danger")) {
        throw new Error("a blank name was not refused");
    }
    await coopAudit(refused, "application refused");
    const againForm = refused.document.querySelector("form[action='/cooperative/join']");
    againForm.querySelector("[name=partner_name]").value = "Axe Core";
    const sent = await coopSubmit(againForm);
    const refusal = sent.document.querySelector(".alert-danger");
    if (refusal) {
        throw new Error("application refused: " + refusal.textContent.trim());
    }
    await coopAudit(sent, "application sent");
"""


class AxeAuditMixin:
    """axe-core for a test class of the member space (before its HttpCase base class):
    axe-core read once per class, and ``assert_accessible``, which loads a page in
    Chromium as a persona and fails on any serious or critical violation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        axe = repo_root() / AXE_PATH
        cls.axe_source = axe.read_text(encoding="utf-8") if axe.is_file() else None

    def assert_accessible(self, url, login=None, steps=AUDIT_PAGE):
        if not self.axe_source:
            self.fail(
                f"{AXE_PATH} is missing in {repo_root()}: run `npm ci` there "
                "(make test does it) to install axe-core from package-lock.json."
            )
        code = "function coopLoadAxe() {\n%s\n}\ncoopLoadAxe();\n%s" % (
            self.axe_source,
            AXE_RUNNER % {"impacts": list(FAILING_IMPACTS), "steps": steps},
        )
        try:
            self.browser_js(url, code, login=login, timeout=120)
        except AssertionError as error:
            # browser_js quotes the code it ran: leave axe-core's 600 kB out of the message.
            message = str(error).replace(code, "axe-core")
            raise AssertionError(f"{url} (as {login or 'anonymous'}): {message}") from None


@tagged("post_install", "-at_install")
class TestPortalAccessibility(AxeAuditMixin, CoopPortalCase):
    """Every page of the member space and the public application, checked by axe-core.

    One browser load per URL (a few seconds each); the pages a POST shows (vote
    confirmation and receipt, application refused or sent) are reached in the same load by
    submitting the form into a frame.
    """

    def test_visitor_home_page(self):
        """A visitor reads the federation's home page: events, map and documents, no barrier."""
        self.assert_accessible("/")

    def test_helene_my_shares(self):
        idf, centre = self.member_helene_idf, self.member_helene_centre
        for url in (
            "/my",
            "/my/cooperative",
            f"/my/cooperative/{idf.id}",
            f"/my/cooperative/{centre.id}?message=subscribed",  # with its confirmation
            f"/my/cooperative/{idf.id}/subscribe",
            f"/my/cooperative/{idf.id}/redeem",
            "/my/cooperative/profile",
        ):
            with self.subTest(url=url):
                self.assert_accessible(url, login="helene")

    def test_bernard_assembly_convened(self):
        voter = self.voter(self.member_bernard)
        poll = self.env.ref("coop_governance.coop_poll_ara_workshop")
        for url in (
            "/my/assemblies",
            f"/my/assemblies/{voter.id}",
            f"/my/assemblies/{voter.id}/proxy?q=Rom",
            f"/my/polls/{poll.id}/{self.member_bernard.id}",
            "/my/documents",
            "/my/documents?search=zzz",  # nothing found
            "/my/engagement?message=engagement_saved",
            "/my/events",
            f"/cooperative/groups/{self.env.ref('coop_engagement.coop_local_group_labeaume').id}",
        ):
            with self.subTest(url=url):
                self.assert_accessible(url, login="bernard")

    def test_bernard_votes(self):
        self.open_votes()
        # One load: the vote form, then the confirmation and the receipt it leads to.
        url = f"/my/assemblies/{self.voter(self.member_bernard).id}"
        with self.subTest(url=url):
            self.assert_accessible(url, login="bernard", steps=AUDIT_PAGE + VOTE_STEPS)

    def test_public_local_groups(self):
        with self.subTest(url="/cooperative/groups"):
            self.assert_accessible("/cooperative/groups")

    def test_public_application(self):
        with self.subTest(url="/cooperative/join"):
            self.assert_accessible("/cooperative/join", steps=AUDIT_PAGE + JOIN_STEPS)

    def test_portal_user_without_membership(self):
        """A person with a login but no membership (a customer) reads an accessible page."""
        create_user(self.env, "customer_no_member", "base.group_portal")
        with self.subTest(url="/my/cooperative"):
            self.assert_accessible("/my/cooperative", login="customer_no_member")

    def test_bernard_members_forum(self):
        self.assembly.resolution_ids._coop_open_forum_threads()
        forum = self.env.ref("coop_membership.coop_company_ara")._coop_forum()
        thread = self.env.ref("coop_governance.coop_resolution_ara_statutes").coop_forum_post_id
        with self.subTest(url=f"/forum/{forum.id}"):
            self.assert_accessible(f"/forum/{forum.id}", login="bernard")
        # The thread's answer editor loads after the page: audit once it is there (a page
        # closed while it loads fails the browser test).
        with self.subTest(url=thread.website_url):
            self.assert_accessible(
                thread.website_url, login="bernard", steps=WAIT_EDITOR + AUDIT_PAGE
            )

    def test_event_pages_with_webinar_and_waiting_list(self):
        workshop = self.env.ref("coop_portal.event_ara_members_workshop")
        url = f"/event/{workshop.id}/register"
        # Bernard is registered: the webinar block is shown to him.
        with self.subTest(url=url, login="bernard"):
            self.assert_accessible(url, login="bernard")
        # Full event: Romain sees "Join the waiting list", then his number.
        workshop.seats_max = 1
        with self.subTest(url=url, login="romain"):
            self.assert_accessible(url, login="romain")
        workshop._coop_join_waitlist(self.member_romain.partner_id)
        with self.subTest(url=url, login="romain", waiting=True):
            self.assert_accessible(url, login="romain")
