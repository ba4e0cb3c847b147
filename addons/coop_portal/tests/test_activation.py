import re
import subprocess
from datetime import timedelta

from lxml import etree

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged
from odoo.tests.common import TEST_CURSOR_COOKIE_NAME, ChromeBrowser
from odoo.tools.safe_eval import safe_eval

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase
from .test_portal_accessibility import AXE_PATH, AXE_RUNNER, FAILING_IMPACTS, repo_root

# Chrome DevTools key events: (key, code, Windows key code, text typed).
KEYS = {
    "Tab": ("Tab", "Tab", 9, None),
    "Enter": ("Enter", "Enter", 13, "\r"),
    "ArrowDown": ("ArrowDown", "ArrowDown", 40, None),
}
# What the keyboard user sees of the focused element.
FOCUS_JS = """(() => {
    const el = document.activeElement;
    const style = getComputedStyle(el);
    return {
        id: el.id, tag: el.tagName, name: el.getAttribute("name") || "",
        text: (el.innerText || el.value || "").trim().slice(0, 40),
        inPage: !!el.closest("main"),
        visible: el.matches(":focus-visible"),
        ring: (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0)
            || (style.boxShadow || "none") !== "none",
    };
})()"""
# The page, then both forms sent with what a visitor might type: the answer to a link request
# and a refused code, each checked by axe-core (see test_portal_accessibility).
AXE_ACTIVATE_STEPS = """
    await coopAudit(window, "/my/activate");
    const linkForm = document.querySelector("form[action='/my/activate/link']");
    linkForm.querySelector("[name=member_number]").value = "424242";
    linkForm.querySelector("[name=proof]").value = "37000";
    const sent = await coopSubmit(linkForm);
    if (!sent.document.querySelector("#coop_activate_sent")) {
        throw new Error("no answer to the link request");
    }
    await coopAudit(sent, "link requested");
    const codeForm = document.querySelector("form[action='/my/activate/code']");
    codeForm.querySelector("[name=member_number]").value = "3";
    codeForm.querySelector("[name=code]").value = "AAAAA-BBBBB";
    codeForm.querySelector("[name=login]").value = "axe.core";
    codeForm.querySelector("[name=password]").value = "Axe-core-2026";
    codeForm.querySelector("[name=confirm_password]").value = "Axe-core-2026";
    const refused = await coopSubmit(codeForm);
    if (!refused.document.querySelector("#coop_activate_code_error")) {
        throw new Error("a made-up code was not refused");
    }
    await coopAudit(refused, "code refused");
"""
# A code as printed: two groups of five, from the alphabet without look-alikes.
CODE_RE = re.compile(r"\b([2-9A-HJ-NP-TW-Z]{5}-[2-9A-HJ-NP-TW-Z]{5})\b")
PASSWORD = "Joue-les-Tours-37"


def pdf_text(pdf):
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()


class ActivationCase(CoopPortalCase):
    """Marcel (Centre-Val de Loire, no email, paper mail), his cooperative's officer, and
    the anonymous visitor of the "Activate my account" page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.member_marcel = ref("coop_membership.member_marcel_bonnet")  # 000003, paper
        cls.centre = cls.member_marcel.company_id
        cls.officer_centre = new_test_user(
            cls.env,
            login="officer_centre",
            groups="base.group_user,coop_membership.group_coop_officer",
            company_id=cls.centre.id,
            company_ids=[Command.set(cls.centre.ids)],
        )
        cls.visitor = ref("base.public_user")
        cls.Code = cls.env["coop.activation.code"]

    def setUp(self):
        super().setUp()
        # Every test posts from the same address: a fresh hour for the page's limits.
        self.forget_attempts()

    def forget_attempts(self):
        """An hour later: the page's limits start again."""
        self.env.cr.execute("DELETE FROM coop_activation_attempt")

    def print_letters(self, members, user=None):
        """The officer prints the admission letters: the PDF and the codes read from it."""
        pdf, _type = (
            self.env["ir.actions.report"]
            .with_user(user or self.officer_centre)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("coop_portal.action_report_admission_letter", members.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = pdf_text(pdf)
        return pdf, text, CODE_RE.findall(text)

    def marcel_code(self):
        return self.print_letters(self.member_marcel)[2][0]

    def activate(self, code, number="000003", login="marcel.bonnet", ip="198.51.100.1", **kw):
        """The visitor types a number, a code, a login and a password on the page."""
        return self.Code.with_user(self.visitor)._coop_activate_with_code(
            self.centre.id,
            number,
            code,
            login,
            kw.get("password", PASSWORD),
            kw.get("confirm", PASSWORD),
            ip=ip,
        )

    def marcel_users(self):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("partner_id", "=", self.member_marcel.partner_id.id)])
        )

    def stored_codes(self, member=None):
        return self.Code.search([("member_id", "=", (member or self.member_marcel).id)])


