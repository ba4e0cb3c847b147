from odoo.tests import tagged

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalEngagement(CoopPortalCase):
    """/my/engagement: what a member offers, their local groups, their participation."""

    def test_skills_and_availability(self):
        partner = self.member_bernard.partner_id
        skills = self.env["coop.skill"].search([], limit=2)
        self.assertEqual(len(skills), 2, "demo skills")
        self.authenticate("bernard", "bernard")
        page = self.url_open("/my/engagement").text
        self.assertIn("out of 5", page)
        self.assertIn(self.member_bernard.company_id.name, page)
        data = {
            "skill_ids": [str(s.id) for s in skills],
            "availability": "monthly",
            "availability_note": "Le samedi matin",
        }
        response = self.post_form("/my/engagement", data)
        self.assertIn("are saved", response.text)
        self.assertEqual(partner.coop_skill_ids, skills)
        self.assertEqual(partner.coop_availability, "monthly")
        self.assertEqual(partner.coop_availability_note, "Le samedi matin")
        for change, message in [
            ({"skill_ids": ["999999"]}, "from the list"),
            ({"skill_ids": ["1 OR 1=1"]}, "from the list"),
            ({"availability": "always"}, "availability from the list"),
            ({"availability_note": "x" * 300}, "one line"),
        ]:
            with self.subTest(change=change):
                response = self.post_form("/my/engagement", dict(data, **change))
                self.assertIn("This was not recorded", response.text)
                self.assertIn(message, response.text)
        self.assertEqual(partner.coop_skill_ids, skills)
        self.assertEqual(partner.coop_availability, "monthly")

    def test_join_and_leave_local_groups(self):
        ref = self.env.ref
        tours = ref("coop_engagement.coop_local_group_tours")
        valence = ref("coop_engagement.coop_local_group_valence")
        Membership = self.env["coop.local.group.membership"]
        claire = self.member_claire.partner_id
        self.authenticate("claire", "claire")
        page = self.url_open("/my/engagement").text
        self.assertIn(tours.complete_name, page)
        # Another cooperative's group is refused, even with its id forged.
        response = self.post_form(
            "/my/engagement/group", form_url="/my/engagement", data={"group_id": valence.id}
        )
        self.assertIn("local group of your cooperative", response.text)
        in_valence = [("partner_id", "=", claire.id), ("local_group_id", "=", valence.id)]
        self.assertFalse(Membership.search_count(in_valence))
        mine = Membership.search(
            [("partner_id", "=", claire.id), ("local_group_id", "=", tours.id)]
        )
        self.assertEqual(mine.role, "member")
        self.post_form(
            "/my/engagement/group",
            form_url="/my/engagement",
            data={"group_id": tours.id, "leave": "1"},
        )
        self.assertFalse(mine.exists())
        self.post_form(
            "/my/engagement/group", form_url="/my/engagement", data={"group_id": tours.id}
        )
        self.assertTrue(
            Membership.search_count(
                [("partner_id", "=", claire.id), ("local_group_id", "=", tours.id)]
            )
        )
        # A coordinator hands the group over before leaving.
        membership = Membership.search(
            [("partner_id", "=", claire.id), ("local_group_id", "=", tours.id)]
        )
        membership.role = "coordinator"
        response = self.post_form(
            "/my/engagement/group",
            form_url="/my/engagement",
            data={"group_id": tours.id, "leave": "1"},
        )
        self.assertIn("ask your moderator", response.text)
        self.assertTrue(membership.exists())

    def test_anonymous_and_former_members(self):
        self.authenticate(None, None)
        response = self.url_open("/my/engagement", allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))
        self.member_leaves(self.member_romain)
        self.authenticate("romain", "romain")
        page = self.url_open("/my/engagement").text
        self.assertIn("Your membership has ended", page)
        groups = self.env["coop.local.group"].search(
            [("company_id", "=", self.member_romain.company_id.id)], limit=1
        )
        response = self.post_form(
            "/my/engagement/group", form_url="/my/engagement", data={"group_id": groups.id}
        )
        self.assertIn("local group of your cooperative", response.text)
