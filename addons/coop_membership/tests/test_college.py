import psycopg2

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CoopTestCommon


@tagged("post_install", "-at_install")
class TestCollege(CoopTestCommon):
    def test_valid_scic_colleges_pass_the_company_check(self):
        self.assertTrue(self.company_a._coop_check_colleges())
        self.assertFalse(self.company_a.coop_college_warning)

    def test_scic_weight_outside_bounds_is_refused_and_not_stored(self):
        College = self.env["coop.college"]
        for weight in (5.0, 9.99, 50.01, 60.0):
            with self.assertRaisesRegex(ValidationError, "between 10"):
                College.create(
                    {
                        "name": "Too light or heavy",
                        "code": f"X{weight}",
                        "vote_weight": weight,
                        "company_id": self.company_a.id,
                    }
                )
        self.assertFalse(
            College.search([("code", "like", "X%"), ("company_id", "=", self.company_a.id)])
        )
        with self.assertRaisesRegex(ValidationError, "between 10"):
            self.college_a_cons.vote_weight = 55
        self.assertEqual(self.college_a_cons.vote_weight, 40)

    def test_weight_bounds_only_apply_to_weighted_scic(self):
        coop = self.env["res.company"].create(
            {"name": "SCOP", "coop_legal_form": "scop", "coop_vote_by_college": False}
        )
        college = self.env["coop.college"].create(
            {"name": "Workers", "code": "W", "vote_weight": 80, "company_id": coop.id}
        )
        self.assertEqual(college.vote_weight, 80)
        with self.assertRaises(ValidationError):
            self.env["coop.college"].create(
                {"name": "Absurd", "code": "Z", "vote_weight": 150, "company_id": coop.id}
            )

    def test_weights_must_sum_to_100(self):
        self.colleges_a[1].vote_weight = 25  # 40 + 25 + 15 + 15 + 10 = 105
        self.assertIn("105", self.company_a.coop_college_warning)
        with self.assertRaisesRegex(ValidationError, "add up to 105"):
            self.company_a._coop_check_colleges()

    def test_scic_needs_three_active_colleges(self):
        self.company_a.coop_vote_by_college = False
        self.colleges_a[2:].action_archive()
        with self.assertRaisesRegex(ValidationError, "at least 3 active colleges"):
            self.company_a._coop_check_colleges()
        # Company B is not affected by A's colleges.
        self.assertTrue(self.company_b._coop_check_colleges())

    @mute_logger("odoo.sql_db")
    def test_college_code_unique_per_company(self):
        with self.assertRaises(psycopg2.IntegrityError), self.cr.savepoint():
            self.env["coop.college"].create(
                {"name": "Dup", "code": "CONS", "vote_weight": 10, "company_id": self.company_a.id}
            )
        # The same code in another cooperative is fine.
        other = self.env["res.company"].create({"name": "Other"})
        self.env["coop.college"].create(
            {"name": "Consumers", "code": "CONS", "company_id": other.id}
        )

    def test_member_count_counts_current_members_only(self):
        self._create_member("Ann")
        self._create_member("Bob")
        self._create_member("Candidate", admit=False)
        self.assertEqual(self.college_a_cons.member_count, 2)
        self.assertEqual(self.college_b_cons.member_count, 0)
