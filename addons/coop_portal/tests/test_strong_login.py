import re
from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import CoopLoginCase


@tagged("post_install", "-at_install")
class TestStrongLogin(CoopLoginCase, MockEmail):
    """Staff pass a second factor; nobody guesses a password by trying again and again."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.user_bernard = cls.env.ref("coop_portal.user_bernard_roux")
        cls.user_claire = cls.env.ref("coop_portal.user_claire_martin")
        ara = cls.user_bernard.company_id
        cls.officer = new_test_user(
            cls.env,
            login="officer_2fa",
            email="officer.2fa@example.org",
            groups="base.group_user,coop_membership.group_coop_officer",
            company_id=ara.id,
            company_ids=[Command.set(ara.ids)],
        )
        cls.accountant = new_test_user(
            cls.env,
            login="accountant_2fa",
            email="accountant.2fa@example.org",
            groups="base.group_user,coop_membership.group_coop_accountant",
            company_id=ara.id,
            company_ids=[Command.set(ara.ids)],
        )
        # The codes leave from the cooperative's address (none in the demo data).
        ara.email = "contact@ara.example.org"
        cls.env["ir.config_parameter"].set_param("coop_portal.staff_2fa", "required")
        cls.env["ir.config_parameter"].set_param("base.login_cooldown_after", "3")
        cls.env["ir.config_parameter"].set_param("base.login_cooldown_duration", "60")

    def setUp(self):
        super().setUp()
        # Emails leave through a mocked SMTP server: the test reads them as the person would.
        self.enterContext(self.mock_mail_gateway())

    def emailed_codes(self, address):
        """The six-digit codes of the authentication emails sent to ``address``."""
        return [
            re.search(r">\s*(\d{6})\s*<", mail["body"]).group(1)
            for mail in self._mails
            if address in mail["email_to"][0] and "authentication code" in mail["subject"]
        ]

    def test_officer_needs_the_emailed_code(self):
        """The officer types her right password: Odoo asks for the code it just emailed
        her, and only that code opens the back office."""
        page = self.web_login("officer_2fa", "officer_2fa")
        self.assertIn("/web/login/totp", page.url)
        self.assertIn("just sent via email", page.text)
        [code] = self.emailed_codes("officer.2fa@example.org")
        token = self.csrf("/web/login/totp")
        wrong = self.post_following(
            "/web/login/totp", {"totp_token": "000000", "csrf_token": token}
        )
        self.assertIn("Verification failed", wrong.text)
        page = self.post_following("/web/login/totp", {"totp_token": code, "csrf_token": token})
        self.assertIn("/odoo", page.url)
        # The web client opens with her session (its session info names her).
        self.assertIn(f'"uid": {self.officer.id},', page.text)

    def test_accountant_needs_a_second_factor(self):
        """The accountant, too, is stopped at the second step after her password."""
        page = self.web_login("accountant_2fa", "accountant_2fa")
        self.assertIn("/web/login/totp", page.url)

    def test_member_logs_in_with_password_only(self):
        """Bernard, a member, logs in with his password alone; his member space offers him
        two-factor authentication."""
        page = self.web_login("bernard", "bernard")
        self.assertTrue(page.url.endswith("/my"), page.url)
        security = self.url_open("/my/security").text
        self.assertIn("Two-factor authentication", security)

    def test_policy_off_lets_staff_in_with_password(self):
        """Where the cooperative turned the rule off (the demo has no mail server), the
        officer's password alone opens the back office."""
        self.env["ir.config_parameter"].set_param("coop_portal.staff_2fa", "optional")
        page = self.web_login("officer_2fa", "officer_2fa")
        self.assertNotIn("/web/login/totp", page.url)
        self.assertIn("/odoo", page.url)

    def test_one_login_is_slowed_down_from_any_address(self):
        """Someone tries Bernard's password three times, each time from a new address:
        the fourth try is refused even with the right password, while Claire still logs
        in from that same address."""
        for _attempt in range(3):
            self.assertIn("Wrong login/password", self.web_login("bernard", "guess").text)
            # A new address: Odoo's own counter (per address) starts again.
            self.registry._login_failures.clear()
        refused = self.web_login("bernard", "bernard")
        self.assertIn("Too many login failures", refused.text)
        self.assertTrue(self.web_login("claire", "claire").url.endswith("/my"))

    def test_one_address_is_slowed_down_for_every_login(self):
        """From one address, three failures on various logins: the next login from that
        address waits, even with Claire's right password (Odoo's own delay)."""
        for login in ("bernard", "someone@example.org", "helene"):
            self.assertIn("Wrong login/password", self.web_login(login, "guess").text)
        refused = self.web_login("claire", "claire")
        self.assertIn("Too many login failures", refused.text)

    def test_officer_scripts_use_an_api_key(self):
        """The officer's password alone does not open XML-RPC (it would skip the second
        factor); the API key she made in her preferences does."""
        db = self.env.cr.dbname
        self.assertFalse(self.xmlrpc_common.authenticate(db, "officer_2fa", "officer_2fa", {}))
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.officer)
            ._generate(None, "officer's script", fields.Datetime.now() + timedelta(days=1))
        )
        self.assertEqual(
            self.xmlrpc_common.authenticate(db, "officer_2fa", key, {}), self.officer.id
        )
        # A member, who needs no second factor, keeps her password for scripts.
        self.assertEqual(
            self.xmlrpc_common.authenticate(db, "bernard", "bernard", {}), self.user_bernard.id
        )
