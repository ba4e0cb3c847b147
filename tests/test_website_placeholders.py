"""The website speaks for the cooperative (issue #26 §5): its header, footer and contact
page show the contact details of the website's company, none of the placeholders Odoo's
default website carries ("+1 555-555-5556", "info@yourcompany.example.com", "We build
great products", "My Company", "Copyright © Company name"), and none of Odoo's demo
companies ("YourCompany", "FR Company", their "YourLogo" logo).

The demo website belongs to the federation: its home page tells the cooperatives' story
(who we are, Become a member, the next events, the local groups map, the latest public
documents) and its visitors see the regional cooperatives' public events."""

import base64
import json
from datetime import timedelta

from lxml import html

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools.misc import file_open

PLACEHOLDERS = (
    "555-555-5556",
    "yourcompany.example.com",
    "great products",
    "My Company",
    "Company name",
    "3575 Fake Buena Vista Avenue",
    # Odoo's demo companies and their address
    "YourCompany",
    "FR Company",
    "Executive Park Blvd",
    "San Francisco",
)
# Odoo's French footer: "Nous sommes une équipe de passionnés (...) Nous fabriquons
# d'excellents produits pour résoudre vos problèmes commerciaux."
FRENCH_PLACEHOLDERS = ("Nous fabriquons d", "passionnés")


def odoo_default_logo(path="base/static/img/res_company_logo.png"):
    """Odoo's "YourLogo" image: every new company's logo (and, as an SVG, every new
    website's) until one is given."""
    with file_open(path, "rb") as logo:
        return logo.read()


