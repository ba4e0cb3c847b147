from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestProductionProject(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.producer_college = cls.colleges_a[1]
        cls.producer_college.coop_producer = True
        cls.producer = cls._create_member("Solar collective", college=cls.producer_college)
        cls.consumer = cls._create_member("Consumer with an idea")
        Project = cls.env["coop.production.project"]
        cls.project_producer = Project.create(
            {
                "name": "School roof",
                "company_id": cls.company_a.id,
                "proposer_member_id": cls.producer.id,
                "capacity_kw": 36,
                "date_proposed": cls.today,
            }
        )
        cls.project_consumer = Project.create(
            {
                "name": "Parking shade",
                "company_id": cls.company_a.id,
                "proposer_member_id": cls.consumer.id,
                "date_proposed": cls.today,
            }
        )
        cls.project_b = Project.create({"name": "Mill", "company_id": cls.company_b.id})
        cls.env.flush_all()

    def test_dashboard_counts_projects_proposed_by_producers(self):
        """The board counts the production projects proposed by producers."""
        self.assertTrue(self.project_producer.by_producer)
        self.assertFalse(self.project_consumer.by_producer)
        row = self.env["coop.engagement.company.report"].search(
            [("company_id", "=", self.company_a.id), ("year", "=", self.today.year)]
        )
        self.env.cr.execute(
            """SELECT COUNT(*) FROM coop_production_project p
                 JOIN coop_member m ON m.id = p.proposer_member_id
                 JOIN coop_college c ON c.id = m.college_id
                WHERE p.company_id = %s AND c.coop_producer
                  AND EXTRACT(YEAR FROM p.date_proposed) = %s""",
            [self.company_a.id, self.today.year],
        )
        expected = self.env.cr.fetchone()[0]
        self.assertEqual(row.producer_project_count, expected)
        self.assertEqual(row.producer_project_count, 1)
        # A member who moves to the producers' college makes their projects count.
        self.producer_college.invalidate_recordset()
        self.consumer.college_id = self.producer_college
        self.env.flush_all()
        self.assertTrue(self.project_consumer.by_producer)
        self.env["coop.engagement.company.report"].invalidate_model()
        row = self.env["coop.engagement.company.report"].search(
            [("company_id", "=", self.company_a.id), ("year", "=", self.today.year)]
        )
        self.assertEqual(row.producer_project_count, 2)

    def test_bad_values_are_refused(self):
        """A negative capacity, or a proposer from another cooperative, is refused."""
        Project = self.env["coop.production.project"]
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            Project.create({"name": "Negative", "company_id": self.company_a.id, "capacity_kw": -5})
        with self.assertRaises(UserError):
            Project.create(
                {
                    "name": "Wrong coop",
                    "company_id": self.company_b.id,
                    "proposer_member_id": self.producer.id,
                }
            )
        self.assertFalse(Project.search([("name", "in", ("Negative", "Wrong coop"))]))

    def test_moderator_of_b_cannot_see_or_edit_a(self):
        """A moderator of B neither sees nor edits A's projects."""
        moderator = self._create_user(
            "moderator_projects", "coop_engagement.group_coop_moderator", self.company_b
        )
        moderator.coop_moderated_company_ids = [Command.set(self.company_b.ids)]
        visible = self.env["coop.production.project"].with_user(moderator).search([])
        self.assertIn(self.project_b, visible)
        self.assertNotIn(self.project_producer, visible)
        with self.assertRaises(AccessError):
            self.project_producer.with_user(moderator).write({"state": "study"})
        self.assertEqual(self.project_producer.state, "idea")
