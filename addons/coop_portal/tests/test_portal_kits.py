from datetime import timedelta

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from . import test_portal_accessibility as axe_tests
from .common import CoopPortalCase

NEW = "/my/kits/new"


@tagged("post_install", "-at_install")
class TestPortalKits(CoopPortalCase):
    """Bernard orders a communication kit for a stand (issue #25 §5); the moderator sends it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.ara = ref("coop_membership.coop_company_ara")
        cls.centre = ref("coop_membership.coop_company_centre")
        cls.Kit = cls.env["coop.kit.request"]
        cls.flyers = ref("coop_engagement.coop_kit_item_ara_flyers")
        cls.posters = ref("coop_engagement.coop_kit_item_ara_posters")
        cls.flyers_centre = ref("coop_engagement.coop_kit_item_centre_flyers")
        cls.moderator = create_user(
            cls.env,
            "kit_moderator_ara",
            "base.group_user,coop_engagement.group_coop_moderator",
            cls.ara,
            coop_moderated_company_ids=[Command.set(cls.ara.ids)],
        )
        now = fields.Datetime.now()
        dates = {"date_begin": now + timedelta(days=20), "date_end": now + timedelta(days=21)}
        cls.fair = cls.env["event.event"].create(
            {"name": "Foire bio de Crest", "company_id": cls.ara.id, "is_published": True, **dates}
        )
        cls.env["event.registration"].create(
            {"event_id": cls.fair.id, "partner_id": cls.member_bernard.partner_id.id}
        )
        # An event of Claire's cooperative, which she organises.
        cls.fair_centre = cls.env["event.event"].create(
            {
                "name": "Salon de Tours",
                "company_id": cls.centre.id,
                "organizer_id": cls.member_claire.partner_id.id,
                **dates,
            }
        )
        cls.claire_kit = cls.Kit.create(
            {
                "partner_id": cls.member_claire.partner_id.id,
                "company_id": cls.centre.id,
                "delivery_name": "Claire Martin",
                "delivery_street": "2 rue Secrète",
                "delivery_zip": "37000",
                "delivery_city": "Tours",
                "line_ids": [Command.create({"item_id": cls.flyers_centre.id, "quantity": 5})],
            }
        )

    def form(self, **values):
        data = {
            f"quantity_{self.flyers.id}": "100",
            f"quantity_{self.posters.id}": "",
            "event_id": str(self.fair.id),
            "delivery_name": "Bernard Roux",
            "delivery_street": "14 rue Madier de Montjau",
            "delivery_street2": "",
            "delivery_zip": "26000",
            "delivery_city": "Valence",
            "note": "Stand de la foire",
        }
        data.update(values)
        return data

    def post(self, data, csrf=True):
        if csrf:
            data = dict(data, csrf_token=self.csrf(NEW))
        with mute_logger("odoo.http"):
            return self.url_open(NEW, data=data)

    def bernard_kits(self):
        return self.Kit.search([("partner_id", "=", self.member_bernard.partner_id.id)])

    def test_bernard_orders_a_kit_and_follows_it(self):
        """Bernard orders 100 flyers for the fair: recorded, to do, in his list."""
        self.authenticate("bernard", "bernard")
        self.assertIn("/my/kits", self.url_open("/my").text)
        page = self.url_open(NEW).text
        self.assertIn("Flyers « Devenez sociétaire »", page)
        self.assertIn("14 rue Madier de Montjau", page)  # his address, prefilled
        self.assertIn("Foire bio de Crest", page)
        self.assertNotIn("Salon de Tours", page)
        self.assertNotIn("Sobriété énergétique", page)  # Claire's cooperative's catalogue
        before = self.bernard_kits()
        response = self.post(self.form(delivery_street2="Bâtiment B"))
        kit = self.bernard_kits() - before
        self.assertEqual(len(kit), 1)
        self.assertTrue(response.url.endswith(f"/my/kits/{kit.id}?message=ordered"))
        self.assertIn("Your order is recorded", response.text)
        self.assertIn("To do", response.text)
        self.assertEqual(kit.event_id, self.fair)
        self.assertEqual(kit.delivery_street2, "Bâtiment B")
        self.assertEqual(kit.line_ids.mapped("quantity"), [100])
        self.assertIn(self.moderator, kit.activity_ids.user_id)
        listing = self.url_open("/my/kits").text
        self.assertIn(kit.name, listing)
        self.assertNotIn(self.claire_kit.name, listing)

    def test_forged_ids_answer_like_missing_ones(self):
        """Claire's request is a 404 for Bernard; another cooperative's item or event is
        refused like an unknown one; nothing stored."""
        self.authenticate("bernard", "bernard")
        with mute_logger("odoo.http"):
            foreign = self.url_open(f"/my/kits/{self.claire_kit.id}")
            missing = self.url_open("/my/kits/999999999")
        self.assertEqual(foreign.status_code, 404)
        self.assertEqual(missing.status_code, 404)
        self.assertNotIn("Secrète", foreign.text)
        before = self.Kit.search_count([])
        for wrong, message in (
            ({f"quantity_{self.flyers_centre.id}": "5"}, "not in your cooperative"),
            ({"quantity_999999999": "5"}, "not in your cooperative"),
            ({"event_id": str(self.fair_centre.id)}, "events you take part in"),
            ({"event_id": "999999999"}, "events you take part in"),
            ({"event_id": "abc"}, "events you take part in"),
            ({"delivery_city": ""}, "Fill in the field City"),
            ({"note": "Stand\x07"}, "control characters"),
        ):
            with self.subTest(wrong=wrong):
                response = self.post(self.form(**wrong))
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertEqual(self.Kit.search_count([]), before)

    def test_post_without_csrf_token_is_refused(self):
        """A form posted from another site (no CSRF token) is refused and stores nothing."""
        self.authenticate("bernard", "bernard")
        before = self.Kit.search_count([])
        response = self.post(self.form(), csrf=False)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(self.Kit.search_count([]), before)

    def test_absurd_quantities_are_refused_in_french(self):
        """0, -3, a billion or "abc" flyers: a French message, nothing stored."""
        with superuser_setup("the French language, as the members have it"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.env["ir.module.module"]._load_module_terms(
                ["coop_engagement", "coop_portal"], ["fr_FR"]
            )
            website = self.env["website"].get_current_website()
            website.language_ids |= self.env.ref("base.lang_fr")
            website.default_lang_id = self.env.ref("base.lang_fr")
            self.user_bernard.lang = "fr_FR"
        self.authenticate("bernard", "bernard")
        before = self.Kit.search_count([])
        for quantity, message in (
            ("0", "Commandez au moins un"),
            ("-3", "Commandez au moins un"),
            ("1000000000", "plus qu'une commande n'en accepte"),
            ("abc", "nombre entier"),
            ("2.5", "nombre entier"),
        ):
            with self.subTest(quantity=quantity):
                response = self.post(self.form(**{f"quantity_{self.flyers.id}": quantity}))
                self.assertIn(message, response.text.replace("&#39;", "'"))
        self.assertEqual(self.Kit.search_count([]), before)

    def test_only_members_order(self):
        """A login without membership finds no order form; the event page offers the kit
        only to those taking part."""
        create_user(self.env, "kit_customer", "base.group_portal", self.ara)
        self.authenticate("kit_customer", "kit_customer")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(NEW).status_code, 404)
        self.assertNotIn("/my/kits/new", self.url_open("/my/kits").text)
        event_page = f"/event/{self.env['ir.http']._slug(self.fair)}/register"
        self.assertNotIn("o_coop_kit_event_link", self.url_open(event_page).text)
        self.authenticate("bernard", "bernard")
        self.assertIn(f"/my/kits/new?event_id={self.fair.id}", self.url_open(event_page).text)

    def test_tour_bernard_orders_a_kit_the_moderator_sends_it(self):
        """Bernard orders flyers from the fair's page in Chromium; the moderator marks them
        sent; Bernard reads "Sent" in his member space."""
        before = self.bernard_kits()
        event_page = f"/event/{self.env['ir.http']._slug(self.fair)}/register"
        self.start_tour(event_page, "coop_portal_kit_tour", login="bernard", timeout=300)
        kit = self.bernard_kits() - before
        self.assertEqual(len(kit), 1)
        self.assertEqual(kit.event_id, self.fair)
        self.assertEqual(kit.line_ids.mapped("quantity"), [150])
        self.assertEqual(kit.note, "Stand à l'entrée de la foire.")
        kit.with_user(self.moderator).action_send()
        self.assertEqual(kit.state, "sent")
        told = kit.message_ids.filtered(lambda m: self.member_bernard.partner_id in m.partner_ids)
        self.assertTrue(told, "Bernard is told his kit is on its way")
        self.env.flush_all()
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/kits/{kit.id}").text
        self.assertIn("Sent", page)
        self.assertIn("Sent", self.url_open("/my/kits").text)


@tagged("post_install", "-at_install")
class TestPortalKitsAccessibility(axe_tests.AxeAuditMixin, CoopPortalCase):
    """axe-core on the kit pages: the list, the order form (and its refusal), a request."""

    def test_kit_pages_are_accessible(self):
        """Bernard's kit list, the order form, a refused order and his request have no
        serious or critical violation."""
        kit = self.env.ref("coop_engagement.coop_kit_request_bernard")
        refused = """
            const kitForm = document.querySelector("form.o_coop_kit_form");
            kitForm.querySelector("input[name^=quantity_]").value = "";
            kitForm.querySelector("[name=delivery_city]").value = " ";
            await coopAudit(await coopSubmit(kitForm), "kit order refused");
        """
        for url, steps in (
            ("/my/kits", axe_tests.AUDIT_PAGE),
            (NEW, axe_tests.AUDIT_PAGE + refused),
            (f"/my/kits/{kit.id}?message=ordered", axe_tests.AUDIT_PAGE),
        ):
            with self.subTest(url=url):
                self.assert_accessible(url, login="bernard", steps=steps)
