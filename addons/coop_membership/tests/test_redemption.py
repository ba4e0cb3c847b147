from dateutil.relativedelta import relativedelta
from freezegun import freeze_time
from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import mute_logger

from .capital_common import CoopCapitalTestCommon

REVIEW = "coop_membership.mail_activity_redemption_review"
REFUND = "coop_membership.mail_activity_redemption_refund"


class TestRedemption(CoopCapitalTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a.coop_refund_delay_months = 12
        # Odoo books a branch's payments on the outstanding accounts of the chart's root
        # company: the accountant who pays refunds also works in the federation (as in the
        # demo).
        cls.accountant_a.company_ids |= cls.federation
        cls.accountant_b.company_ids |= cls.federation
        # Enough capital from others so that the floor does not interfere by default.
        cls.big = cls._create_member("Big holder")
        cls._subscribe(cls.big, 100)

    def _redemption(self, member, quantity, user=None, **vals):
        """A redemption request typed by the officer of the member's cooperative."""
        user = user or (self.officer_a if member.company_id == self.company_a else self.officer_b)
        return (
            self.env["coop.redemption.request"]
            .with_user(user)
            .create(
                {
                    "member_id": member.id,
                    "company_id": member.company_id.id,
                    "share_class_id": (
                        self.class_a if member.company_id == self.company_a else self.class_b
                    ).id,
                    "quantity": quantity,
                    **vals,
                }
            )
        )

    def _leave(self, member):
        """The officer records the member's resignation and its confirmation."""
        officer = self.officer_a if member.company_id == self.company_a else self.officer_b
        member = member.with_user(officer)
        member.action_request_exit()
        member.action_confirm_exit()

    def _activities(self, request, xmlid):
        return request.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(xmlid)
        )

    def _early_refund(self, request, reference="CA du 01/12/2026, résolution 4"):
        """The officer records the board's decision to refund before the due date."""
        request.with_user(self.officer_a).write(
            {"early_refund_date": fields.Date.today(), "early_refund_reference": reference}
        )

    def test_exit_redemption_accounting_and_payment(self):
        """The officer records the board's approval of a leaving member's redemption,
        the accountant pays the refund at its due date: capital and refund are booked."""
        member = self._create_member("Yves Fontaine")
        self._subscribe(member, 4)
        today = fields.Date.today()
        self._leave(member)
        redemption = self._redemption(member, 4)
        self.assertEqual(redemption.redemption_type, "resignation")
        self.assertEqual(redemption.exit_date, today)
        self.assertEqual(redemption.due_date, today + relativedelta(months=12))
        self.assertEqual(redemption.refund_amount, 200.0)
        redemption.action_approve()
        self.assertEqual(redemption.state, "approved")
        self.assertEqual(member.share_count, 0)
        operation = redemption.sudo().operation_id
        self.assertEqual(operation.operation_type, "redemption")
        self.assertEqual(operation.state, "confirmed")
        move = redemption.sudo().move_id
        self.assertEqual(move.state, "posted")
        capital_line = move.line_ids.filtered(
            lambda line: line.account_id == self.class_a.capital_account_id
        )
        refund_line = move.line_ids.filtered(
            lambda line: line.account_id == self.class_a.refund_account_id
        )
        self.assertEqual(capital_line.debit, 200.0)
        self.assertEqual(refund_line.credit, 200.0)
        with freeze_time(redemption.due_date):
            redemption.with_user(self.accountant_a).action_register_payment()
        self.assertEqual(redemption.state, "paid")
        self.assertTrue(refund_line.reconciled)
        with self.assertRaises(UserError):
            redemption.write({"quantity": 1})
        with self.assertRaises(UserError):
            redemption.unlink()

    def test_loss_reduced_refund(self):
        """An excluded member bears the booked losses: the refund is the nominal value
        minus the losses per share."""
        self.company_a.coop_loss_per_share = 5.0
        member = self._create_member("Loss bearer")
        self._subscribe(member, 2)
        member.with_user(self.officer_a).action_exclude(reason="Statutes breach")
        redemption = self._redemption(member, 2)
        self.assertEqual(redemption.redemption_type, "exclusion")
        self.assertEqual(redemption.refund_unit_value, 45.0)
        self.assertEqual(redemption.refund_amount, 90.0)
        redemption.action_approve()
        move = redemption.sudo().move_id
        self.assertEqual(sum(move.line_ids.mapped("debit")), 100.0)
        loss_line = move.line_ids.filtered(
            lambda line: line.account_id == self.class_a.loss_account_id
        )
        self.assertEqual(loss_line.credit, 10.0)

    def test_refusals(self):
        """A member who stays cannot be redeemed as if leaving, nor below the class
        minimum; a leaving member has all their shares redeemed."""
        member = self._create_member("Still member")
        self._subscribe(member, 3)
        with self.assertRaisesRegex(UserError, "has not left the cooperative"):
            self._redemption(member, 3, redemption_type="resignation").action_approve()
        with self.assertRaisesRegex(UserError, "cannot be redeemed"):
            self._redemption(member, 4).action_approve()
        partial = self._redemption(member, 2)
        partial.action_approve()
        self.assertEqual(member.share_count, 1)
        self.class_a.min_shares = 2
        self._subscribe(member, 2)
        self.assertEqual(member.share_count, 3)
        with self.assertRaisesRegex(UserError, "must keep at least"):
            self._redemption(member, 2).action_approve()
        self._leave(member)
        with self.assertRaisesRegex(UserError, "all the shares are redeemed"):
            self._redemption(member, 1).action_approve()

    def test_capital_floor(self):
        """A redemption that would take the capital below its floor is refused."""
        # Highest capital reached: 100 + 10 shares = 5,500; floor = 1,375.
        member = self._create_member("Small")
        self._subscribe(member, 10)
        self._leave(self.big)
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
        """The board decision dates the register entry and freezes the due date; a later
        change of the statutes moves only the drafts."""
        member = self._create_member("Agnès Faure")
        self._subscribe(member, 2)
        member.with_user(self.officer_a).action_request_exit()
        # A resignation in its notice period can still be withdrawn: no refund yet.
        early = self._redemption(member, 2, redemption_type="resignation")
        with self.assertRaisesRegex(UserError, "has not left the cooperative"):
            early.action_approve()
        self.assertEqual((early.state, member.share_count), ("draft", 2))
        member.with_user(self.officer_a).action_confirm_exit()
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
        self.assertEqual(early.sudo().operation_id.date, yesterday)
        self.assertEqual(early.sudo().move_id.date, yesterday)
        due = early.due_date
        self.assertEqual(due, early.exit_date + relativedelta(months=12))
        # The statutes change later: the decided refund keeps its due date, a draft follows.
        other = self._create_member("Romain Blanc")
        self._subscribe(other, 1)
        self._leave(other)
        draft = self._redemption(other, 1)
        self.company_a.coop_refund_delay_months = 24
        self.env.flush_all()
        self.assertEqual(early.due_date, due)
        self.assertEqual(draft.due_date, draft.exit_date + relativedelta(months=24))
        with self.assertRaises(UserError):
            early.decision_date = today

    def test_refunds_of_two_cooperatives_paid_in_one_call(self):
        """An accountant of two cooperatives pays their due refunds in one go, each from
        its own journal, and the requests show the journal and date of each refund."""
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
        accountant = self._create_user(
            "accountant_ab",
            "coop_membership.group_coop_accountant",
            self.company_a,
            extra_companies=self.company_a | self.company_b | self.federation,
        )
        requests = self.env["coop.redemption.request"]
        for company in (self.company_a, self.company_b):
            member = self._create_member(f"Leaving {company.name}", company=company)
            self._subscribe(member, 2)
            self._leave(member)
            # Each cooperative's officer records its board's approval.
            request = self._redemption(member, 2)
            request.action_approve()
            requests |= request
        request_a, request_b = requests
        pay_date = request_a.due_date + relativedelta(days=3)
        requests = requests.with_user(accountant).with_context(
            allowed_company_ids=(self.company_a | self.company_b | self.federation).ids
        )
        requests[1].write({"payment_journal_id": journal_b.id, "payment_date": pay_date})
        with freeze_time(pay_date):
            requests.action_register_payment()
        self.assertEqual(request_b.sudo().payment_id.journal_id, journal_b)
        self.assertEqual(
            (request_b.payment_journal_id, request_b.payment_date), (journal_b, pay_date)
        )
        self.assertNotEqual(request_a.sudo().payment_id.journal_id, journal_b)
        self.assertEqual(request_a.payment_journal_id, request_a.sudo().payment_id.journal_id)
        self.assertEqual(request_a.payment_date, pay_date)
        self.assertEqual(requests.mapped("state"), ["paid", "paid"])

    def test_capital_floor_holds_on_every_path(self):
        """No way around the floor: a redemption typed straight into the register is
        refused like the board's; a correction by reversal always goes through."""
        self._leave(self.big)
        Operation = self.env["coop.share.operation"].with_user(self.accountant_a)

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
        subscription.with_user(self.accountant_a).action_reverse()
        self.assertEqual(self.company_a._coop_subscribed_capital()[self.company_a.id], 1500.0)
        self.assertEqual(newcomer.share_count, 0)

    def test_approved_redemption_cannot_be_forged(self):
        """Status, register entry and amounts of a redemption cannot be typed in."""
        member = self._create_member("Hugo Lambert")
        self._subscribe(member, 2)
        self._leave(member)
        redemption = self._redemption(member, 2)
        redemption.action_approve()
        for vals in ({"state": "draft"}, {"operation_id": False}, {"move_id": False}):
            with self.assertRaisesRegex(UserError, "set only by its actions"):
                redemption.write(vals)
        with self.assertRaisesRegex(UserError, "cannot be deleted"):
            redemption.with_user(self.accountant_a).unlink()
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self._redemption(self.big, 1, redemption_type="partial", state="approved")
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["coop.redemption.request"].with_user(self.officer_a).with_context(
                default_state="approved", default_move_id=redemption.sudo().move_id.id
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
        with self.assertRaisesRegex(UserError, "set when it is recorded"):
            draft.write({"early_refund_user_id": self.officer_a.id})
        # Past the typed-value checks, the database still refuses it.
        with self.assertRaises(IntegrityError), mute_logger("odoo.sql_db"):
            draft._guarded_write({"loss_per_share": -10.0})
            draft.flush_recordset()
        self.assertEqual(redemption.state, "approved")
        self.assertEqual(redemption.sudo().operation_id.state, "confirmed")

    def test_only_accountants_pay_and_readers_do_not_approve(self):
        """The officer records the board's approval but cannot pay; a reader can do
        neither."""
        member = self._create_member("Inès Robert")
        self._subscribe(member, 1)
        self._leave(member)
        redemption = self._redemption(member, 1)
        with self.assertRaises(AccessError):
            redemption.with_user(self.reader_a).action_approve()
        self.assertEqual((redemption.state, member.share_count), ("draft", 1))
        redemption.action_approve()
        self.assertEqual((redemption.state, member.share_count), ("approved", 0))
        self._early_refund(redemption)
        with self.assertRaisesRegex(AccessError, "Only cooperative accountants"):
            redemption.with_user(self.officer_a).action_register_payment()
        self.assertEqual(redemption.state, "approved")

    def test_capital_settings_are_checked(self):
        """Negative losses, a floor ratio above 1 or a negative delay are refused."""
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company_a.coop_loss_per_share = -1.0
        with self.assertRaisesRegex(ValidationError, "between 0 and 1"):
            self.company_a.coop_capital_floor_ratio = 1.5
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.company_a.coop_refund_delay_months = -12

    # ------------------------------------------------------------------
    # Issue 19: the redemption form, the due date, the accountant's task
    # ------------------------------------------------------------------
    def test_partial_redemption_is_no_exit(self):
        """The officer opens a redemption for a member who stays: the class is the
        member's, the reason is a partial redemption, with no exit date."""
        member = self._create_member("Julie Garnier")
        self._subscribe(member, 5)
        request = (
            self.env["coop.redemption.request"]
            .with_user(self.officer_a)
            .create({"member_id": member.id, "quantity": 2})
        )
        self.assertEqual(request.share_class_id, self.class_a)
        self.assertEqual(request.redemption_type, "partial")
        self.assertFalse(request.exit_date)
        self.assertEqual(request.due_date, request.request_date + relativedelta(months=12))
        # A member who left: their exit's reason and date, all their shares.
        leaving = self._create_member("Marc Lefèvre")
        self._subscribe(leaving, 3)
        self._leave(leaving)
        form = (
            self.env["coop.redemption.request"]
            .with_user(self.officer_a)
            .new({"member_id": leaving.id})
        )
        form._onchange_full_holding()
        self.assertEqual(
            (form.share_class_id, form.redemption_type, form.exit_date, form.quantity),
            (self.class_a, "resignation", leaving.exit_date, 3),
        )

    def test_refund_is_not_paid_before_its_due_date(self):
        """The accountant cannot pay a refund before its statutory due date: a clear
        French error, nothing paid."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.company_a.coop_refund_delay_months = 60
        member = self._create_member("Denise Bertin")
        self._subscribe(member, 2)
        self._leave(member)
        request = self._redemption(member, 2)
        request.action_approve()
        due = fields.Date.today() + relativedelta(months=60)
        self.assertEqual(request.due_date, due)
        accountant = self.accountant_a.with_context(lang="fr_FR")
        with self.assertRaisesRegex(UserError, r"est dû le %s" % due.strftime("%d/%m/%Y")):
            request.with_user(accountant).with_context(lang="fr_FR").action_register_payment()
        self.assertEqual((request.state, request.payment_id.id), ("approved", False))
        self.assertFalse(
            self.env["account.payment"].search([("memo", "=", request.name)]), "nothing stored"
        )
        with (
            freeze_time(due - relativedelta(days=1)),
            self.assertRaisesRegex(UserError, "cannot be paid"),
        ):
            request.with_user(self.accountant_a).action_register_payment()
        with freeze_time(due):
            request.with_user(self.accountant_a).action_register_payment()
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.payment_date, due)
        self.assertTrue(request.payment_journal_id)

    def test_board_decides_an_early_refund(self):
        """The board decides an early refund: the officer records its date and minutes,
        the accountant can then pay at once, and the request says who recorded it."""
        member = self._create_member("Sophie Caron")
        self._subscribe(member, 2)
        self._leave(member)
        request = self._redemption(member, 2)
        request.action_approve()
        with self.assertRaisesRegex(UserError, "cannot be dated in the future"):
            request.with_user(self.officer_a).write(
                {
                    "early_refund_date": fields.Date.today() + relativedelta(days=1),
                    "early_refund_reference": "CA futur",
                }
            )
        self._early_refund(request)
        self.assertEqual(request.early_refund_user_id, self.officer_a)
        refund = self._activities(request, REFUND)
        self.assertEqual(refund.user_id, self.accountant_a)
        request.with_user(self.accountant_a).action_register_payment()
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.payment_date, fields.Date.today())
        self.assertEqual(request.payment_journal_id, request.sudo().payment_id.journal_id)
        with self.assertRaisesRegex(UserError, "history"):
            request.with_user(self.officer_a).write({"early_refund_reference": "autre"})
        with self.assertRaisesRegex(UserError, "those of its payment"):
            request.with_user(self.accountant_a).write({"payment_date": fields.Date.today()})

    def test_approval_gives_the_accountant_the_refund_at_its_due_date(self):
        """Once the board's approval is recorded, the accountant has a task to pay the
        refund on its due date; the task is done when the refund is paid."""
        member = self._create_member("Lucien Perret")
        self._subscribe(member, 1)
        self._leave(member)
        request = self._redemption(member, 1)
        review = self._activities(request, REVIEW)
        self.assertEqual(review.user_id, self.officer_a, "the office brings it to the board")
        request.action_approve()
        self.assertFalse(self._activities(request, REVIEW))
        refund = self._activities(request, REFUND)
        self.assertEqual(refund.user_id, self.accountant_a)
        self.assertEqual(refund.date_deadline, request.due_date)
        self.assertFalse(self._activities(request, REFUND).user_id & self.accountant_b)
        with freeze_time(request.due_date):
            request.with_user(self.accountant_a).action_register_payment()
        self.assertFalse(self._activities(request, REFUND), "done with the payment")

    def test_member_space_request_gives_the_office_a_task(self):
        """A member asks from the member space for some shares back: an officer of the
        cooperative gets a task to bring it to the board."""
        member = self._create_member("Chloé Roy")
        self._subscribe(member, 3)
        # As the member space creates it, after its own ownership check (superuser).
        request = (
            self.env["coop.redemption.request"]
            .sudo()
            .create({"member_id": member.id, "company_id": self.company_a.id, "quantity": 1})
        )
        self.assertEqual(request.redemption_type, "partial")
        review = self._activities(request, REVIEW)
        self.assertEqual(review.user_id, self.officer_a)
        self.assertFalse(review.user_id & (self.officer_b | self.manager_a))
        request.with_user(self.officer_a).action_cancel()
        self.assertFalse(self._activities(request, REVIEW), "nothing left to review")