@tagged("post_install", "-at_install")
class TestActivationLetters(ActivationCase):
    def test_officer_prints_letters_in_batch(self):
        """The officer prints two admission letters at once: one page each, with the
        member's number, a personal code and the address of the activation page."""
        claire = self.member_claire
        pdf, text, codes = self.print_letters(self.member_marcel | claire)
        pages = text.split("\f")
        self.assertEqual(len([p for p in pages if p.strip()]), 2)
        self.assertIn("Marcel Bonnet", pages[0])
        self.assertIn("000003", pages[0])
        self.assertIn("/my/activate", pages[0])
        self.assertIn(claire.member_number, pages[1])
        self.assertEqual(len(codes), 2)
        self.assertNotEqual(codes[0], codes[1])
        # Stored hashed only: the code appears nowhere in the table, and no field
        # gives the hash.
        self.assertNotIn("code_hash", self.Code._fields)
        self.env.cr.execute("SELECT * FROM coop_activation_code")
        rows = str(self.env.cr.fetchall())
        for code in codes:
            self.assertNotIn(code, rows)
            self.assertNotIn(code.replace("-", ""), rows)
        stored = self.Code.with_user(self.officer_centre).search([])
        self.assertEqual(stored.member_id, self.member_marcel | claire)
        self.assertEqual(set(stored.mapped("state")), {"valid"})

    def test_officer_finds_the_paper_members(self):
        """The officer's "Paper Members to Send a Letter" filter lists Marcel (no email, no
        account yet), not Claire (email) nor a deceased member; once Marcel opened his
        account and logged in, he leaves the list."""
        arch = self.env.ref("coop_portal.coop_member_view_search_activation").arch
        domain = safe_eval(
            etree.fromstring(arch).find(".//filter[@name='filter_admission_letter']").get("domain")
        )
        Member = self.env["coop.member"].with_user(self.officer_centre)
        found = Member.search(domain)
        self.assertIn(self.member_marcel, found)
        self.assertNotIn(self.member_claire, found)
        self.assertEqual(found.company_id, self.centre, "his own cooperative's members only")
        self.assertNotIn(self.env.ref("coop_membership.member_odette_lemoine"), found)
        self.activate(self.marcel_code())
        self.authenticate("marcel.bonnet", PASSWORD)
        self.assertNotIn(self.member_marcel, Member.search(domain))

    def test_letter_in_french(self):
        """Marcel reads French: his letter says "Bienvenue" and "Code d'activation"."""
        with superuser_setup("the French language, as the members have it"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.env["ir.module.module"]._load_module_terms(["coop_portal"], ["fr_FR"])
            self.member_marcel.partner_id.lang = "fr_FR"
        _pdf, text, codes = self.print_letters(self.member_marcel)
        self.assertIn("Code d’activation", text)
        self.assertIn("Bienvenue dans la coopérative", text)
        self.assertEqual(len(codes), 1)

    def test_officer_of_another_cooperative_prints_nothing(self):
        """An officer of Auvergne-Rhône-Alpes cannot print Marcel's letter (another
        cooperative), nor can a member: no code is made."""
        for user in (self.officer_ara, self.user_claire):
            with self.assertRaises(AccessError):
                self.print_letters(self.member_marcel, user=user)
        self.assertFalse(self.stored_codes())

    def test_reprint_kills_previous_code(self):
        """A letter printed again carries a new code; the first letter's code no longer
        opens the account, the new one does."""
        first = self.marcel_code()
        second = self.marcel_code()
        self.assertNotEqual(first, second)
        with self.assertRaisesRegex(UserError, "A newer letter replaced this one"):
            self.activate(first)
        self.assertFalse(self.marcel_users())
        self.assertEqual(self.activate(second), "marcel.bonnet")


@tagged("post_install", "-at_install")
class TestActivationCode(ActivationCase):
    def test_marcel_opens_his_account_with_the_code(self):
        """Marcel types his number and the code of his letter (lower case, spaces), picks
        a login and a password, and reads his shares in the member space."""
        code = self.marcel_code()
        login = self.activate(code.lower().replace("-", " "), number="3")
        user = self.marcel_users()
        self.assertEqual((login, user.login), ("marcel.bonnet", "marcel.bonnet"))
        self.assertTrue(user.share)
        self.assertFalse(self.member_marcel.partner_id.email, "his contact data stay as is")
        self.assertEqual(self.stored_codes().state, "used")
        self.assertEqual(self.stored_codes().user_id, user)
        self.assertIn("code of the admission letter", self.member_marcel.message_ids[0].body)
        self.authenticate("marcel.bonnet", PASSWORD)
        page = self.url_open("/my/cooperative").text
        self.assertIn("000003", page)

    def test_replayed_code_is_refused(self):
        """The same code typed a second time (to take over the account) is refused and
        changes nothing."""
        code = self.marcel_code()
        self.activate(code)
        with self.assertRaisesRegex(UserError, "already used"):
            self.activate(
                code, login="intruder", password="Another-pass-1", confirm="Another-pass-1"
            )
        self.assertEqual(self.marcel_users().login, "marcel.bonnet")

    def test_forged_code_and_another_members_number(self):
        """A made-up code, and Marcel's code typed with Claire's number, get the same
        answer; no account is opened and Marcel's code still works."""
        code = self.marcel_code()
        users = self.env["res.users"].with_context(active_test=False).search_count([])
        message = "does not match this member number"
        for number, typed in (
            ("000003", "ABCDE-FGHJK"),
            ("000003", "123"),
            ("000003", ""),
            (self.member_claire.member_number, code),
            ("999999", code),
        ):
            with self.assertRaisesRegex(UserError, message):
                self.activate(typed, number=number, login="someone")
        self.assertEqual(
            self.env["res.users"].with_context(active_test=False).search_count([]), users
        )
        self.assertEqual(self.stored_codes().state, "valid")
        self.forget_attempts()
        self.assertEqual(self.activate(code), "marcel.bonnet")

    def test_expired_code(self):
        """A code older than its validity is refused with a clear message."""
        code = self.marcel_code()
        with superuser_setup("the letter was printed long ago"):
            self.stored_codes().write({"expiry_date": fields.Datetime.now() - timedelta(days=1)})
        with self.assertRaisesRegex(UserError, "has expired"):
            self.activate(code)
        self.assertFalse(self.marcel_users())

    def test_page_states_the_configured_password_minimum(self):
        """The activation page asks for the minimum length the server will apply."""
        for minimum in ("12", "4"):
            self.env["ir.config_parameter"].set_param("auth_password_policy.minlength", minimum)
            page = self.url_open("/my/activate").text
            self.assertIn(f"At least {minimum} characters.", page)
            self.assertEqual(page.count(f'minlength="{minimum}"'), 2, "password and its repeat")

    def test_wrong_login_or_password_keeps_the_code(self):
        """A taken login, a short password or two different passwords are refused: no
        account, and the code still works after."""
        # Odoo's minimum in a real database (the demo's is 4: its passwords are the logins).
        self.env["ir.config_parameter"].set_param("auth_password_policy.minlength", "8")
        code = self.marcel_code()
        for kw, message in (
            ({"login": "claire"}, "This login is taken"),
            ({"login": "marcel bonnet"}, "Choose a login"),
            ({"login": "marcel@"}, "not valid"),
            ({"password": "abc", "confirm": "abc"}, r"at least \d+ characters"),
            ({"confirm": "Something-else-1"}, "passwords differ"),
        ):
            with self.assertRaisesRegex(UserError, message):
                self.activate(code, **kw)
        self.assertFalse(self.marcel_users())
        self.assertEqual(self.stored_codes().state, "valid")
        self.forget_attempts()
        self.assertEqual(
            self.activate(code, login="Marcel.Bonnet@Example.org"), "marcel.bonnet@example.org"
        )

    def test_letter_of_a_former_representative(self):
        """The letter printed for the Commune de Die's representative opens nothing once
        the commune names another representative."""
        die = self.env.ref("coop_membership.member_commune_die")
        code = self.print_letters(die, user=self.officer_ara)[2][0]
        with superuser_setup("the commune names a new representative"):
            die.representative_id = self.env["res.partner"].create({"name": "Paul Nouveau"})
        with self.assertRaisesRegex(UserError, "does not match this member number"):
            self.Code.with_user(self.visitor)._coop_activate_with_code(
                die.company_id.id, die.member_number, code, "paul.nouveau", PASSWORD, PASSWORD
            )
        self.assertFalse(die.representative_id.user_ids)

    def test_staff_account_is_never_opened_by_a_letter(self):
        """A member who is also staff cannot have their back-office account taken over
        with a letter printed by an officer."""
        with superuser_setup("Marcel also works for the cooperative"):
            staff = new_test_user(
                self.env,
                login="marcel_staff",
                groups="base.group_user",
                partner_id=self.member_marcel.partner_id.id,
            )
        code = self.marcel_code()
        with self.assertRaisesRegex(UserError, "staff account"):
            self.activate(code)
        self.assertEqual(staff.login, "marcel_staff")
        self.assertEqual(self.stored_codes().state, "valid")


@tagged("post_install", "-at_install")
class TestActivationLimits(ActivationCase):
    def attempts(self):
        self.env.cr.execute("SELECT count(*) FROM coop_activation_attempt")
        return self.env.cr.fetchone()[0]

    def test_thousand_attempts_from_one_address(self):
        """A thousand link requests from one address: ten are looked at, the rest are
        refused, and only those ten are stored (no mail, no account)."""
        Code = self.Code.with_user(self.visitor)
        mails = self.env["mail.mail"].search_count([])
        users = self.env["res.users"].with_context(active_test=False).search_count([])
        answers = []
        for n in range(1000):
            try:
                answers.append(
                    Code._coop_request_link(
                        self.centre.id, str(500000 + n), "37000", ip="203.0.113.9"
                    )
                )
            except UserError as e:
                answers.append(str(e))
        self.assertEqual(answers[:10], [False] * 10)
        self.assertEqual(len([a for a in answers if "Too many attempts" in str(a)]), 990)
        # Ten attempts, each counted for the address and for its number.
        self.assertEqual(self.attempts(), 20)
        self.assertEqual(self.env["mail.mail"].search_count([]), mails)
        self.assertEqual(
            self.env["res.users"].with_context(active_test=False).search_count([]), users
        )

    def test_thousand_codes_against_one_number(self):
        """A thousand codes tried on Marcel's number from a thousand addresses: five are
        checked, the rest refused, even the right code once the limit is reached."""
        code = self.marcel_code()
        refused = 0
        for n in range(1000):
            try:
                self.activate(f"AAAAA-{n:05d}", ip=f"10.{n // 250}.{n % 250}.1")
            except UserError as e:
                refused += "Too many attempts" in str(e)
        self.assertEqual(refused, 995)
        with self.assertRaisesRegex(UserError, "Too many attempts"):
            self.activate(code, ip="192.0.2.50")
        self.assertFalse(self.marcel_users())
        self.assertEqual(self.attempts(), 10)


@tagged("post_install", "-at_install")
class TestActivationPage(ActivationCase):
    def sent_mails(self, partner):
        return self.env["mail.mail"].search(
            [("recipient_ids", "in", partner.ids), ("subject", "ilike", "member space")]
        )

    def run_link_action(self):
        """The scheduled action the page wakes up makes the accounts and queues the
        emails (run as the scheduler runs it)."""
        cron = self.env.ref("coop_portal.ir_cron_coop_activation_links")
        cron.method_direct_trigger()

    def answer(self, data):
        page = self.post_form("/my/activate/link", data, form_url="/my/activate").text
        # The CSRF token differs on each page: everything else must be the same.
        return re.sub(r'csrf_token(?:" value=|: )"[^"]+"', "", page)

    def test_same_answer_whether_member_found_or_not(self):
        """Hugo (a member with an email address, no account yet), a wrong postcode and an
        unknown number get the same page, and the same work on the server; only Hugo
        then receives a link, at his address, from the mail queue."""
        hugo = self.member_hugo
        company = str(hugo.company_id.id)
        Trigger = self.env["ir.cron.trigger"]
        cron = self.env.ref("coop_portal.ir_cron_coop_activation_links")
        pages = []
        for data in (
            {"company_id": company, "member_number": hugo.member_number, "proof": hugo.zip},
            {"company_id": company, "member_number": hugo.member_number, "proof": "75001"},
            {"company_id": company, "member_number": "987654", "proof": "hugo@example.org"},
        ):
            triggers = Trigger.search_count([("cron_id", "=", cron.id)])
            pages.append(self.answer(data))
            # Found or not, the page wakes the scheduled action up: no faster answer
            # tells a stranger from a member.
            self.assertEqual(Trigger.search_count([("cron_id", "=", cron.id)]), triggers + 1)
        found, wrong, unknown = pages
        self.assertIn("If these details match a member", found)
        self.assertEqual(found, wrong)
        self.assertEqual(found, unknown)
        self.assertFalse(self.sent_mails(hugo.partner_id), "nothing made during the request")
        self.run_link_action()
        mail = self.sent_mails(hugo.partner_id)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "sent by the mail queue, not the request")
        self.assertIn("/web/signup?", mail.body_html)
        self.assertTrue(hugo.partner_id.user_ids.share)
        self.assertEqual(len(self.env["mail.mail"].search([("body_html", "ilike", "987654")])), 0)

    def test_login_page_leads_to_activation(self):
        """A member who never logged in finds the activation page from the login page."""
        page = self.url_open("/web/login").text
        self.assertIn('<a href="/my/activate">First visit? Activate my member space</a>', page)
        self.assertIn(
            "I received a letter with an activation code", self.url_open("/my/activate").text
        )

    def test_page_is_accessible(self):
        """axe-core finds no serious or critical problem on the activation page, on its
        answer to a link request, nor on a refused code."""
        axe = repo_root() / AXE_PATH
        self.assertTrue(axe.is_file(), f"{AXE_PATH} is missing: run `npm ci` (make test does)")
        code = "function coopLoadAxe() {\n%s\n}\ncoopLoadAxe();\n%s" % (
            axe.read_text(encoding="utf-8"),
            AXE_RUNNER % {"impacts": list(FAILING_IMPACTS), "steps": AXE_ACTIVATE_STEPS},
        )
        try:
            self.browser_js("/my/activate", code, login=None, timeout=120)
        except AssertionError as error:
            # browser_js quotes the code it ran: leave axe-core's 600 kB out of the message.
            raise AssertionError(str(error).replace(code, "axe-core")) from None

    def test_page_refuses_past_the_limit(self):
        """The eleventh request of the hour from one address is refused on the page."""
        data = {"company_id": str(self.centre.id), "proof": "x"}
        for n in range(10):
            page = self.answer(dict(data, member_number=str(800 + n)))
            self.assertIn("If these details match a member", page)
        page = self.answer(dict(data, member_number="900"))
        self.assertIn("Too many attempts", page)
        self.assertNotIn("If these details match a member", page)

    def test_forged_code_on_the_page(self):
        """A made-up code on the page gets a clear error in an alert; nothing is opened."""
        page = self.post_form(
            "/my/activate/code",
            {
                "company_id": str(self.centre.id),
                "member_number": "000003",
                "code": "ABCDE-FGHJK",
                "login": "marcel.bonnet",
                "password": PASSWORD,
                "confirm_password": PASSWORD,
            },
            form_url="/my/activate",
        ).text
        self.assertIn('id="coop_activate_code_error"', page)
        self.assertIn("does not match this member number", page)
        self.assertNotIn(PASSWORD, page)
        self.assertFalse(self.marcel_users())

    def test_forged_expired_and_replayed_links(self):
        """A made-up link, an expired one and one already used show Odoo's "invalid"
        message and set no password."""
        hugo = self.member_hugo.partner_id
        self.Code.with_user(self.visitor)._coop_request_link(
            self.member_hugo.company_id.id, self.member_hugo.member_number, hugo.email, ip="1.2.3.4"
        )
        self.run_link_action()
        link = re.search(r'href="[^"]*(/web/signup\?[^"]+)"', self.sent_mails(hugo).body_html)
        url = link.group(1).replace("&amp;", "&")
        token = re.search(r"token=([^&]+)", url).group(1)
        with superuser_setup("a link of Hugo's older than its validity"):
            expired = hugo._generate_signup_token(expiration=-1)

        def signup(token, password):
            # The form's login field is read-only and sent as it is shown.
            return self.post_form(
                "/web/signup",
                {
                    "token": token,
                    "login": hugo.user_ids.login,
                    "password": password,
                    "confirm_password": password,
                },
                form_url=f"/web/signup?token={token}",
            )

        for bad in ("forged" + token[6:], expired):
            page = self.url_open(f"/web/signup?token={bad}").text
            self.assertIn("Invalid signup token", page)
        # The real link works once...
        signup(token, "Valence-26-Hugo")
        user = hugo.user_ids
        self.assertTrue(user.login_date, "the signup logged Hugo in")
        # ... and not twice.
        self.authenticate(None, None)
        page = self.url_open(f"/web/signup?token={token}").text
        self.assertIn("Invalid signup token", page)
        self.authenticate(user.login, "Valence-26-Hugo")


