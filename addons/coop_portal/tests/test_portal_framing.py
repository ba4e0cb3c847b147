from odoo.tests import tagged

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalFraming(CoopPortalCase):
    """No other site may frame the member space or the public forms (clickjacking)."""

    def assertNotFramable(self, response):
        self.assertEqual(response.headers.get("X-Frame-Options"), "SAMEORIGIN")
        self.assertIn("frame-ancestors 'self'", response.headers.get("Content-Security-Policy"))

    def test_public_forms_cannot_be_framed(self):
        """The application page and the website home refuse to be framed elsewhere."""
        for url in ("/cooperative/join", "/"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotFramable(response)

    def test_member_pages_with_forms_cannot_be_framed(self):
        """Bernard's vote, proxy and shares pages refuse to be framed elsewhere."""
        self.authenticate("bernard", "bernard")
        voter = self.voter(self.member_bernard)
        for url in ("/my/cooperative", "/my/assemblies", f"/my/assemblies/{voter.id}"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                self.assertNotFramable(response)
