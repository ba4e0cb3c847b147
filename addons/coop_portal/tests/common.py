import re

from odoo.tests import HttpCase

from odoo.addons.coop_membership.tests.common import create_user


def create_portal_user(env, login, partner, company, **values):
    """A portal login for ``partner`` (a member, a representative), working in ``company``.

    Its password is its login unless given: the tests sign in with it. The partner keeps
    its own email (``new_test_user`` would otherwise make one up from the login).
    """
    values.setdefault("password", login)
    return create_user(
        env,
        login,
        "base.group_portal",
        company,
        name=partner.name,
        email=partner.email,
        partner_id=partner.id,
        **values,
    )


class CoopPortalCase(HttpCase):
    """The demo personas and their memberships, and helpers to drive the member space."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.user_claire = ref("coop_portal.user_claire_martin")  # Tours, 1 share
        cls.user_bernard = ref("coop_portal.user_bernard_roux")  # Valence, 10 shares
        cls.user_helene = ref("coop_portal.user_helene_dubois")  # two cooperatives
        cls.member_claire = ref("coop_membership.member_claire_martin")
        cls.member_bernard = ref("coop_membership.member_bernard_roux")
        cls.member_hugo = ref("coop_membership.member_hugo_lacroix")
        cls.member_helene_idf = ref("coop_membership.member_helene_dubois_idf")
        cls.member_helene_centre = ref("coop_membership.member_helene_dubois_centre")
        cls.member_romain = ref("coop_membership.member_romain_blanc")  # ARA, no login
        cls.assembly = ref("coop_governance.coop_assembly_ara_upcoming")  # convened (demo)
        cls.Voter = cls.env["coop.assembly.voter"]
        # Staff of Bernard's cooperative, who run what the members then see.
        ara = cls.assembly.company_id
        cls.gov_officer = create_user(
            cls.env,
            "gov_officer_ara",
            "base.group_user,coop_governance.group_governance_officer",
            ara,
        )
        cls.officer_ara = create_user(
            cls.env, "officer_ara", "base.group_user,coop_membership.group_coop_officer", ara
        )
        # A member of the same cooperative as Bernard, given a login for the tests.
        cls.user_romain = create_portal_user(
            cls.env, "romain", cls.member_romain.partner_id, cls.member_romain.company_id
        )

    def setUp(self):
        super().setUp()
        # No tile server (a database may have one set): the map of the local groups shows
        # its markers on a blank background, and no browser test requests anything outside.
        self.env["res.company"].search([("coop_map_tile_url", "!=", False)]).write(
            {"coop_map_tile_url": False}
        )

    def voter(self, member, assembly=None):
        return self.Voter.search(
            [("assembly_id", "=", (assembly or self.assembly).id), ("member_id", "=", member.id)]
        )

    def open_votes(self, assembly=None):
        """Open the assembly, reach the quorum, put every resolution to the vote.

        The personas stay absent (they vote online); amendments are voted first, as the
        model requires, and closed before their main resolution.
        """
        assembly = (assembly or self.assembly).with_user(self.gov_officer)
        assembly.action_open()
        others = assembly.voter_ids.filtered(
            lambda v: (
                v.attendance == "absent"
                and v.member_id not in (self.member_bernard, self.member_hugo, self.member_romain)
                and not v.proxy_count
            )
        )
        others.action_check_in("remote")
        resolutions = assembly.resolution_ids.filtered(lambda r: r.state == "proposed")
        amendments = resolutions.filtered("parent_id")
        amendments.action_start_vote()
        amendments.action_close_vote()
        (resolutions - amendments).action_start_vote()
        return (resolutions - amendments).sorted(lambda r: (r.sequence, r.id))

    def member_leaves(self, member):
        """The officer records the member's resignation, effective today."""
        member = member.with_user(self.officer_ara)
        member.action_request_exit()
        member.action_confirm_exit()

    def forget_join_attempts(self):
        """A fresh hour for the join page's limit per address (every attempt counts, and
        the tests post from one address)."""
        self.env.cr.execute("DELETE FROM coop_join_attempt")

    # ------------------------------------------------------------------
    # HTTP
    # ------------------------------------------------------------------
    def csrf(self, url):
        """The CSRF token of the form on ``url`` (GET as the current session)."""
        response = self.url_open(url)
        match = re.search(r'csrf_token(?:" value=|: )"([^"]+)"', response.text)
        self.assertTrue(match, f"no CSRF token on {url}")
        return match.group(1)

    def post_form(self, url, data, form_url=None):
        data = dict(data, csrf_token=self.csrf(form_url or url))
        return self.url_open(url, data=data)


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