@tagged("post_install", "-at_install")
class TestActivationTours(ActivationCase):
    def test_marcel_activates_from_his_letter(self):
        """Marcel's paper letter (the PDF): he types its number and code in Chromium and
        lands on his shares."""
        code = self.marcel_code()
        self.start_tour(
            f"/my/activate?number=000003&code={code}", "coop_activation_marcel_tour", login=None
        )
        self.assertEqual(self.marcel_users().login, "marcel.bonnet")
        self.assertEqual(self.stored_codes().state, "used")

    def test_claire_follows_her_welcome_email(self):
        """Claire applies, pays her share and is admitted: she follows the link of her
        welcome email (read from the mail queue), chooses a password and reads her
        share in her member space."""
        centre = self.centre
        # Sylvie, the demo's accountant of every cooperative (and of the federation
        # whose chart the payments use).
        accountant = self.env.ref("coop_membership.user_sylvie_morel")
        request = (
            self.env["coop.subscription.request"]
            .with_user(self.officer_centre)
            .create(
                {
                    "company_id": centre.id,
                    "partner_name": "Claire Dumas",
                    "email": "claire.dumas@example.org",
                    "street": "5 rue Colbert",
                    "zip": "37000",
                    "city": "Tours",
                    "college_id": self.member_claire.college_id.id,
                    "share_class_id": self.env.ref("coop_membership.share_class_centre").id,
                    "quantity": 1,
                }
            )
        )
        request.action_submit()
        request.action_validate()
        wizard = (
            self.env["account.payment.register"]
            .with_user(accountant)
            .with_context(
                allowed_company_ids=centre.ids,
                active_model="account.move",
                active_ids=request.invoice_id.ids,
            )
            .create({"amount": request.invoice_id.amount_residual})
        )
        wizard._create_payments()
        claire = request.member_id
        self.assertEqual(claire.state, "member")
        mail = self.env["mail.mail"].search(
            [("recipient_ids", "in", claire.partner_id.ids), ("state", "=", "outgoing")]
        )
        self.assertEqual(len(mail), 1)
        link = re.search(r'href="[^"]*(/web/signup\?[^"]+)"', mail.body_html).group(1)
        self.start_tour(link.replace("&amp;", "&"), "coop_activation_claire_tour", login=None)
        self.assertTrue(claire.partner_id.user_ids.login_date)


