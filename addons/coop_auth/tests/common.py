import re

from odoo.tests import HttpCase


class CoopLoginCase(HttpCase):
    """Logins through /web/login, as a person types them in a browser."""

    def setUp(self):
        super().setUp()
        self.forget_login_failures()

    def forget_login_failures(self):
        """Odoo counts login failures in memory, per address (and here per login too):
        each test starts clean, whatever the tests before it did."""
        for attr in ("_login_failures", "_coop_login_failures"):
            if hasattr(self.registry, attr):
                getattr(self.registry, attr).clear()

    def csrf(self, url):
        page = self.url_open(url)
        return re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)

    def post_following(self, url, data):
        """POST a form and follow the redirect with the session the server set."""
        response = self.url_open(url, data=data, allow_redirects=False)
        if response.status_code != 303:
            return response
        # The server's new session cookie (domain 127.0.0.1) replaces the test's own one
        # (no domain), which requests would otherwise keep sending.
        if "session_id" in response.cookies:
            self.opener.cookies.clear("127.0.0.1", "/", "session_id")
            self.opener.cookies.set("session_id", response.cookies["session_id"])
        return self.url_open(response.headers["Location"])

    def web_login(self, login, password):
        """Log in at /web/login from a new browser; returns the page reached."""
        self.authenticate(None, None)
        token = self.csrf("/web/login")
        return self.post_following(
            "/web/login", {"login": login, "password": password, "csrf_token": token}
        )
