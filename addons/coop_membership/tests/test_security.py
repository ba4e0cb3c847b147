from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CoopTestCommon


@tagged("post_install", "-at_install")
class TestSecurity(CoopTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member_a = cls._create_member("Member of A")
        cls.member_b = cls._create_member("Member of B", company=cls.company_b)

    def test_officer_of_b_cannot_read_or_write_a(self):
        Member = self.env["coop.member"].with_user(self.officer_b)
        visible = Member.search([])
        self.assertIn(self.member_b, visible)
        self.assertNotIn(self.member_a, visible)
        with self.assertRaises(AccessError):
            self.member_a.with_user(self.officer_b).read(["member_number"])
        with self.assertRaises(AccessError):
            self.member_a.with_user(self.officer_b).write({"college_id": self.colleges_a[1].id})
        with self.assertRaises(AccessError):
            self.member_a.with_user(self.officer_b).action_request_exit()
        self.assertEqual(self.member_a.state, "member")
        self.assertNotIn(
            self.college_a_cons, self.env["coop.college"].with_user(self.officer_b).search([])
        )

    def test_officer_of_b_cannot_register_in_a(self):
        partner = self.env["res.partner"].create({"name": "Forged"})
        with self.assertRaises(AccessError):
            self.env["coop.member"].with_user(self.officer_b).create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_a.id,
                    "college_id": self.college_a_cons.id,
                }
            )
        self.assertFalse(self.env["coop.member"].search([("partner_id", "=", partner.id)]))

    def test_user_in_both_companies_sees_both(self):
        both = self._create_user(
            "both",
            "coop_membership.group_coop_user",
            self.company_a,
            self.company_a | self.company_b,
        )
        members = (
            self.env["coop.member"]
            .with_user(both)
            .with_context(allowed_company_ids=[self.company_a.id, self.company_b.id])
            .search([])
        )
        self.assertIn(self.member_a, members)
        self.assertIn(self.member_b, members)

    def test_reader_cannot_change_members(self):
        member = self.member_a.with_user(self.reader_a)
        self.assertTrue(member.member_number)
        with self.assertRaises(AccessError):
            member.write({"college_id": self.colleges_a[1].id})
        with self.assertRaises(AccessError):
            member.action_request_exit()
        self.assertEqual(self.member_a.state, "member")

    def test_only_managers_configure_colleges(self):
        with self.assertRaises(AccessError):
            self.college_a_cons.with_user(self.officer_a).write({"vote_weight": 30})
        with self.assertRaises(AccessError):
            self.env["coop.college"].with_user(self.officer_a).create(
                {"name": "Sneaky", "code": "SN", "vote_weight": 10, "company_id": self.company_a.id}
            )
        self.college_a_cons.with_user(self.manager_a).write(
            {"description": "<p>Members who buy power</p>"}
        )
        self.assertIn("buy power", self.college_a_cons.description)

    def test_history_is_read_only_for_officers(self):
        with self.assertRaises(AccessError):
            self.member_a.period_ids.with_user(self.officer_a).write({"member_number": "1"})
        with self.assertRaises(AccessError):
            self.member_a.college_history_ids.with_user(self.officer_a).unlink()
