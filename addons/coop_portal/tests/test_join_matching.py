from odoo.tests import tagged

from .common import CoopPortalCase
from .test_portal_join import CONSENTS_TICKED


@tagged("post_install", "-at_install")
class TestJoinMatching(CoopPortalCase):
    """One person, one membership (issue #20 §1), through the public join page."""

    def application(self, **change):
        return {
            "company_id": str(self.env.ref("coop_membership.coop_company_centre").id),
            "college_id": str(self.env.ref("coop_membership.coop_college_centre_cons").id),
            "share_class_id": str(self.env.ref("coop_membership.share_class_centre").id),
            "quantity": "3",
            "contact_channel": "email",
            **CONSENTS_TICKED,
            **change,
        }

    def test_member_applying_on_the_website_subscribes_more_shares(self):
        """Claire, already a member, fills in the public form again (her address typed in
        capitals): her own contact subscribes more shares; no second contact or member."""
        Partner = self.env["res.partner"]
        contacts = Partner.search_count([])
        response = self.post_form(
            "/cooperative/join",
            self.application(partner_name="Claire Martin", email=" CLAIRE.Martin@example.org"),
        )
        self.assertEqual(response.status_code, 200)
        request = self.env["coop.subscription.request"].search(
            [("origin", "=", "website"), ("partner_id", "=", self.member_claire.partner_id.id)]
        )
        self.assertEqual(len(request), 1)
        # Same page as any application: the reference goes by email (issue #21).
        self.assertNotIn(request.name, response.text)
        self.assertTrue(request.is_additional_subscription)
        self.assertEqual(Partner.search_count([]), contacts)
        officer = self.env.ref("coop_membership.user_thomas_girard")
        request.with_user(officer).action_validate()
        self.assertEqual(request.member_id, self.member_claire)
