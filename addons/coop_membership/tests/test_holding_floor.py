from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError

from .capital_common import CoopCapitalTestCommon

NO_SHARE_LEFT = "would hold no share of .* any more"


class TestHoldingFloor(CoopCapitalTestCommon):
    """A member holds at least one share (law of 1947): redeeming or giving away every
    share is an exit, recorded as such, never a partial redemption."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.coop_refund_delay_months = 12
        # Enough capital from others so that the floor does not interfere.
        cls._subscribe(cls._create_member("Big holder"), 100)
        cls.member = cls._create_member("Léa Fontaine")
        cls._subscribe(cls.member, 3)
        cls.class_support = cls.env["coop.share.class"].create(
            {
                "name": "Support share",
                "code": "S",
                "company_id": cls.company_a.id,
                "nominal_value": 50.0,
                "min_shares": 1,
            }
        )
        cls.Operation = cls.env["coop.share.operation"]

    def _partial(self, quantity, share_class=None):
        """The officer types the redemption Léa asks for (partial while she stays)."""
        return (
            self.env["coop.redemption.request"]
            .with_user(self.officer_a)
            .create(
                {
                    "member_id": self.member.id,
                    "company_id": self.company_a.id,
                    "share_class_id": (share_class or self.class_a).id,
                    "quantity": quantity,
                }
            )
        )

    def _register(self, operation_type, quantity, **vals):
        """The accountant enters an operation straight in the register."""
        return self.Operation.with_user(self.accountant_a).create(
            {
                "member_id": self.member.id,
                "company_id": self.company_a.id,
                "share_class_id": self.class_a.id,
                "operation_type": operation_type,
                "quantity": quantity,
                **vals,
            }
        )

    def test_partial_redemption_of_every_share_is_refused(self):
        """The board approves a 'partial' redemption of all of Léa's shares: refused, she
        is told to record the exit, and the register and the books are untouched."""
        request = self._partial(3)
        self.assertEqual(request.redemption_type, "partial")
        # The request form says so before the board meets.
        self.assertTrue(request.redeems_every_share)
        self.assertFalse(self._partial(2).redeems_every_share)
        operations = self.Operation.search_count([])
        moves = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, NO_SHARE_LEFT) as caught:
            request.with_user(self.officer_a).action_approve()
        self.assertIn("exit", str(caught.exception))
        self.assertEqual(request.state, "draft")
        self.assertEqual(self.Operation.search_count([]), operations)
        self.assertEqual(self.env["account.move"].search_count([]), moves)
        self.assertEqual(self.member.share_count, 3)

    def test_partial_redemption_keeping_one_share_passes(self):
        """Redeeming two of Léa's three shares leaves her a member with one share."""
        request = self._partial(2)
        request.with_user(self.officer_a).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(self.member.share_count, 1)

    def test_every_share_of_one_class_while_another_remains(self):
        """Léa also holds a support share: all her ordinary shares may be redeemed."""
        self._subscribe(self.member, 1, share_class=self.class_support)
        request = self._partial(3)
        self.assertFalse(request.redeems_every_share)
        request.with_user(self.officer_a).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(self.member.share_count, 1)
        # Her last share, of the other class, is the one she cannot part with.
        with self.assertRaisesRegex(UserError, NO_SHARE_LEFT):
            self._partial(1, self.class_support).with_user(self.officer_a).action_approve()

    def test_exit_redeems_every_share(self):
        """Léa resigns: the exit redemption of all her shares takes the exit path (reason,
        exit date, refund delay) and is approved."""
        member = self.member.with_user(self.officer_a)
        member.action_request_exit()
        member.action_confirm_exit()
        request = self._partial(3)
        self.assertEqual(request.redemption_type, "resignation")
        self.assertEqual(request.exit_date, self.member.exit_date)
        self.assertEqual(request.due_date, self.member.exit_date + relativedelta(months=12))
        request.with_user(self.officer_a).action_approve()
        self.assertEqual(request.state, "approved")
        self.assertEqual(self.member.share_count, 0)

    def test_register_redemption_of_every_share_is_refused(self):
        """The accountant enters a redemption of all of Léa's shares in the register: the
        register refuses it as well, and keeps no number for it."""
        redemption = self._register("redemption", 3)
        with self.assertRaisesRegex(UserError, NO_SHARE_LEFT):
            redemption.with_user(self.accountant_a).action_confirm()
        self.assertEqual(redemption.state, "draft")
        self.assertFalse(redemption.name)
        self.assertEqual(self.member.share_count, 3)

    def test_transfer_of_every_share_is_refused_with_the_same_message(self):
        """Léa gives all her shares to another member: refused with the same message as a
        redemption of everything."""
        receiver = self._create_member("Receiver")
        self._subscribe(receiver, 1)
        transfer = self._register("transfer", 3, counterpart_member_id=receiver.id)
        with self.assertRaisesRegex(UserError, NO_SHARE_LEFT):
            transfer.with_user(self.accountant_a).action_confirm()
        self.assertEqual(self.member.share_count, 3)
