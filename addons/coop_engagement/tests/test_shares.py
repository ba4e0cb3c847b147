from odoo.tests import tagged

from odoo.addons.coop_membership.tests.capital_common import CoopCapitalTestCommon


@tagged("post_install", "-at_install")
class TestLevelOneNeedsShares(CoopCapitalTestCommon):
    def _recompute(self):
        self.env["coop.member"]._coop_recompute_engagement(self.company_a)

    def test_holder_is_level_1_and_emptied_register_is_level_0(self):
        """A member whose only share was reversed has no democratic level any more."""
        holder = self._create_member("Holder")
        emptied = self._create_member("Emptied")
        self._subscribe(holder, 2)
        operation = self._subscribe(emptied, 1)
        operation.with_user(self.accountant_a).action_reverse()
        self.assertEqual(emptied.share_count, 0)
        self.env["coop.engagement.activity"].create(
            {
                "partner_id": emptied.partner_id.id,
                "company_id": self.company_a.id,
                "activity_type": "vote_cast",
            }
        )
        self._recompute()
        self.assertEqual(holder.democratic_level, 1)
        self.assertEqual(emptied.democratic_level, 0)
