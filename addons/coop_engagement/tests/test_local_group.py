from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestLocalGroups(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        LocalGroup = cls.env["coop.local.group"]
        cls.group_a = LocalGroup.create(
            {"name": "Tours", "company_id": cls.company_a.id, "zip_prefixes": "37"}
        )
        cls.group_a_north = LocalGroup.create(
            {
                "name": "Tours Nord",
                "company_id": cls.company_a.id,
                "zip_prefixes": "37100",
                "parent_id": cls.group_a.id,
            }
        )
        cls.group_a2 = LocalGroup.create({"name": "Blois", "company_id": cls.company_a.id})
        cls.group_b = LocalGroup.create(
            {"name": "Valence", "company_id": cls.company_b.id, "zip_prefixes": "26"}
        )
        # Allowed in both companies: only the moderator rules may hide region B.
        cls.moderator = cls._create_user(
            "moderator_a",
            "coop_engagement.group_coop_moderator",
            cls.company_a,
            extra_companies=cls.company_a | cls.company_b,
        )
        cls.moderator.coop_moderated_company_ids = cls.company_a

    def test_moderator_of_a_cannot_see_b(self):
        """A moderator of cooperative A sees none of B's local groups."""
        groups = (
            self.env["coop.local.group"]
            .with_user(self.moderator)
            .with_context(allowed_company_ids=(self.company_a | self.company_b).ids)
            .search([])
        )
        self.assertIn(self.group_a, groups)
        self.assertNotIn(self.group_b, groups)
        with self.assertRaises(AccessError):
            self.group_b.with_user(self.moderator).with_context(
                allowed_company_ids=(self.company_a | self.company_b).ids
            ).read(["name"])

    def test_moderator_of_a_group_sees_its_subgroups_only(self):
        """A moderator of one group sees it and its sub-groups, and makes calls there only."""
        self.moderator.coop_moderated_company_ids = False
        self.moderator.coop_moderated_group_ids = self.group_a
        groups = self.env["coop.local.group"].with_user(self.moderator).search([])
        self.assertEqual(groups, self.group_a | self.group_a_north)
        call = (
            self.env["coop.action.call"]
            .with_user(self.moderator)
            .create(
                {
                    "name": "Moderator call",
                    "local_group_id": self.group_a_north.id,
                    "company_id": self.company_a.id,
                }
            )
        )
        self.assertTrue(call)
        with self.assertRaises(AccessError):
            self.env["coop.action.call"].with_user(self.moderator).create(
                {
                    "name": "Elsewhere",
                    "local_group_id": self.group_a2.id,
                    "company_id": self.company_a.id,
                }
            )

    def test_suggestion_by_postal_code(self):
        """Members are suggested the group of the longest matching postal-code prefix."""
        north = self.env["res.partner"].create({"name": "North", "zip": "37100"})
        south = self.env["res.partner"].create({"name": "South", "zip": "37200"})
        drome = self.env["res.partner"].create({"name": "Drôme", "zip": "26000"})
        suggestions = self.env["coop.local.group"]._coop_suggest(north | south | drome)
        # Only this test's cooperatives: demo data may hold groups on the same codes.
        mine = self.company_a | self.company_b

        def of(partner):
            return suggestions[partner.id].filtered(lambda g: g.company_id in mine)

        self.assertEqual(of(north), self.group_a_north)
        self.assertEqual(of(south), self.group_a)
        self.assertEqual(of(drome), self.group_b)

    def test_member_joins_several_groups(self):
        """The moderator adds a member to two groups; adding them twice changes nothing."""
        member = self._create_member("Joiner", zip="37100")
        self.group_a.with_user(self.moderator).action_join(member.partner_id)
        self.group_a_north.with_user(self.moderator).action_join(member.partner_id)
        self.group_a.with_user(self.moderator).action_join(member.partner_id)
        self.assertEqual(
            member.partner_id.coop_local_group_membership_ids.local_group_id,
            self.group_a | self.group_a_north,
        )

    def test_bad_territory(self):
        """A territory that is not a list of postal-code prefixes is refused."""
        with self.assertRaises(ValidationError):
            self.env["coop.local.group"].create(
                {"name": "Bad", "company_id": self.company_a.id, "zip_prefixes": "37; 41"}
            )

    def test_silent_group_alert(self):
        """A group silent for 90 days alerts its moderator once."""
        self.env.cr.execute(
            "UPDATE coop_local_group SET create_date = now() - interval '200 days' WHERE id = %s",
            [self.group_a2.id],
        )
        self.env["coop.local.group"].invalidate_model(["create_date"])
        silent = self.env["coop.local.group"]._coop_alert_silent_groups()
        self.assertIn(self.group_a2, silent)
        alerts = self.env["mail.activity"].search(
            [("res_model", "=", "coop.local.group"), ("res_id", "=", self.group_a2.id)]
        )
        self.assertEqual(alerts.user_id, self.moderator)
        self.env["coop.local.group"]._coop_alert_silent_groups()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "coop.local.group"), ("res_id", "=", self.group_a2.id)]
            ),
            1,
        )

    def test_moderator_of_a_cannot_read_members_of_b(self):
        """A moderator of A reads A's members only; a moderating officer keeps the registry."""
        member_a = self._create_member("Member A")
        member_b = self._create_member("Member B", company=self.company_b)
        members = (
            self.env["coop.member"]
            .with_user(self.moderator)
            .with_context(allowed_company_ids=(self.company_a | self.company_b).ids)
            .search([("id", "in", (member_a | member_b).ids)])
        )
        self.assertEqual(members, member_a)
        # A registry officer who also moderates keeps their registry rights.
        self.officer_a.groups_id += self.env.ref("coop_engagement.group_coop_moderator")
        self.assertEqual(
            self.env["coop.member"].with_user(self.officer_a).search([("id", "=", member_a.id)]),
            member_a,
        )

    def test_group_mailing_list_follows_its_members(self):
        """The group's list follows who joins and leaves, once the group is written to."""
        Subscription = self.env["mailing.subscription"]
        group_a = self.group_a.with_user(self.moderator)
        first = self._create_member("Early Bird", email="early@example.org")
        group_a.action_join(first.partner_id)
        self.assertFalse(self.group_a.mailing_list_id, "no list until the group is written to")
        action = group_a.action_coop_group_mailing()
        mailing_list = self.group_a.mailing_list_id
        self.assertEqual(action["context"]["default_contact_list_ids"], mailing_list.ids)
        self.assertFalse(mailing_list.is_public)
        late = self._create_member("Late Comer", email="late@example.org")
        membership = group_a.action_join(late.partner_id)
        subscribed = Subscription.search([("list_id", "=", mailing_list.id)])
        self.assertEqual(
            sorted(subscribed.contact_id.mapped("email")), ["early@example.org", "late@example.org"]
        )
        self.assertFalse(any(subscribed.mapped("opt_out")))
        # Leaving the group unsubscribes; no list for groups nobody wrote to.
        membership.unlink()  # as the moderator, who added them
        late_sub = subscribed.filtered(lambda s: s.contact_id.email == "late@example.org")
        self.assertTrue(late_sub.opt_out)
        self.group_a2.with_user(self.moderator).action_join(late.partner_id)
        self.assertFalse(self.group_a2.mailing_list_id)
