"""The member directory (issue #25 §3): members of my cooperatives who opted in, searched
by skill, theme, town and distance (coordinates from the postcode table shipped with the
module, no outside service); no email or phone shown; axe-core on the page."""

from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase
from .test_portal_accessibility import AUDIT_PAGE, AXE_PATH, AXE_RUNNER, FAILING_IMPACTS, repo_root


@tagged("post_install", "-at_install")
class TestPortalDirectory(CoopPortalCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.roofing = ref("coop_engagement.coop_skill_roofing")
        cls.theme = cls.env["coop.engagement.theme"].search([], limit=1)
        cls.romain = cls.member_romain.partner_id  # Romans-sur-Isère, 26100
        cls.hugo = cls.member_hugo.partner_id
        cls.helene = cls.member_helene_idf.partner_id  # another cooperative
        cls.romain.write(
            {
                "coop_directory_visible": True,
                "coop_skill_ids": [(6, 0, cls.roofing.ids)],
                "coop_theme_ids": [(6, 0, cls.theme.ids)],
                "email": "romain.blanc@example.org",
                "phone": "+33 6 12 34 56 78",
            }
        )
        # Hugo lives in Lyon for these tests: about 95 km from Valence.
        cls.hugo.write(
            {
                "coop_directory_visible": True,
                "coop_skill_ids": [(5, 0, 0)],
                "coop_theme_ids": [(5, 0, 0)],
                "zip": "69001",
                "city": "Lyon",
            }
        )
        cls.helene.write({"coop_directory_visible": True})

    def directory(self, **params):
        query = "&".join(f"{key}={value}" for key, value in params.items())
        return self.url_open(f"/my/directory?{query}")

    def listed(self, response):
        self.assertEqual(response.status_code, 200)
        return {
            partner
            for partner in (self.romain, self.hugo, self.helene, self.member_bernard.partner_id)
            if f'<h2 class="h5 mb-1">{partner.name}</h2>' in response.text
        }

    def test_directory_lists_members_of_my_cooperatives_who_opted_in(self):
        """Bernard sees Romain and Hugo (his cooperative, listed), not Hélène nor himself."""
        self.authenticate("bernard", "bernard")
        self.assertEqual(self.listed(self.directory()), {self.romain, self.hugo})
        with superuser_setup("Hugo withdraws from the directory"):
            self.hugo.coop_directory_visible = False
        self.assertEqual(self.listed(self.directory()), {self.romain})

    def test_directory_shows_no_email_or_phone(self):
        """The directory shows name, town, skills and themes, never an email or phone."""
        self.authenticate("bernard", "bernard")
        page = self.directory().text
        self.assertIn("Romans-sur-Isère", page)
        self.assertIn(self.roofing.name, page)
        self.assertIn(self.theme.name, page)
        # (The footer carries the federation's own phone; Romain's is never shown.)
        for secret in ("romain.blanc@example.org", "12 34 56 78", "mailto:romain", "tel:+33 6"):
            self.assertNotIn(secret, page)

    def test_search_by_skill_and_theme(self):
        """Searching a skill or a theme keeps only the members who offer it."""
        self.authenticate("bernard", "bernard")
        self.assertEqual(self.listed(self.directory(skill=self.roofing.id)), {self.romain})
        self.assertEqual(self.listed(self.directory(theme=self.theme.id)), {self.romain})
        self.assertEqual(self.listed(self.directory(town="lyon")), {self.hugo})

    def test_search_by_distance(self):
        """Near Valence (26000): Romain within 30 km (about 18), Hugo only within 100 km."""
        self.authenticate("bernard", "bernard")
        near = self.directory(postcode="26000", radius=30)
        self.assertEqual(self.listed(near), {self.romain})
        self.assertIn("18 km", near.text)
        far = self.directory(postcode="26000", radius=100)
        self.assertEqual(self.listed(far), {self.romain, self.hugo})
        # Nearest first.
        self.assertLess(far.text.index(self.romain.name), far.text.index(self.hugo.name))
        # Coordinates from the shipped table (no service): Valence–Lyon is about 95 km.
        Postcode = self.env["coop.postcode"]
        within = Postcode._coop_postcodes_within(Postcode._coop_coordinates("26000"), 100)
        self.assertAlmostEqual(within["69001"], 95, delta=10)

    def test_unknown_postcode_is_explained(self):
        """A postcode the table lacks gets a clear message and an empty list."""
        self.authenticate("bernard", "bernard")
        response = self.directory(postcode="00000", radius=30)
        self.assertIn("This postcode is not in the French postcode table.", response.text)
        self.assertEqual(self.listed(response), set())

    def test_directory_is_for_members_only(self):
        """Staff who are not members get 404; a visitor the login page."""
        self.authenticate(self.officer_ara.login, self.officer_ara.login)
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open("/my/directory").status_code, 404)
        self.authenticate(None, None)
        response = self.url_open("/my/directory", allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))

    def test_directory_is_accessible(self):
        """axe-core finds no serious or critical problem on the directory and its search."""
        axe = repo_root() / AXE_PATH
        self.assertTrue(axe.is_file(), f"{AXE_PATH} is missing: run `npm ci` (make test does)")
        source = axe.read_text(encoding="utf-8")
        code = "function coopLoadAxe() {\n%s\n}\ncoopLoadAxe();\n%s" % (
            source,
            AXE_RUNNER % {"impacts": list(FAILING_IMPACTS), "steps": AUDIT_PAGE},
        )
        for url in (
            "/my/directory",
            f"/my/directory?postcode=26000&radius=30&skill={self.roofing.id}",
            "/my/directory?postcode=00000&radius=30",
        ):
            with self.subTest(url=url):
                try:
                    self.browser_js(url, code, login="bernard", timeout=120)
                except AssertionError as error:
                    raise AssertionError(str(error).replace(code, "axe-core")) from None
