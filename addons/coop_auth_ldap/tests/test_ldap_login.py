from odoo.tests import tagged

from odoo.addons.coop_portal.tests.common import CoopLoginCase

from .slapd import BASE_DN, SERVICE_DN, SERVICE_PW, Slapd

# Odoo's lookup filter for an OpenLDAP directory: people (inetOrgPerson) by uid or mail,
# so a member can type either. Disabled accounts are locked with ppolicy (slapd.py).
LDAP_FILTER = "(&(objectClass=inetOrgPerson)(|(uid=%s)(mail=%s)))"


@tagged("post_install", "-at_install")
class TestLdapLogin(CoopLoginCase):
    """Members log in with their account in the cooperative's OpenLDAP directory."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # A real directory for this class: Debian's slapd on a loopback port.
        cls.slapd = Slapd().start()
        cls.addClassCleanup(cls.slapd.stop)
        ref = cls.env.ref
        cls.member_hugo = ref("coop_membership.member_hugo_lacroix")
        cls.member_agnes = ref("coop_membership.member_agnes_faure")
        cls.member_paul = ref("coop_membership.member_paul_mercier")
        cls.ara = cls.member_hugo.company_id  # Auvergne-Rhône-Alpes
        cls.centre = cls.member_paul.company_id  # Centre-Val de Loire
        # One directory tree per cooperative (ou=ara, ou=centre), each cooperative's
        # LDAP configuration searching its own branch with Odoo's service account.
        for ou in ("ara", "centre"):
            cls.slapd.add(f"dn: ou={ou},{BASE_DN}\nobjectClass: organizationalUnit\nou: {ou}\n")
        cls.env["res.company.ldap"].search([]).unlink()
        for sequence, (company, ou) in enumerate(((cls.ara, "ara"), (cls.centre, "centre"))):
            cls.env["res.company.ldap"].create(
                {
                    "sequence": sequence,
                    "company": company.id,
                    "ldap_server": "127.0.0.1",
                    "ldap_server_port": cls.slapd.port,
                    "ldap_binddn": SERVICE_DN,
                    "ldap_password": SERVICE_PW,
                    "ldap_base": f"ou={ou},{BASE_DN}",
                    "ldap_filter": LDAP_FILTER,
                    "create_user": True,
                }
            )
        add = cls.slapd.add_person
        cls.dn_hugo = add("hugo", "Hugo Lacroix", cls.member_hugo.email, "hugo-dir-pw", "ara")
        cls.dn_agnes = add("agnes", "Agnès Faure", cls.member_agnes.email, "agnes-dir-pw", "ara")
        add("zoe", "Zoé Inconnue", "zoe.inconnue@example.org", "zoe-dir-pw", "ara")
        # Paul is a member of Centre, listed by mistake in the Rhône-Alpes branch too.
        add("paul", "Paul Mercier", cls.member_paul.email, "paul-dir-pw", "ara")
        add("paul", "Paul Mercier", cls.member_paul.email, "paul-centre-pw", "centre")
        cls.slapd.lock(cls.dn_agnes)

    def users_of(self, member):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("partner_id", "=", member.partner_id.id)])
        )

    def test_good_bind_gives_the_member_her_account(self):
        """Hugo logs in with his directory uid and password: he lands in his member space,
        on an account made on his own contact (no second contact), his address as login."""
        partners_before = self.env["res.partner"].search_count([])
        response = self.web_login("hugo", "hugo-dir-pw")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertIn("Hugo Lacroix", response.text)
        user = self.users_of(self.member_hugo)
        self.assertEqual(len(user), 1)
        self.assertTrue(user.share, "a member gets a portal account, never a staff one")
        self.assertEqual(user.login, self.member_hugo.email)
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)
        # The next login finds the same account, by uid or by address.
        self.assertTrue(self.web_login("hugo", "hugo-dir-pw").url.endswith("/my"))
        self.assertTrue(self.web_login(self.member_hugo.email, "hugo-dir-pw").url.endswith("/my"))
        self.assertEqual(self.users_of(self.member_hugo), user)

    def test_wrong_password_is_refused(self):
        """A wrong directory password gets Odoo's usual refusal and creates no account."""
        response = self.web_login("hugo", "not-his-password")
        self.assertIn("Wrong login/password", response.text)
        self.assertFalse(self.users_of(self.member_hugo))

    def test_disabled_directory_account_is_refused(self):
        """Agnès's directory account is locked (ppolicy): her right password no longer
        opens the member space, and no account is made for her."""
        response = self.web_login("agnes", "agnes-dir-pw")
        self.assertIn("Wrong login/password", response.text)
        self.assertFalse(self.users_of(self.member_agnes))

    def test_locked_after_first_login(self):
        """Hugo logged in once; the directory then locks his account: he is refused."""
        self.assertTrue(self.web_login("hugo", "hugo-dir-pw").url.endswith("/my"))
        self.slapd.lock(self.dn_hugo)
        self.addCleanup(
            self.slapd.modify,
            f"dn: {self.dn_hugo}\nchangetype: modify\ndelete: pwdAccountLockedTime\n",
        )
        for login in ("hugo", self.member_hugo.email):
            self.assertIn("Wrong login/password", self.web_login(login, "hugo-dir-pw").text)

    def test_directory_person_who_is_no_member_is_refused(self):
        """Zoé is in the directory but no member: no account, no contact is created."""
        partners_before = self.env["res.partner"].search_count([])
        response = self.web_login("zoe", "zoe-dir-pw")
        self.assertIn("matches no member of the cooperative", response.text)
        self.assertFalse(
            self.env["res.users"].search([("login", "in", ("zoe", "zoe.inconnue@example.org"))])
        )
        self.assertEqual(self.env["res.partner"].search_count([]), partners_before)

    def test_member_of_a_sees_only_a(self):
        """Hugo, a member of Auvergne-Rhône-Alpes, logs in through its directory: his
        account belongs to that cooperative only and his member space shows nothing of
        Centre-Val de Loire; Paul, a Centre member listed in the Rhône-Alpes branch, is
        refused there (no Rhône-Alpes member has his address) and let in by Centre's."""
        self.assertTrue(self.web_login("hugo", "hugo-dir-pw").url.endswith("/my"))
        user = self.users_of(self.member_hugo)
        self.assertEqual(user.company_ids, self.ara)
        page = self.url_open("/my/cooperative").text
        self.assertIn(self.ara.name, page)
        self.assertNotIn(self.centre.name, page)
        self.assertIn(self.member_hugo.member_number, page)
        self.assertIn("matches no member", self.web_login("paul", "paul-dir-pw").text)
        self.assertTrue(self.web_login("paul", "paul-centre-pw").url.endswith("/my"))
        self.assertEqual(self.users_of(self.member_paul).company_ids, self.centre)

    def test_tour_member_activates_through_ldap(self):
        """Hugo opens the login page in his browser, types his directory uid and password
        and lands in his member space: his account is made on the spot."""
        self.start_tour("/web/login", "coop_auth_ldap_activation_tour")
        self.assertTrue(self.users_of(self.member_hugo).share)

    def test_directory_is_not_asked_during_a_cooldown(self):
        """After failures from one address, even Hugo's right directory password is
        refused there for a while: guesses cannot go on against the directory."""
        self.env["ir.config_parameter"].set_param("base.login_cooldown_after", "2")
        for _attempt in range(2):
            self.assertIn("Wrong login/password", self.web_login("zoe", "guess").text)
        self.assertIn("Too many login failures", self.web_login("hugo", "hugo-dir-pw").text)
        self.assertFalse(self.users_of(self.member_hugo))

    def test_archived_account_stays_closed(self):
        """Hugo's account was archived by the office: his directory login does not bring
        it back, nor make a second one."""
        self.assertTrue(self.web_login("hugo", "hugo-dir-pw").url.endswith("/my"))
        user = self.users_of(self.member_hugo)
        user.active = False
        self.assertIn("matches no member", self.web_login("hugo", "hugo-dir-pw").text)
        self.assertEqual(self.users_of(self.member_hugo), user)
        self.assertFalse(user.active)
