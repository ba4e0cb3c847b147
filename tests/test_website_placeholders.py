"""The website speaks for the cooperative (issue #26 §5): its header, footer and contact
page show the contact details of the website's company, none of the placeholders Odoo's
default website carries ("+1 555-555-5556", "info@yourcompany.example.com", "We build
great products", "My Company", "Copyright © Company name")."""

from odoo.tests import HttpCase, new_test_user, tagged

PLACEHOLDERS = (
    "555-555-5556",
    "yourcompany.example.com",
    "great products",
    "My Company",
    "Company name",
    "3575 Fake Buena Vista Avenue",
)


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

    def test_pages_show_the_cooperative_and_no_placeholder(self):
        """A visitor reads the cooperative's name, email and phone, and no Odoo placeholder."""
        for url in ("/", "/contactus", "/cooperative/groups"):
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 200)
                page = response.text
                for placeholder in PLACEHOLDERS:
                    self.assertNotIn(placeholder, page)
                self.assertIn("contact@energies-citoyennes.example", page)
                self.assertIn("+33 4 75 00 00 00", page)
                self.assertIn("Copyright &copy; Énergies Citoyennes, la fédération", page)
        self.assertIn("40 rue Oberkampf", self.url_open("/contactus").text)

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
