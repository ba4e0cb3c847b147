from odoo.exceptions import AccessError

from .capital_common import CoopCapitalTestCommon


class TestApplicantCard(CoopCapitalTestCommon):
    """A person who applied to one cooperative is that cooperative's business."""

    def test_applicant_card_is_for_the_cooperative_applied_to(self):
        """Jeanne applies to coop A: A's officer reads her card, B's officer neither finds
        nor reads it (her address included)."""
        jeanne = self.env["res.partner"].create(
            {"name": "Jeanne Candidate", "email": "jeanne@example.org", "street": "1 rue A"}
        )
        self.env["coop.subscription.request"].with_user(self.officer_a).create(
            {
                "partner_id": jeanne.id,
                "company_id": self.company_a.id,
                "college_id": self.college_a_cons.id,
                "share_class_id": self.class_a.id,
                "quantity": 1,
            }
        )
        Partner_a = self.env["res.partner"].with_user(self.officer_a)
        Partner_b = self.env["res.partner"].with_user(self.officer_b)
        self.assertEqual(Partner_a.search([("id", "=", jeanne.id)]), jeanne)
        self.assertEqual(Partner_a.browse(jeanne.id).street, "1 rue A")
        self.assertFalse(Partner_b.search([("id", "=", jeanne.id)]))
        with self.assertRaises(AccessError):
            Partner_b.browse(jeanne.id).read(["street"])
        # A contact who applied nowhere stays Odoo's, readable by both.
        other = self.env["res.partner"].create({"name": "Supplier"})
        self.assertEqual(Partner_b.search([("id", "=", other.id)]), other)
