from odoo.tests import tagged

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalResetPassword(CoopPortalCase):
    """The password reset page does not tell who has an account."""

    def reset(self, login):
        return self.post_form("/web/reset_password", {"login": login}).text

    def test_same_answer_for_known_and_unknown_logins(self):
        """Asking a reset for Bernard's login and for an unknown address gives the same
        page: nobody learns that an address belongs to a member."""
        self.env["ir.config_parameter"].sudo().set_param("auth_signup.reset_password", "True")
        known = self.reset("bernard")
        unknown = self.reset("nobody.here@example.org")
        for page in (known, unknown):
            self.assertIn("If an account matches this login or email address", page)
            self.assertNotIn("No account found", page)
            self.assertNotIn("alert-danger", page)
        # Bernard's request went through as Odoo sends it.
        self.assertTrue(self.user_bernard.partner_id.signup_type == "reset")
