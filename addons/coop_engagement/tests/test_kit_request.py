from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestKitRequest(EngagementCommon):
    """A member orders a communication kit for a stand; the moderators send it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Kit = cls.env["coop.kit.request"]
        address = {"street": "3 rue du Lac", "zip": "37000", "city": "Tours"}
        cls.member = cls._create_member("Militante Kit", email="militante@example.org", **address)
        cls.other_member = cls._create_member("Autre Kit", email="autre@example.org", **address)
        cls.member_b = cls._create_member("Membre B", company=cls.company_b, **address)
        cls.user_member = create_user(
            cls.env,
            "kit_member",
            "base.group_portal",
            cls.company_a,
            partner_id=cls.member.partner_id.id,
            name="Militante Kit",
        )
        cls.user_other = create_user(
            cls.env,
            "kit_other",
            "base.group_portal",
            cls.company_a,
            partner_id=cls.other_member.partner_id.id,
            name="Autre Kit",
        )
        cls.moderator_a = cls._create_moderator("kit_mod_a", cls.company_a)
        cls.moderator_b = cls._create_moderator("kit_mod_b", cls.company_b)
        cls.flyers = cls.env["coop.kit.item"].create(
            {"name": "Flyers", "company_id": cls.company_a.id, "max_quantity": 500}
        )
        cls.kakemono = cls.env["coop.kit.item"].create(
            {"name": "Kakemono", "company_id": cls.company_a.id, "max_quantity": 1}
        )
        cls.flyers_b = cls.env["coop.kit.item"].create(
            {"name": "Flyers B", "company_id": cls.company_b.id, "max_quantity": 500}
        )
        now = fields.Datetime.now()
        cls.event = cls.env["event.event"].create(
            {
                "name": "Foire de Tours",
                "company_id": cls.company_a.id,
                "date_begin": now + timedelta(days=10),
                "date_end": now + timedelta(days=10, hours=6),
            }
        )
        cls.env["event.registration"].create(
            {"event_id": cls.event.id, "partner_id": cls.member.partner_id.id}
        )
        cls.event_b = cls.env["event.event"].create(
            {
                "name": "Salon B",
                "company_id": cls.company_b.id,
                "organizer_id": cls.member.partner_id.id,
                "date_begin": now + timedelta(days=10),
                "date_end": now + timedelta(days=10, hours=6),
            }
        )

    def order(self, user=None, lang=None, **values):
        base = {
            "lines": [(self.flyers.id, 200), (self.kakemono.id, 1)],
            "event_id": self.event.id,
            "delivery_name": "Militante Kit",
            "delivery_street": "3 rue du Lac",
            "delivery_zip": "37000",
            "delivery_city": "Tours",
            "note": "Stand de la foire,\nsamedi.",
        }
        base.update(values)
        Kit = self.Kit.with_user(user or self.user_member).with_context(lang=lang)
        # Read back as the test's superuser: the assertions look at what the staff see.
        return self.Kit.browse(Kit._coop_portal_create(base).id)

    def test_member_orders_a_kit_for_an_event(self):
        """The member orders flyers and a kakemono for her fair: the moderators get a to-do."""
        kit = self.order()
        self.assertEqual(kit.state, "todo")
        self.assertEqual(kit.company_id, self.company_a)
        self.assertEqual(kit.event_id, self.event)
        self.assertEqual(kit.partner_id, self.member.partner_id)
        self.assertEqual(
            sorted(kit.line_ids.mapped(lambda line: (line.name, line.quantity))),
            [("Flyers", 200), ("Kakemono", 1)],
        )
        self.assertTrue(kit.name.startswith("KIT/"))
        kit_as_mod = kit.with_user(self.moderator_a)
        self.assertEqual(kit_as_mod.activity_ids.user_id, self.moderator_a)
        self.assertIn("Ordered by Militante Kit", kit_as_mod.message_ids.mapped("body")[0])

    def test_member_reads_only_her_own_requests(self):
        """Her request is hers: another member neither finds nor reads it."""
        kit = self.order()
        self.assertEqual(self.Kit.with_user(self.user_member).search([]), kit)
        self.assertFalse(self.Kit.with_user(self.user_other).search([]))
        with self.assertRaises(AccessError):
            kit.with_user(self.user_other).read(["state"])
        with self.assertRaises(AccessError):
            kit.with_user(self.user_member).write({"state": "sent"})

    def test_moderator_marks_sent_and_the_member_is_told(self):
        """The moderator posts the kit: it is sent, and the member gets a message."""
        kit = self.order()
        kit.with_user(self.moderator_a).action_send()
        self.assertEqual(kit.state, "sent")
        self.assertTrue(kit.date_sent)
        self.assertFalse(kit.activity_ids)
        told = kit.message_ids.filtered(lambda m: self.member.partner_id in m.partner_ids)
        self.assertIn("on its way to Tours", told.body)
        self.assertEqual(self.Kit.with_user(self.user_member).browse(kit.id).state, "sent")
        with self.assertRaisesRegex(UserError, "Only a kit request to do"):
            kit.with_user(self.moderator_a).action_cancel()

    def test_moderator_cancels_and_reopens(self):
        """A request ordered twice by mistake is cancelled, then set back to do."""
        kit = self.order()
        kit.with_user(self.moderator_a).action_cancel()
        self.assertEqual(kit.state, "cancel")
        self.assertFalse(kit.activity_ids)
        kit.with_user(self.moderator_a).action_reset_todo()
        self.assertEqual(kit.state, "todo")
        self.assertEqual(kit.activity_ids.user_id, self.moderator_a)

    def test_other_roles_cannot_send(self):
        """Another cooperative's moderator and the officer (who only reads) cannot send it."""
        kit = self.order()
        with self.assertRaises(AccessError):
            kit.with_user(self.moderator_b).action_send()
        self.assertEqual(kit.with_user(self.officer_a).state, "todo")
        with self.assertRaises(AccessError):
            kit.with_user(self.officer_a).action_send()
        with self.assertRaises(AccessError):
            self.Kit.with_user(self.officer_b).browse(kit.id).read(["state"])
        self.assertEqual(kit.state, "todo")

    def test_moderator_manages_the_catalogue(self):
        """The moderator adds an item to her cooperative's catalogue, not to another's."""
        Item = self.env["coop.kit.item"].with_user(self.moderator_a)
        item = Item.create({"name": "Affiches", "max_quantity": 10})
        self.assertEqual(item.company_id, self.company_a)
        self.assertNotIn(self.flyers_b, Item.search([]))
        with self.assertRaises(AccessError):
            Item.create({"name": "Affiches B", "company_id": self.company_b.id})

    def test_absurd_quantities_are_refused_in_french(self):
        """0, -3, a billion or a text as a quantity: a French message, nothing stored."""
        with superuser_setup("the French language, as the members have it"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.env["ir.module.module"]._load_module_terms(["coop_engagement"], ["fr_FR"])
        before = self.Kit.search_count([])
        for quantity, message in (
            (0, "Commandez au moins un"),
            (-3, "Commandez au moins un"),
            (10**9, "plus qu'une commande n'en accepte"),
            ("abc", "Commandez au moins un"),
            (True, "Commandez au moins un"),
        ):
            with self.subTest(quantity=quantity), self.assertRaisesRegex(UserError, message):
                self.order(lang="fr_FR", lines=[(self.flyers.id, quantity)])
        self.assertEqual(self.Kit.search_count([]), before)

    def test_forged_choices_are_refused(self):
        """An item or an event of another cooperative, or none at all: refused, nothing stored."""
        before = self.Kit.search_count([])
        for values, message in (
            ({"lines": [(self.flyers_b.id, 5)]}, "not in your cooperative's catalogue"),
            ({"lines": [(999999999, 5)]}, "not in your cooperative's catalogue"),
            ({"lines": []}, "at least one item"),
            ({"lines": [(self.kakemono.id, 2)]}, "1 at most"),
            # The same item twice: both quantities count against its maximum.
            ({"lines": [(self.kakemono.id, 1), (self.kakemono.id, 1)]}, "1 at most"),
            ({"lines": [(self.flyers.id, 5), (self.flyers_b.id, 5)]}, "not in your"),
            ({"lines": 7}, "at least one item"),
            ({"lines": [7]}, "not in your cooperative's catalogue"),
            ({"event_id": self.event_b.id}, "events you take part in"),
            ({"event_id": 999999999}, "events you take part in"),
            ({"delivery_city": "  "}, "Fill in the field City"),
            ({"delivery_street": "Rue\x00"}, "control characters from Street"),
            ({"note": "x" * 2001}, "Note is too long"),
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, message):
                self.order(**values)
        self.assertEqual(self.Kit.search_count([]), before)

    def test_non_member_cannot_order(self):
        """A portal login without membership (a customer) is refused."""
        customer = create_user(self.env, "kit_customer", "base.group_portal", self.company_a)
        with self.assertRaises(AccessError):
            self.order(user=customer)

    def test_events_offered_to_the_member(self):
        """The form offers her coming events of her cooperative only."""
        events = self.Kit.with_user(self.user_member)._coop_kit_events(self.member.partner_id)
        self.assertEqual(events, self.event)
        self.assertTrue(self.Kit.with_user(self.user_member)._coop_kit_can_order_for(self.event))
        self.assertFalse(self.Kit.with_user(self.user_other)._coop_kit_can_order_for(self.event))
