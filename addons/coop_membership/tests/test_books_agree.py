from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import Form

from .capital_common import CoopCapitalTestCommon
from .role_guard import superuser_setup


class TestBooksAgree(CoopCapitalTestCommon):
    """The accounts of the share capital say what the share register says."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo books a branch's payments on the outstanding accounts of the chart's root
        # company: the accountant who cashes also works in the federation (as in the demo).
        cls.accountant_a.company_ids |= cls.federation
        cls.chart_a = cls.env["account.chart.template"].with_company(cls.company_a)

    def _account(self, xmlid):
        return self.chart_a.ref(xmlid)

    def _accepted(self, name, quantity):
        """The officer types, submits and accepts a subscription: the call for payment."""
        request = (
            self.env["coop.subscription.request"]
            .with_user(self.officer_a)
            .create(
                {
                    "company_id": self.company_a.id,
                    "partner_name": name,
                    "email": f"{name.split()[0].lower()}@example.org",
                    "street": "1 rue Nationale",
                    "zip": "37000",
                    "city": "Tours",
                    "college_id": self.college_a_cons.id,
                    "share_class_id": self.class_a.id,
                    "quantity": quantity,
                }
            )
        )
        request.action_submit()
        request.action_validate()
        return request

    def _pay(self, request):
        """The accountant records the member's payment of the call."""
        invoice = request.sudo().invoice_id
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.accountant_a)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": invoice.amount_residual})
        )
        wizard._create_payments()
        self.assertEqual(request.state, "paid")

    def _credit_note(self, move):
        """The accountant applies Odoo's credit note wizard (Reverse) to an entry."""
        return (
            self.env["account.move.reversal"]
            .with_user(self.accountant_a)
            .with_context(active_model="account.move", active_ids=move.ids)
            .create({"reason": "Annulation", "journal_id": move.journal_id.id})
            .refund_moves()
        )

    def _balances(self, accounts):
        """Posted balance of ``accounts`` per cooperative (credit positive), one query."""
        groups = self.env["account.move.line"]._read_group(
            [
                ("company_id", "in", (self.company_a | self.company_b).ids),
                ("parent_state", "=", "posted"),
                ("account_id", "in", accounts.ids),
            ],
            ["company_id"],
            ["balance:sum"],
        )
        balances = {company.id: -total for company, total in groups}
        return {
            company.id: balances.get(company.id, 0.0) for company in self.company_a | self.company_b
        }

    def assertBooksAgree(self, expected, step):
        """Capital accounts of each cooperative == nominal capital of its register."""
        capital_accounts = (self.class_a | self.class_b).capital_account_id
        books = self._balances(capital_accounts)
        register = (self.company_a | self.company_b)._coop_subscribed_capital()
        self.assertEqual(books, register, f"after {step}: books {books}, register {register}")
        self.assertEqual(register[self.company_a.id], expected, f"after {step}")
        # Nothing is left in called unpaid capital once the calls are paid or reversed.
        called = self.company_a.coop_capital_called_account_id
        self.assertEqual(self._balances(called)[self.company_a.id], self.unpaid_calls, step)

    def test_capital_books_set_up_with_the_chart(self):
        """A cooperative that gets the French chart has its capital journal (CAP) and
        members' accounts; so do cooperatives that had their chart before."""
        company = self.company_a
        self.assertEqual(company.coop_capital_journal_id.code, "CAP")
        self.assertNotEqual(company.coop_capital_journal_id, self.company_b.coop_capital_journal_id)
        contribution = company.coop_capital_receivable_account_id
        self.assertEqual(contribution, self._account("pcg_45615"))
        self.assertEqual(contribution.account_type, "asset_receivable")
        self.assertTrue(contribution.reconcile)
        self.assertEqual(company.coop_capital_called_account_id, self._account("pcg_1012"))
        self.assertEqual(self.class_a.journal_id, company.coop_capital_journal_id)
        self.assertEqual(self.class_a.capital_account_id, self._account("pcg_1013"))
        # A cooperative whose chart came before the module: the module's data sets it up and
        # moves its share classes off the sales journal.
        with superuser_setup("arrange: a cooperative set up before the capital books"):
            sales = self.env["account.journal"].search(
                [*self.env["account.journal"]._check_company_domain(self.company_b)]
                + [("type", "=", "sale"), ("code", "!=", "CAP")],
                limit=1,
            )
            self.company_b.coop_capital_journal_id.active = False
            self.company_b.coop_capital_journal_id = False
            self.company_b.coop_capital_called_account_id = False
            self.class_b.journal_id = sales
            self.env["res.company"]._coop_setup_capital_accounting_all()
        self.assertEqual(self.company_b.coop_capital_journal_id.code, "CAP")
        self.assertEqual(self.class_b.journal_id, self.company_b.coop_capital_journal_id)
        self.assertEqual(self.company_b.coop_capital_called_account_id, self._account("pcg_1012"))

    def test_capital_call_on_member_accounts(self):
        """The officer's call for payment is numbered in the capital journal and owed on
        the member's contribution account (4561), not on 411100 among sales invoices; once
        the accountant records the payment, the capital moves from 1012 to 1013."""
        request = self._accepted("Claire Martin", 4)
        invoice = request.sudo().invoice_id
        self.assertEqual(invoice.journal_id.code, "CAP")
        self.assertTrue(invoice.name.startswith("CAP/"), invoice.name)
        receivable = invoice.line_ids.filtered(lambda line: line.display_type == "payment_term")
        self.assertEqual(receivable.account_id, self._account("pcg_45615"))
        self.assertNotEqual(receivable.account_id, self._account("fr_pcg_recv"))
        self.assertEqual(receivable.partner_id, request.partner_id)
        called = invoice.line_ids.filtered(lambda line: line.display_type == "product")
        self.assertEqual(called.account_id, self._account("pcg_1012"))
        self.assertEqual(called.credit, 200.0)
        self._pay(request)
        self.assertTrue(receivable.reconciled)
        release = invoice.coop_capital_release_move_id
        self.assertEqual(release.state, "posted")
        self.assertEqual(
            sorted((line.account_id.code, line.debit, line.credit) for line in release.line_ids),
            [("101200", 200.0, 0.0), ("101300", 0.0, 200.0)],
        )
        self.assertEqual(release.date, request.operation_id.date)

    def test_credit_note_on_capital_invoice_refused(self):
        """The accountant's credit note on a paid capital call is refused with a pointer to
        the register's reversal; on an unpaid call, with a pointer to the request; Reverse
        on a redemption entry is refused too. Nothing is posted."""
        request = self._accepted("Claire Martin", 4)
        invoice = request.sudo().invoice_id
        moves_before = self.env["account.move"].search_count([])
        with self.assertRaisesRegex(UserError, "refuse or cancel the request"):
            self._credit_note(invoice)
        self._pay(request)
        with self.assertRaisesRegex(UserError, "Reverse the operation in the share register"):
            self._credit_note(invoice)
        with self.assertRaisesRegex(UserError, "Reverse the operation in the share register"):
            invoice.with_user(self.accountant_a).action_reverse()
        with self.assertRaisesRegex(UserError, "Reverse the operation in the share register"):
            self._credit_note(invoice.coop_capital_release_move_id)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before + 2)
        self.assertFalse(invoice.reversal_move_ids)
        self.assertEqual(request.member_id.share_count, 4)
        # The register's reversal is the way, and it reverses the books with it.
        request.operation_id.with_user(self.accountant_a).action_reverse()
        self.assertEqual(invoice.reversal_move_ids.state, "posted")
        self.assertEqual(invoice.coop_capital_release_move_id.reversal_move_ids.state, "posted")
        with self.assertRaisesRegex(UserError, "register"):
            self._credit_note(invoice)

    def test_books_agree_after_every_operation(self):
        """After each operation of the register, done by the role whose job it is, the
        capital accounts of each cooperative hold exactly the register's nominal capital."""
        self.unpaid_calls = 0.0
        self.assertBooksAgree(0.0, "nothing")

        # Subscriptions: the officer calls the capital, the accountant records payments.
        claire_request = self._accepted("Claire Martin", 4)
        self.unpaid_calls = 200.0
        self.assertBooksAgree(0.0, "a call for payment")
        self._pay(claire_request)
        self.unpaid_calls = 0.0
        self.assertBooksAgree(200.0, "its payment")
        paul_request = self._accepted("Paul Girard", 6)
        self._pay(paul_request)
        self.assertBooksAgree(500.0, "a second subscription")
        claire, paul = claire_request.member_id, paul_request.member_id

        # Transfer: the accountant records 1 share going from Paul to Claire.
        action = paul.with_user(self.accountant_a).action_open_transfer_wizard()
        form = Form(
            self.env["coop.share.transfer.wizard"]
            .with_user(self.accountant_a)
            .with_context(**action["context"])
        )
        form.counterpart_member_id = claire
        form.quantity = 1
        form.save().with_user(self.accountant_a).action_transfer()
        self.assertEqual((claire.share_count, paul.share_count), (5, 5))
        self.assertBooksAgree(500.0, "a transfer")

        # Conversion: the accountant converts 2 of Paul's ordinary shares into support
        # shares of the same nominal value (a conversion keeps the capital).
        class_c = self.env["coop.share.class"].create(
            {
                "name": "Support",
                "code": "C",
                "company_id": self.company_a.id,
                "nominal_value": 50.0,
                "min_shares": 0,
            }
        )
        conversion = (
            self.env["coop.share.operation"]
            .with_user(self.accountant_a)
            .create(
                {
                    "member_id": paul.id,
                    "company_id": self.company_a.id,
                    "share_class_id": self.class_a.id,
                    "target_share_class_id": class_c.id,
                    "operation_type": "conversion",
                    "quantity": 2,
                }
            )
        )
        conversion.action_confirm()
        self.assertEqual(conversion.state, "confirmed")
        self.assertBooksAgree(500.0, "a conversion")

        # Redemption: Claire leaves; the officer records the board's approval.
        claire.with_user(self.officer_a).action_request_exit()
        claire.with_user(self.officer_a).action_confirm_exit()
        redemption = (
            self.env["coop.redemption.request"]
            .with_user(self.officer_a)
            .create(
                {
                    "member_id": claire.id,
                    "company_id": self.company_a.id,
                    "share_class_id": self.class_a.id,
                    "quantity": 5,
                }
            )
        )
        redemption.action_approve()
        self.assertBooksAgree(250.0, "a redemption")

        # Refund: the accountant pays Claire at the due date.
        with freeze_time(redemption.due_date):
            redemption.with_user(self.accountant_a).action_register_payment()
        self.assertEqual(redemption.state, "paid")
        self.assertBooksAgree(250.0, "the refund")

        # Credit note: refused on a paid call, the books and the register unchanged.
        marie_request = self._accepted("Marie Lefèvre", 2)
        self._pay(marie_request)
        self.assertBooksAgree(350.0, "a third subscription")
        with self.assertRaisesRegex(UserError, "share register"):
            self._credit_note(marie_request.sudo().invoice_id)
        self.assertBooksAgree(350.0, "a refused credit note")

        # Reversal: the accountant reverses Marie's subscription in the register.
        reversal = marie_request.operation_id.with_user(self.accountant_a).action_reverse(
            date=fields.Date.today()
        )
        self.assertEqual(reversal.move_id.move_type, "out_refund")
        self.assertBooksAgree(250.0, "a reversal")
        # The credit note leaves the amount owed back to Marie on her contribution account.
        contribution = self.company_a.coop_capital_receivable_account_id
        marie_lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", contribution.id),
                ("partner_id", "=", marie_request.partner_id.id),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertEqual(sum(marie_lines.mapped("balance")), -100.0)

    def test_register_taken_over_gets_its_opening_entry(self):
        """Shares taken over from a paper register, entered straight in the register, get
        one opening entry: the capital account then says what the register says."""
        self.unpaid_calls = 0.0
        self._subscribe(self._create_member("Odette Lemoine"), 8)
        self._subscribe(self._create_member("Yves Fontaine", company=self.company_b), 3)
        register = (self.company_a | self.company_b)._coop_subscribed_capital()
        self.assertEqual(register, {self.company_a.id: 400.0, self.company_b.id: 300.0})
        self.assertEqual(
            self._balances(self.class_a.capital_account_id),
            {self.company_a.id: 0.0, self.company_b.id: 0.0},
        )
        with superuser_setup("arrange: the opening entry of the data set-up"):
            (self.company_a | self.company_b)._coop_book_register_without_entries(
                fields.Date.today(), "Reprise du registre papier"
            )
        self.assertBooksAgree(400.0, "the opening entry")
