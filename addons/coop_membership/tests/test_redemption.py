from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .capital_common import CoopCapitalTestCommon


class TestRedemption(CoopCapitalTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.coop_refund_delay_months = 12
        # Enough capital from others so that the floor does not interfere by default.
        cls.big = cls._create_member("Big holder")
        cls._subscribe(cls.big, 100)

    def _redemption(self, member, quantity, **vals):
        return self.env["coop.redemption.request"].create(
            {
                "member_id": member.id,
                "company_id": member.company_id.id,
                "share_class_id": self.class_a.id,
                "quantity": quantity,
                **vals,
            }
        )

    def test_exit_redemption_accounting_and_payment(self):
        member = self._create_member("Yves Fontaine")
        self._subscribe(member, 4)
        today = fields.Date.today()
        member.action_request_exit()
        member.action_confirm_exit()
        redemption = self._redemption(member, 4)
        self.assertEqual(redemption.exit_date, today)
        self.assertEqual(redemption.due_date, today + relativedelta(months=12))
        self.assertEqual(redemption.refund_amount, 200.0)
        redemption.action_approve()
        self.assertEqual(redemption.state, "approved")
        self.assertEqual(member.share_count, 0)
        self.assertEqual(redemption.operation_id.operation_type, "redemption")
        self.assertEqual(redemption.operation_id.state, "confirmed")
        move = redemption.move_id
        self.assertEqual(move.state, "posted")
        capital_line = move.line_ids.filtered(
            lambda line: line.account_id == self.class_a.capital_account_id
        )
        refund_line = move.line_ids.filtered(
            lambda line: line.account_id == self.class_a.refund_account_id
        )
        self.assertEqual(capital_line.debit, 200.0)
        self.assertEqual(refund_line.credit, 200.0)
        redemption.action_register_payment()
        self.assertEqual(redemption.state, "paid")
        self.assertTrue(refund_line.reconciled)
        with self.assertRaises(UserError):
            redemption.write({"quantity": 1})
        with self.assertRaises(UserError):
            redemption.unlink()

    def test_loss_reduced_refund(self):
        self.company_a.coop_loss_per_share = 5.0
        member = self._create_member("Loss bearer")
        self._subscribe(member, 2)
        member.action_exclude(reason="Statutes breach")
        redemption = self._redemption(member, 2, redemption_type="exclusion")
        self.assertEqual(redemption.refund_unit_value, 45.0)
        self.assertEqual(redemption.refund_amount, 90.0)
        redemption.action_approve()
        move = redemption.move_id
        self.assertEqual(sum(move.line_ids.mapped("debit")), 100.0)
        loss_line = move.line_ids.filtered(
            lambda line: line.account_id == self.class_a.loss_account_id
        )
        self.assertEqual(loss_line.credit, 10.0)

    def test_refusals(self):
        member = self._create_member("Still member")
        self._subscribe(member, 3)
        with self.assertRaisesRegex(UserError, "has not left the cooperative"):
            self._redemption(member, 3).action_approve()
        with self.assertRaisesRegex(UserError, "cannot be redeemed"):
            self._redemption(member, 4, redemption_type="partial").action_approve()
        partial = self._redemption(member, 2, redemption_type="partial")
        partial.action_approve()
        self.assertEqual(member.share_count, 1)
        self.class_a.min_shares = 2
        self._subscribe(member, 2)
        self.assertEqual(member.share_count, 3)
        with self.assertRaisesRegex(UserError, "must keep at least"):
            self._redemption(member, 2, redemption_type="partial").action_approve()
        member.action_request_exit()
        member.action_confirm_exit()
        with self.assertRaisesRegex(UserError, "all the shares are redeemed"):
            self._redemption(member, 1).action_approve()

    def test_capital_floor(self):
        # Highest capital reached: 100 + 10 shares = 5,500; floor = 1,375.
        member = self._create_member("Small")
        self._subscribe(member, 10)
        self.big.action_request_exit()
        self.big.action_confirm_exit()
        self.assertEqual(self.company_a.coop_highest_capital, 5500.0)
        with self.assertRaisesRegex(UserError, "below its floor"):
            self._redemption(self.big, 100).action_approve()
        self.company_a.coop_capital_floor_ratio = 0.0
        self._redemption(self.big, 100).action_approve()
        self.assertEqual(self.company_a._coop_subscribed_capital()[self.company_a.id], 500.0)
        # The highest capital is kept after the redemption.
        self.company_a.invalidate_recordset(["coop_highest_capital"])
        self.assertEqual(self.company_a.coop_highest_capital, 5500.0)

    def test_board_decision_date_and_frozen_due_date(self):
        member = self._create_member("Agnès Faure")
        self._subscribe(member, 2)
        member.action_request_exit()
        # A resignation in its notice period can still be withdrawn: no refund yet.
        early = self._redemption(member, 2)
        with self.assertRaisesRegex(UserError, "has not left the cooperative"):
            early.action_approve()
        self.assertEqual((early.state, member.share_count), ("draft", 2))
        member.action_confirm_exit()
        today = fields.Date.today()
        yesterday = today - relativedelta(days=1)
        early.decision_date = today + relativedelta(days=1)
        with self.assertRaisesRegex(UserError, "cannot be dated in the future"):
            early.action_approve()
        self.assertEqual(
            (early.state, early.operation_id.id, member.share_count), ("draft", False, 2)
        )
        early.decision_date = yesterday
        early.action_approve()
        self.assertEqual(early.operation_id.date, yesterday)
        self.assertEqual(early.move_id.date, yesterday)
        due = early.due_date
        self.assertEqual(due, early.exit_date + relativedelta(months=12))
        # The statutes change later: the decided refund keeps its due date, a draft follows.
        other = self._create_member("Romain Blanc")
        self._subscribe(other, 1)
        other.action_request_exit()
        other.action_confirm_exit()
        draft = self._redemption(other, 1)
        self.company_a.coop_refund_delay_months = 24
        self.env.flush_all()
        self.assertEqual(early.due_date, due)
        self.assertEqual(draft.due_date, draft.exit_date + relativedelta(months=24))
        with self.assertRaises(UserError):
            early.decision_date = today

    def test_refunds_of_two_cooperatives_paid_in_one_call(self):
        self.company_b.coop_refund_delay_months = 6
        big_b = self._create_member("Big B", company=self.company_b)
        self._subscribe(big_b, 100)
        journal_b = self.env["account.journal"].create(
            {
                "name": "Banque coop B",
                "code": "BQB",
                "type": "bank",
                "company_id": self.company_b.id,
            }
        )
        requests = self.env["coop.redemption.request"]
        for company in (self.company_a, self.company_b):
            member = self._create_member(f"Leaving {company.name}", company=company)
            self._subscribe(member, 2)
            member.action_request_exit()
            member.action_confirm_exit()
            requests |= self.env["coop.redemption.request"].create(
                {
                    "member_id": member.id,
                    "company_id": company.id,
                    "share_class_id": (
                        self.class_a if company == self.company_a else self.class_b
                    ).id,
                    "quantity": 2,
                }
            )
        requests.action_approve()
        request_a, request_b = requests
        pay_date = fields.Date.today() - relativedelta(days=2)
        request_b.write({"payment_journal_id": journal_b.id, "payment_date": pay_date})
        requests.action_register_payment()
        self.assertEqual(request_b.payment_id.journal_id, journal_b)
        self.assertEqual(request_b.payment_id.date, pay_date)
        self.assertNotEqual(request_a.payment_id.journal_id, journal_b)
        self.assertEqual(requests.mapped("state"), ["paid", "paid"])

    def test_capital_floor_holds_on_every_path(self):
        """No way around the floor: a redemption typed straight into the register is
        refused like the board's; a correction by reversal always goes through."""
        self.big.action_request_exit()
        self.big.action_confirm_exit()
        Operation = self.env["coop.share.operation"]

        def redeem(quantity):
            return Operation.create(
                {
                    "member_id": self.big.id,
                    "company_id": self.company_a.id,
                    "share_class_id": self.class_a.id,
                    "operation_type": "redemption",
                    "quantity": quantity,
                }
            )

        # Capital 5,000 (its highest), floor 1,250: 80 of Big's 100 shares would leave 1,000.
        direct = redeem(80)
        with self.assertRaisesRegex(UserError, r"down to .*1,000\.00.*below its floor of"):
            direct.action_confirm()
        self.assertEqual((direct.state, direct.name), ("draft", False))
        # A newcomer brings the capital to 5,500 (floor 1,375): 70 shares leave 2,000.
        newcomer = self._create_member("Newcomer")
        subscription = self._subscribe(newcomer, 10)
        direct.quantity = 70
        direct.action_confirm()
        self.assertEqual(direct.state, "confirmed")
        with self.assertRaisesRegex(UserError, "below its floor of"):
            redeem(30).action_confirm()
        self.assertEqual(self.company_a._coop_subscribed_capital()[self.company_a.id], 2000.0)
        # The newcomer's subscription was a mistake: its reversal leaves 1,500, below a
        # statutory floor of 1,600, and still goes through (the register stays correctable).
        self.company_a.coop_capital_floor_amount = 1600.0
        subscription.action_reverse()
        self.assertEqual(self.company_a._coop_subscribed_capital()[self.company_a.id], 1500.0)
        self.assertEqual(newcomer.share_count, 0)

    def test_approved_redemption_cannot_be_forged(self):
        member = self._create_member("Hugo Lambert")
        self._subscribe(member, 2)
        member.action_request_exit()
        member.action_confirm_exit()
        redemption = self._redemption(member, 2)
        redemption.action_approve()
        for vals in ({"state": "draft"}, {"operation_id": False}, {"move_id": False}):
            with self.assertRaisesRegex(UserError, "set only by its actions"):
                redemption.write(vals)
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            redemption.unlink()
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self._redemption(self.big, 1, redemption_type="partial", state="approved")
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["coop.redemption.request"].with_context(
                default_state="approved", default_move_id=redemption.move_id.id
            ).create(
                {
                    "member_id": self.big.id,
                    "company_id": self.company_a.id,
                    "share_class_id": self.class_a.id,
                    "redemption_type": "partial",
                    "quantity": 1,
                }
            )
        draft = self._redemption(self.big, 1, redemption_type="partial")
        with self.assertRaisesRegex(UserError, "cannot be typed in"):
            draft.write({"refund_amount": 5000.0})
        with self.assertRaisesRegex(ValidationError, "Loss Per Share: give at least 0"):
            draft.write({"loss_per_share": -10.0})
        # Past the typed-value checks, the database still refuses it.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            draft._action_write({"loss_per_share": -10.0})
            draft.flush_recordset()
        self.assertEqual(redemption.state, "approved")
        self.assertEqual(redemption.operation_id.state, "confirmed")

    def test_only_accountants_approve_and_pay(self):
        member = self._create_member("Inès Robert")
        self._subscribe(member, 1)
        member.action_request_exit()
        member.action_confirm_exit()
        redemption = self._redemption(member, 1)
        with self.assertRaisesRegex(AccessError, "Only cooperative accountants"):
            redemption.with_user(self.officer_a).action_approve()
        self.assertEqual((redemption.state, member.share_count), ("draft", 1))
        redemption.with_user(self.accountant_a).action_approve()
        with self.assertRaisesRegex(AccessError, "Only cooperative accountants"):
            redemption.with_user(self.officer_a).action_register_payment()
        self.assertEqual(redemption.state, "approved")

    def test_capital_settings_are_checked(self):
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company_a.coop_loss_per_share = -1.0
        with self.assertRaisesRegex(ValidationError, "between 0 and 1"):
            self.company_a.coop_capital_floor_ratio = 1.5
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company_a.coop_refund_delay_months = -12
