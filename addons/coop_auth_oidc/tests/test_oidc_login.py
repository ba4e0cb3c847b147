import html
import re
from urllib.parse import parse_qs, urlparse

from odoo.tests import tagged

from odoo.addons.coop_portal.tests.common import CoopLoginCase

from .oidc_mock import OidcProvider


@tagged("post_install", "-at_install")
class TestOidcLogin(CoopLoginCase):
    """Members log in through the cooperative's OpenID Connect provider."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.member_hugo = ref("coop_membership.member_hugo_lacroix")
        cls.member_agnes = ref("coop_membership.member_agnes_faure")
        cls.member_helene = ref("coop_membership.member_helene_dubois_idf")
        cls.user_helene = ref("coop_portal.user_helene_dubois")
        # The provider's people: what Keycloak would send from its user federation.
        cls.provider_mock = OidcProvider(
            [
                {"sub": "hugo-kc-1", "email": cls.member_hugo.email, "email_verified": True},
                {"sub": "agnes-kc-2", "email": cls.member_agnes.email, "email_verified": False},
                {"sub": "zoe-kc-3", "email": "zoe.inconnue@example.org", "email_verified": True},
                {"sub": "helene-kc-4", "email": cls.member_helene.email, "email_verified": True},
            ]
        ).start()
        cls.addClassCleanup(cls.provider_mock.stop)
        mock = cls.provider_mock.config
        cls.provider = cls.env["auth.oauth.provider"].create(
            {
                "name": "Coop Keycloak",
                "body": "Log in with my cooperative account",
                "flow": "id_token_code",
                "client_id": "coop-odoo",
                "client_secret": "coop-odoo-secret",
                "enabled": True,
                "scope": "openid email profile",
                "auth_endpoint": mock["authorization_endpoint"],
                "token_endpoint": mock["token_endpoint"],
                "jwks_uri": mock["jwks_uri"],
            }
        )

    def users_of(self, member):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("partner_id", "=", member.partner_id.id)])
        )

    def oidc_login(self, sub):
        """The whole authorization-code flow over HTTP: the button of /web/login, the
        provider's page where the person is chosen, back to Odoo which fetches the tokens
        from the provider and opens the session. Returns the last page."""
        self.authenticate(None, None)
        page = self.url_open("/web/login").text
        self.assertIn("Log in with my cooperative account", page)
        links = re.findall(r'href="(http://127\.0\.0\.1:\d+/oauth2/authorize\?[^"]+)"', page)
        link = html.unescape(next(lk for lk in links if f":{self.provider_mock.port}/" in lk))
        query = parse_qs(urlparse(link).query)
        self.assertEqual(query["response_type"], ["code"])
        self.assertEqual(query["code_challenge_method"], ["S256"])  # PKCE
        self.assertEqual(self.opener.get(link, timeout=10).status_code, 200)
        answer = self.opener.post(link, data={"sub": sub}, allow_redirects=False, timeout=10)
        self.assertEqual(answer.status_code, 302, answer.text[:500])
        back = answer.headers["Location"]
        self.assertIn("/auth_oauth/signin?", back)
        response = self.url_open(back, allow_redirects=False)
        return self.follow(response)

    def follow(self, response):
        """Follow Odoo's redirects, keeping the session cookie the server set."""
        for _hop in range(5):
            if response.status_code not in (301, 302, 303):
                break
            if "session_id" in response.cookies:
                self.opener.cookies.clear("127.0.0.1", "/", "session_id")
                self.opener.cookies.set("session_id", response.cookies["session_id"])
            response = self.url_open(response.headers["Location"], allow_redirects=False)
        return response

    def assert_in_member_space_as(self, name):
        """The browser's session opens the member space under ``name``."""
        page = self.url_open("/my")
        self.assertTrue(page.url.endswith("/my"), page.url)
        self.assertIn(name, page.text)

    def test_member_logs_in_through_the_provider(self):
        """Hugo chooses "Log in with my cooperative account", is recognised by the
        provider and comes back logged in, on an account made on his own contact; the
        next time the provider's subject alone finds him."""
        partners_before = self.env["res.partner"].search_count([])
        page = self.oidc_login("hugo-kc-1")
        user = self.users_of(self.member_hugo)
        self.assertEqual(len(user), 1)
        self.assertTrue(user.share)
        self.assertIn("Hugo Lacroix", page.text)
        self.assert_in_member_space_as("Hugo Lacroix")
        self.assertEqual((user.oauth_provider_id, user.oauth_uid), (self.provider, "hugo-kc-1"))
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        self.oidc_login("hugo-kc-1")
        self.assert_in_member_space_as("Hugo Lacroix")
        self.assertEqual(self.users_of(self.member_hugo), user)

    def test_existing_account_is_reused(self):
        """Hélène already has her member-space account: the provider's login opens that
        same account (one account per person, her two cooperatives)."""
        self.oidc_login("helene-kc-4")
        self.assert_in_member_space_as(self.user_helene.name)
        self.assertEqual(self.users_of(self.member_helene), self.user_helene)

    def test_unverified_address_is_refused(self):
        """The provider did not verify Agnès's address: Odoo refuses to match it to the
        member and makes no account."""
        page = self.oidc_login("agnes-kc-2")
        self.assertIn("oauth_error=3", page.url)
        self.assertIn("You do not have access to this database", page.text)
        self.assertFalse(self.users_of(self.member_agnes))

    def test_person_who_is_no_member_is_refused(self):
        """Zoé has an account at the provider but is no member: no account, no contact."""
        partners_before = self.env["res.partner"].search_count([])
        page = self.oidc_login("zoe-kc-3")
        self.assertIn("oauth_error=3", page.url)
        self.assertFalse(self.env["res.users"].search([("login", "=", "zoe.inconnue@example.org")]))
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)

    def test_archived_account_stays_closed(self):
        """Hugo's account was archived by the office after his first login: the provider's
        login is refused and no second account is made for him."""
        self.oidc_login("hugo-kc-1")
        user = self.users_of(self.member_hugo)
        user.active = False
        page = self.oidc_login("hugo-kc-1")
        self.assertIn("oauth_error=3", page.url)
        self.assertEqual(self.users_of(self.member_hugo), user)
        self.assertFalse(user.active)
