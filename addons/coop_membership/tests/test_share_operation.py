from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .capital_common import CoopCapitalTestCommon


class TestShareOperation(CoopCapitalTestCommon):
    def _accountant_records(self, quantity, member, **vals):
        """A draft operation entered by the member's cooperative accountant."""
        accountant = self.accountant_a if member.company_id == self.company_a else self.accountant_b
        share_class = self.class_a if member.company_id == self.company_a else self.class_b
        return (
            self.env["coop.share.operation"]
            .with_user(accountant)
            .create(
                {
                    "member_id": member.id,
                    "company_id": member.company_id.id,
                    "share_class_id": share_class.id,
                    "operation_type": "subscription",
                    "quantity": quantity,
                    **vals,
                }
            )
        )

    def test_share_class_accounting_defaults(self):
        """A share class gets the French capital accounts, a sales journal and a product."""

        # account codes are company-dependent in Odoo 18
        share_class = self.class_a.with_company(self.company_a)
        self.assertEqual(share_class.capital_account_id.code, "101300")
        self.assertEqual(share_class.refund_account_id.code, "456700")
        self.assertEqual(self.class_a.journal_id.type, "sale")
        self.assertTrue(self.class_a.product_id)

    def test_subscription_numbers_and_holding(self):
        """The accountant confirms two subscriptions: two numbers, five shares held."""
        member = self._create_member("Claire Martin")
        op1 = self._accountant_records(3, member)
        op1.action_confirm()
        op2 = self._accountant_records(2, member)
        op2.action_confirm()
        self.assertEqual(op1.state, "confirmed")
        self.assertTrue(op1.name)
        self.assertNotEqual(op1.name, op2.name)
        self.assertEqual(member.share_count, 5)
        self.assertEqual(member.share_amount, 250.0)
        self.assertEqual(self.company_a.coop_highest_capital, 250.0)

    def test_draft_does_not_count(self):
        """A draft holds no shares and can still be changed or deleted."""
        member = self._create_member("Draft Holder")
        draft = self._accountant_records(4, member)
        self.assertFalse(draft.name)
        self.assertEqual(member.share_count, 0)
        draft.quantity = 5
        draft.unlink()

    def test_confirmed_is_immutable(self):
        """A confirmed operation cannot be changed, deleted or confirmed again."""
        member = self._create_member("Frozen")
        op = self._subscribe(member, 2).with_user(self.accountant_a)
        for vals in (
            {"quantity": 3},
            {"date": "2020-01-01"},
            {"member_id": member.id},
            {"unit_value": 1.0},
            {"state": "draft"},
            {"name": "X"},
            {"recording_date": "2020-01-01"},
        ):
            with self.assertRaises(UserError):
                op.write(vals)
        with self.assertRaises(UserError):
            op.unlink()
        with self.assertRaises(UserError):
            op.action_confirm()
        op.note = "Notes stay editable"

    def test_register_number_and_state_cannot_be_forged(self):
        """Nobody writes a register number, a recording date or the confirmed state."""
        member = self._create_member("Forger")
        draft = self._accountant_records(2, member)
        with self.assertRaises(UserError):
            draft.write({"state": "confirmed"})
        with self.assertRaises(UserError):
            draft.with_context(coop_share_confirming=True).write({"name": "R0000001"})
        self.assertEqual(draft.state, "draft")
        self.assertFalse(draft.name)
        vals = {
            "member_id": member.id,
            "company_id": member.company_id.id,
            "share_class_id": self.class_a.id,
            "operation_type": "subscription",
            "quantity": 1,
        }
        Operation = self.env["coop.share.operation"].with_user(self.accountant_a)
        with self.assertRaises(UserError):
            Operation.create(dict(vals, state="confirmed"))
        with self.assertRaises(UserError):
            Operation.create(dict(vals, name="R0000042"))
        with self.assertRaises(UserError):
            Operation.create(dict(vals, recording_date="2020-01-01"))
        self.assertEqual(member.share_count, 0)
        self.assertEqual(Operation.search_count([("member_id", "=", member.id)]), 1)

    def test_reversal_and_confirmation_cannot_be_forged(self):
        """Context defaults and flags cannot make a confirmed operation or a reversal."""
        member = self._create_member("Forger")
        op = self._subscribe(member, 2)
        Operation = self.env["coop.share.operation"].with_user(self.accountant_a)
        vals = {
            "member_id": member.id,
            "company_id": self.company_a.id,
            "share_class_id": self.class_a.id,
            "operation_type": "subscription",
            "quantity": 1,
        }
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            Operation.with_context(default_state="confirmed").create(vals)
        with self.assertRaisesRegex(UserError, "only by the Reverse action"):
            Operation.create({**vals, "is_reversal": True})
        with self.assertRaisesRegex(UserError, "only by the Reverse action"):
            Operation.with_context(coop_reversal=True).create(
                {**vals, "reversed_operation_id": op.id}
            )
        draft = Operation.create(vals)
        with self.assertRaisesRegex(UserError, "only by the Reverse action"):
            draft.write({"is_reversal": True})
        self.assertFalse(op.reversal_operation_ids)
        self.assertEqual(member.share_count, 2)

    def test_reversal(self):
        """The accountant reverses a subscription: the holding goes back, once only."""
        member = self._create_member("Reversed")
        op = self._subscribe(member, 1).with_user(self.accountant_a)
        op2 = self._subscribe(member, 3).with_user(self.accountant_a)
        reversal = op2.action_reverse()
        self.assertEqual(reversal.state, "confirmed")
        self.assertTrue(reversal.is_reversal)
        self.assertEqual(reversal.reversed_operation_id, op2)
        self.assertEqual(member.share_count, 1)
        self.assertEqual(member.share_amount, 50.0)
        with self.assertRaises(UserError):
            op2.action_reverse()
        with self.assertRaises(UserError):
            reversal.action_reverse()
        self.assertTrue(op.reversal_operation_ids.ids == [])
        # A reversal is never dated before the operation it cancels.
        with self.assertRaisesRegex(UserError, "cannot be dated earlier"):
            op.action_reverse(date=op.date - relativedelta(days=1))
        self.assertFalse(op.reversal_operation_ids)
        later = self._subscribe(member, 1, date=fields.Date.today() + relativedelta(days=10))
        self.assertEqual(later.with_user(self.accountant_a).action_reverse().date, later.date)

    def test_transfer_both_sides(self):
        """A transfer moves shares from the giver to the receiver; its reversal back."""
        giver = self._create_member("Giver")
        receiver = self._create_member("Receiver")
        self._subscribe(giver, 5)
        self._subscribe(receiver, 1)
        transfer = (
            self.env["coop.share.operation"]
            .with_user(self.accountant_a)
            .create(
                {
                    "member_id": giver.id,
                    "company_id": self.company_a.id,
                    "counterpart_member_id": receiver.id,
                    "share_class_id": self.class_a.id,
                    "operation_type": "transfer",
                    "quantity": 2,
                }
            )
        )
        transfer.action_confirm()
        self.assertEqual((giver.share_count, receiver.share_count), (3, 3))
        self.assertEqual(self.company_a._coop_subscribed_capital()[self.company_a.id], 300.0)
        transfer.action_reverse()
        self.assertEqual((giver.share_count, receiver.share_count), (5, 1))

    def test_conversion(self):
        """A conversion keeps the value: 2 shares of 50 become 1 share of 100."""
        member = self._create_member("Converter")
        self._subscribe(member, 4)
        class_c = self.env["coop.share.class"].create(
            {
                "name": "Support",
                "code": "C",
                "company_id": self.company_a.id,
                "nominal_value": 100.0,
                "min_shares": 0,
            }
        )
        conv = (
            self.env["coop.share.operation"]
            .with_user(self.accountant_a)
            .create(
                {
                    "member_id": member.id,
                    "company_id": self.company_a.id,
                    "share_class_id": self.class_a.id,
                    "target_share_class_id": class_c.id,
                    "operation_type": "conversion",
                    "quantity": 2,
                }
            )
        )
        conv.action_confirm()
        self.assertEqual(member.share_count, 3)
        self.assertEqual(member.share_amount, 4 * 50.0)

    def test_holding_rules(self):
        """Class maximum, minimum and colleges bound what the accountant may confirm."""
        member = self._create_member("Bounded")
        with self.assertRaisesRegex(UserError, "above the maximum"):
            self._accountant_records(101, member).action_confirm()
        self._subscribe(member, 2)
        redemption = (
            self.env["coop.share.operation"]
            .with_user(self.accountant_a)
            .create(
                {
                    "member_id": member.id,
                    "company_id": self.company_a.id,
                    "share_class_id": self.class_a.id,
                    "operation_type": "redemption",
                    "quantity": 3,
                }
            )
        )
        with self.assertRaisesRegex(UserError, "cannot be removed"):
            redemption.action_confirm()
        self.class_a.college_ids = self.colleges_a[1]
        with self.assertRaisesRegex(UserError, "not open to the college"):
            self._accountant_records(1, member).action_confirm()
        other = self._create_member("Other college", college=self.colleges_a[1])
        self._accountant_records(1, other).action_confirm()
        self.assertEqual(other.share_count, 1)

    def test_transfer_refusals_store_nothing(self):
        """A transfer refused by the holding rules leaves both holdings as they were."""
        giver = self._create_member("Cédant")
        receiver = self._create_member("Cessionnaire")
        self._subscribe(giver, 5)
        self._subscribe(receiver, 99)
        Operation = self.env["coop.share.operation"].with_user(self.accountant_a)

        def transfer(quantity, to=receiver):
            return Operation.create(
                {
                    "member_id": giver.id,
                    "company_id": self.company_a.id,
                    "counterpart_member_id": to.id,
                    "share_class_id": self.class_a.id,
                    "operation_type": "transfer",
                    "quantity": quantity,
                }
            )

        # The receiver would go above the class maximum (100).
        with self.assertRaisesRegex(UserError, "above the maximum"):
            transfer(2).action_confirm()
        # The class is not open to the receiver's college.
        other_college = self._create_member("Producteur", college=self.colleges_a[1])
        self.class_a.college_ids = self.college_a_cons
        with self.assertRaisesRegex(UserError, "not open to the college"):
            transfer(1, to=other_college).action_confirm()
        self.assertEqual((giver.share_count, receiver.share_count), (5, 99))
        self.assertFalse(
            Operation.search(
                [
                    ("member_id", "=", giver.id),
                    ("operation_type", "=", "transfer"),
                    ("state", "=", "confirmed"),
                ]
            )
        )

    def test_type_constraints(self):
        """A transfer needs a receiver; zero shares is refused by the database."""
        member = self._create_member("Typed")
        with self.assertRaises(ValidationError):
            self.env["coop.share.operation"].with_user(self.accountant_a).create(
                {
                    "member_id": member.id,
                    "company_id": self.company_a.id,
                    "share_class_id": self.class_a.id,
                    "operation_type": "transfer",
                    "quantity": 1,
                }
            )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self._accountant_records(0, member)

    def test_register_multi_company(self):
        """Each cooperative's accountant sees only its register; readers change nothing."""
        member_a = self._create_member("In A")
        member_b = self._create_member("In B", company=self.company_b)
        op_a = self._subscribe(member_a, 1)
        op_b = self._subscribe(member_b, 1)
        Operation = self.env["coop.share.operation"].with_user(self.accountant_a)
        self.assertEqual(Operation.search([("id", "in", (op_a | op_b).ids)]), op_a)
        with self.assertRaises(AccessError):
            op_b.with_user(self.accountant_a).read(["name"])
        Movement = self.env["coop.share.movement"].with_user(self.accountant_a)
        self.assertEqual(set(Movement.search([]).mapped("company_id").ids), {self.company_a.id})
        # Readers see holdings, never change the register.
        with self.assertRaises(AccessError):
            op_a.with_user(self.reader_a).write({"note": "x"})