@tagged("post_install", "-at_install")
class TestActivationKeyboard(ActivationCase):
    """Activation and first login with the keyboard alone, through Chromium's own key
    events (trusted events: the browser moves the focus and submits the forms itself)."""

    def keyboard(self, url, steps):
        """Open ``url`` anonymously in Chromium and run ``steps(browser)``."""
        browser = ChromeBrowser(self)
        try:
            self.http_request_key = self.canonical_tag + "_browser_js"
            self.authenticate(None, None, browser=browser)
            self.http_request_strict_check = True
            self.cr.flush()
            self.cr.clear()
            browser.navigate_to(self.base_url() + url, wait_stop=True)
            self.assertTrue(browser._wait_ready())
            self.wait_settled(browser)
            steps(browser)
        finally:
            browser.stop()
            self._wait_remaining_requests()
            self.http_request_key = self.canonical_tag
            self.opener.cookies[TEST_CURSOR_COOKIE_NAME] = self.http_request_key

    def evaluate(self, browser, expression):
        result = browser._websocket_request(
            "Runtime.evaluate",
            params={"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        return result["result"].get("value")

    def press(self, browser, name):
        key, code, keycode, text = KEYS[name]
        event = {
            "key": key,
            "code": code,
            "windowsVirtualKeyCode": keycode,
            "nativeVirtualKeyCode": keycode,
        }
        down = dict(event, type="keyDown", **({"text": text} if text else {}))
        browser._websocket_request("Input.dispatchKeyEvent", params=down)
        browser._websocket_request("Input.dispatchKeyEvent", params=dict(event, type="keyUp"))

    def type(self, browser, text):
        browser._websocket_request("Input.insertText", params={"text": text})

    def tab_to(self, browser, element_id, limit=80):
        """Tab until ``element_id`` has the focus; every element met on the page shows
        it has the focus (:focus-visible, with an outline or a ring)."""
        for _i in range(limit):
            self.press(browser, "Tab")
            focus = self.evaluate(browser, FOCUS_JS)
            self.assertTrue(focus["visible"], f"focus not visible on {focus}")
            if focus["inPage"]:
                self.assertTrue(focus["ring"], f"no focus ring on {focus}")
            if focus["id"] == element_id:
                return focus
        self.fail(f"{element_id} never reached with Tab")

    def wait_settled(self, browser):
        """Wait until the page ran Odoo's lazy scripts: a form sent or a page left
        earlier cuts their requests short (and Odoo logs it as an error)."""
        self.wait_for(
            browser,
            "document.readyState === 'complete' && !document.querySelector('script[data-src]')"
            " && !document.body.classList.contains('o_lazy_js_waiting')",
            "the page settled",
        )
        self.sleep(browser, 300)

    def sleep(self, browser, milliseconds):
        self.evaluate(browser, f"new Promise(r => setTimeout(r, {milliseconds}))")

    def wait_for(self, browser, expression, what):
        for _i in range(100):
            if self.evaluate(browser, expression):
                return
            self.sleep(browser, 100)
        self.fail(f"never happened: {what}")

    def test_marcel_activates_and_logs_in_with_the_keyboard(self):
        """Marcel opens his account from his letter, then logs in, with Tab, typing and
        Enter only; the focus is visible at every step."""
        code = self.marcel_code()
        centre_id = str(self.centre.id)

        def activate(browser):
            self.tab_to(browser, "coop_ac_company")
            for _i in range(10):
                if self.evaluate(browser, "document.activeElement.value") == centre_id:
                    break
                self.press(browser, "ArrowDown")
            self.assertEqual(self.evaluate(browser, "document.activeElement.value"), centre_id)
            for field, text in (
                ("coop_ac_number", "3"),
                ("coop_ac_code", code),
                ("coop_ac_login", "marcel.bonnet"),
                ("coop_ac_password", PASSWORD),
                ("coop_ac_confirm", PASSWORD),
            ):
                self.tab_to(browser, field, limit=3)
                self.type(browser, text)
            self.press(browser, "Enter")
            self.wait_for(
                browser,
                "location.pathname === '/my/cooperative'"
                " && !!document.querySelector('.o_coop_history')",
                "Marcel's shares",
            )
            self.wait_settled(browser)

        def log_in(browser):
            # The login field takes the focus when the page opens (autofocus).
            self.wait_for(browser, "document.activeElement.id === 'login'", "focus on the login")
            self.type(browser, "marcel.bonnet")
            self.tab_to(browser, "password", limit=3)
            self.type(browser, PASSWORD)
            self.press(browser, "Enter")
            self.wait_for(browser, "location.pathname.startsWith('/my')", "his member space")
            self.wait_settled(browser)

        self.keyboard("/my/activate", activate)
        user = self.marcel_users()
        self.assertEqual(user.login, "marcel.bonnet")
        Log = self.env["res.users.log"]
        logins = Log.search_count([("create_uid", "=", user.id)])
        # Another day, on another browser: he logs in.
        self.keyboard("/web/login", log_in)
        self.assertEqual(Log.search_count([("create_uid", "=", user.id)]), logins + 1)
