from datetime import datetime, timedelta

from odoo import fields
from odoo.exceptions import AccessError

from odoo.addons.coop_membership.tests.common import create_user

from .common import EngagementCommon


class TestPollRights(EngagementCommon):
    """Polls of a local group: its coordinators and the region's moderators run them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Group = cls.env["coop.local.group"]
        cls.group_tours = Group.create({"name": "Tours", "company_id": cls.company_a.id})
        cls.group_blois = Group.create({"name": "Blois", "company_id": cls.company_a.id})
        cls.moderator_a = cls._create_moderator("poll_moderator_a", cls.company_a)
        cls.moderator_b = cls._create_moderator("poll_moderator_b", cls.company_b)
        cls.alice = cls._create_member("Alice Coordinatrice")
        cls.bruno = cls._create_member("Bruno Membre")
        cls.chloe = cls._create_member("Chloé Membre")
        cls.denis = cls._create_member("Denis Coordinateur")
        cls.outsider = cls._create_member("Eve Hors groupe")
        Membership = cls.env["coop.local.group.membership"]
        for member, group, role in (
            (cls.alice, cls.group_tours, "coordinator"),
            (cls.bruno, cls.group_tours, "member"),
            (cls.chloe, cls.group_tours, "member"),
            (cls.denis, cls.group_blois, "coordinator"),
        ):
            Membership.create(
                {"local_group_id": group.id, "partner_id": member.partner_id.id, "role": role}
            )
        cls.alice_user = create_user(
            cls.env, "alice_coord", "base.group_portal", partner_id=cls.alice.partner_id.id
        )
        cls.denis_user = create_user(
            cls.env, "denis_coord", "base.group_portal", partner_id=cls.denis.partner_id.id
        )
        cls.bruno_user = create_user(
            cls.env, "bruno_member", "base.group_portal", partner_id=cls.bruno.partner_id.id
        )
        cls.slots = [
            {"name": "Lundi 18 h", "slot": datetime(2027, 1, 11, 17)},
            {"name": "Mardi 18 h", "slot": datetime(2027, 1, 12, 17)},
        ]

    def test_coordinator_creates_a_time_poll_of_their_group(self):
        """Alice, coordinator of Tours, opens a time poll asked to Tours' members only;
        she closes it from the member space."""
        close = fields.Datetime.now() + timedelta(days=7)
        poll = self.group_tours.with_user(self.alice_user)._coop_portal_create_poll(
            "Réunion de janvier", "time", close, self.slots
        )
        self.assertEqual(poll.state, "open")
        self.assertEqual(poll.local_group_id, self.group_tours)
        audience = self.env["coop.member"].search(poll._audience_domain())
        self.assertEqual(audience, self.alice | self.bruno | self.chloe)
        poll.with_user(self.alice_user)._coop_portal_close()
        self.assertEqual(poll.state, "closed")

    def test_coordinator_of_another_group_or_member_cannot(self):
        """Denis coordinates Blois, Bruno is a simple member of Tours: neither creates a
        poll for Tours, nor closes one."""
        close = fields.Datetime.now() + timedelta(days=7)
        for user in (self.denis_user, self.bruno_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.group_tours.with_user(user)._coop_portal_create_poll(
                    "Réunion", "time", close, self.slots
                )
        self.assertFalse(self.group_tours.poll_ids)
        poll = self.group_tours.with_user(self.alice_user)._coop_portal_create_poll(
            "Réunion", "time", close, self.slots
        )
        with self.assertRaises(AccessError):
            poll.with_user(self.denis_user)._coop_portal_close()
        self.assertEqual(poll.state, "open")

    def test_moderators_create_polls_of_their_region_only(self):
        """The moderator of coop A prepares and opens a poll of a Tours group; the
        moderator of coop B can neither create one in coop A nor read it."""
        vals = {
            "name": "Projet local",
            "company_id": self.company_a.id,
            "local_group_id": self.group_tours.id,
            "choice_type": "score",
            "date_open": fields.Datetime.now() - timedelta(hours=1),
            "date_close": fields.Datetime.now() + timedelta(days=3),
            "option_ids": [(0, 0, {"name": "Toiture solaire"}), (0, 0, {"name": "Éolien"})],
        }
        poll = self.env["coop.poll"].with_user(self.moderator_a).create(vals)
        poll.action_open()
        self.assertEqual(poll.state, "open")
        # The back-office form as the moderator sees it, results chart included, and the
        # menu that leads there.
        models = poll.with_user(self.moderator_a).get_views([(False, "form")])["models"]
        spec = models["coop.poll"]
        values = poll.with_user(self.moderator_a).read(list(spec.get("fields", spec)))
        self.assertIn("Toiture solaire", values[0]["results_html"])
        menu = self.env.ref("coop_engagement.coop_poll_engagement_menu")
        visible = self.env["ir.ui.menu"].with_user(self.moderator_a)._visible_menu_ids()
        self.assertIn(menu.id, visible)
        with self.assertRaises(AccessError):
            self.env["coop.poll"].with_user(self.moderator_b).with_context(
                allowed_company_ids=self.company_a.ids
            ).create(dict(vals, name="Intrus"))
        with self.assertRaises(AccessError):
            poll.with_user(self.moderator_b).read(["name"])

    def test_group_poll_asks_group_members_only(self):
        """Someone outside the group is not asked in the group's poll."""
        poll = self.group_tours.with_user(self.alice_user)._coop_portal_create_poll(
            "Réunion", "time", fields.Datetime.now() + timedelta(days=1), self.slots
        )
        self.assertFalse(self.outsider.filtered_domain(poll._audience_domain()))