@tagged("post_install", "-at_install")
class TestWebsitePlaceholders(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        website = cls.env["website"].get_current_website()
        cls.company = website.company_id
        cls.admin = admin = new_test_user(
            cls.env,
            login="website_admin",
            groups="base.group_user,base.group_system,base.group_partner_manager",
            company_id=cls.company.id,
        )
        # The administrator fills in the cooperative's own details (Settings › Companies).
        cls.company.with_user(admin).write(
            {
                "name": "Énergies Citoyennes, la fédération",
                "email": "contact@energies-citoyennes.example",
                "phone": "+33 4 75 00 00 00",
                "street": "40 rue Oberkampf",
                "zip": "75011",
                "city": "Paris",
            }
        )

    def assert_no_placeholder(self, page, placeholders=PLACEHOLDERS):
        for placeholder in placeholders:
            self.assertNotIn(placeholder, page)

    def test_pages_show_the_cooperative_and_no_placeholder(self):
        """A visitor reads the cooperative's name, email and phone, and no Odoo placeholder."""
        for url in ("/", "/contactus", "/event", "/cooperative/groups"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                page = response.text
                self.assert_no_placeholder(page)
                footer = html.fromstring(page).xpath("//footer")
                self.assertTrue(footer, "the page has its footer")
                footer_text = footer[0].text_content()
                self.assertIn("contact@energies-citoyennes.example", footer_text)
                self.assertIn("+33 4 75 00 00 00", footer_text)
                self.assertIn("Copyright © Énergies Citoyennes, la fédération", footer_text)
        self.assertIn("40 rue Oberkampf", self.url_open("/contactus").text)

    def test_french_pages_show_no_placeholder(self):
        """A French visitor reads no French placeholder of Odoo's website either."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search(
            [("name", "in", ("website", "website_event"))]
        )._update_translations("fr_FR")
        website = self.env["website"].get_current_website()
        website.with_user(self.admin).language_ids |= self.env["res.lang"]._lang_get("fr_FR")
        for url in ("/fr", "/fr/contactus", "/fr/event"):
            with self.subTest(url=url):
                # the first French page compiles every template in French: slow on a busy CI
                response = self.url_open(url, timeout=120)
                self.assertEqual(response.status_code, 200)
                self.assertIn('lang="fr-FR"', response.text)
                self.assert_no_placeholder(response.text, PLACEHOLDERS + FRENCH_PLACEHOLDERS)

    def test_nothing_shown_for_details_the_cooperative_has_not_given(self):
        """Without a phone, the header and footer show no phone line at all."""
        self.company.with_user(self.admin).phone = False
        page = self.url_open("/").text
        self.assertNotIn("tel:", page)
        self.assertIn("mailto:contact@energies-citoyennes.example", page)

    def test_footer_links_only_to_the_cooperative_networks(self):
        """The footer shows no icon to Odoo's social accounts; a network given is shown."""
        website = self.env["website"].get_current_website().with_user(self.admin)
        website.write({"social_facebook": False, "social_twitter": False, "social_linkedin": False})
        page = self.url_open("/").text
        self.assertNotIn("/website/social/", page)
        website.social_linkedin = "https://www.linkedin.com/company/energies-citoyennes"
        page = self.url_open("/").text
        self.assertIn("/website/social/linkedin", page)
        self.assertNotIn("/website/social/facebook", page)


@tagged("post_install", "-at_install")
class TestFederationWebsite(HttpCase):
    """The demo's website is the federation's, and its home page tells the story."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.website = cls.env["website"].get_current_website()
        cls.federation = ref("coop_membership.coop_company_federation")
        cls.centre = ref("coop_membership.coop_company_centre")
        begin = fields.Datetime.now().replace(microsecond=0) + timedelta(days=3)

        def event(name, audience):
            return cls.env["event.event"].create(
                {
                    "name": name,
                    "company_id": cls.centre.id,
                    "address_id": cls.centre.partner_id.id,
                    "coop_audience": audience,
                    "coop_shared_company_ids": [Command.set(cls.centre.ids)],
                    "date_begin": begin,
                    "date_end": begin + timedelta(hours=2),
                    "website_published": True,
                }
            )

        cls.public_event = event("Ciné-débat à Tours", "public")
        cls.members_event = event("Réunion des sociétaires de Tours", "members")

    def test_the_website_and_its_visitors_belong_to_the_federation(self):
        """The website is the federation's; its visitors see the regional cooperatives."""
        self.assertEqual(self.website.company_id, self.federation)
        public_user = self.website.user_id
        self.assertEqual(public_user.company_id, self.federation)
        self.assertLessEqual(self.federation.child_ids, public_user.company_ids)
        for name in ("YourCompany", "FR Company"):
            with self.subTest(name=name):
                self.assertFalse(self.env["res.company"].search([("name", "=", name)]))
                self.assertFalse(self.env["res.partner"].search([("name", "=", name)]))

    def test_no_company_shows_odoo_logo(self):
        """The header shows the federation's logo, and no cooperative keeps "YourLogo"."""
        default_logo = odoo_default_logo()
        response = self.url_open(f"/web/image/website/{self.website.id}/logo")
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"\x89PNG"))
        self.assertNotEqual(response.content, default_logo)
        self.assertNotEqual(
            response.content, odoo_default_logo("website/static/src/img/website_logo.svg")
        )
        for company in self.federation | self.federation.child_ids:
            with self.subTest(company=company.name):
                self.assertNotEqual(base64.b64decode(company.logo), default_logo)

    def test_home_page_tells_the_story(self):
        """A visitor's home page: who we are, Become a member, events, map, documents."""
        response = self.url_open("/")
        self.assertEqual(response.status_code, 200)
        tree = html.fromstring(response.text)
        self.assertEqual(
            tree.xpath("normalize-space(//h1[@id='coop_home_title'])"), self.federation.name
        )
        self.assertIn("Who we are", response.text)
        self.assertTrue(
            tree.xpath("//a[@href='/cooperative/join'][contains(., 'Become a member')]")
        )
        intro = tree.xpath("string(//section[contains(@class, 'o_coop_home_intro')])")
        for cooperative in self.federation.child_ids:
            self.assertIn(cooperative.name, intro)

        # The next events: the regional cooperative's public event, not its members-only one.
        events = tree.xpath("//section[@aria-labelledby='coop_home_events']")[0]
        self.assertIn(self.public_event.name, events.text_content())
        self.assertNotIn(self.members_event.name, response.text)
        self.assertIn(self.public_event.website_url, events.xpath(".//a/@href"))
        self.assertEqual(self.url_open(self.public_event.website_url).status_code, 200)

        # The local groups map: markers from the page, Leaflet from this server, no tiles.
        (map_div,) = tree.xpath("//div[contains(@class, 'o_coop_groups_map')]")
        data = json.loads(map_div.get("data-map"))
        self.assertTrue(data["markers"])
        self.assertEqual(data["tile_url"], "")
        sources = tree.xpath("//script/@src | //link[@rel='stylesheet']/@href")
        self.assertTrue(any("assets_groups_map" in src for src in sources))
        self.assertFalse([src for src in sources if src.startswith(("http:", "https:", "//"))])

        # The latest public documents: downloadable without logging in.
        documents = tree.xpath("//section[@aria-labelledby='coop_home_documents']//a/@href")
        downloads = [href for href in documents if href.endswith("/download")]
        self.assertTrue(downloads, "the demo's public document is listed")
        download = self.url_open(downloads[0])
        self.assertEqual(download.status_code, 200)
        self.assertTrue(download.content.startswith(b"%PDF"))

    def test_events_page_lists_the_regional_public_events(self):
        """/event shows a visitor the regional cooperatives' public events only."""
        page = self.url_open("/event").text
        self.assertIn(self.public_event.website_url, page)
        self.assertNotIn(self.members_event.name, page)
