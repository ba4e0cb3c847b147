from odoo.exceptions import AccessError, UserError

from .capital_common import CoopCapitalTestCommon


class TestSubscription(CoopCapitalTestCommon):
    def _request(self, **vals):
        values = {
            "company_id": self.company_a.id,
            "partner_name": "Claire Martin",
            "email": "claire@example.org",
            "street": "1 rue Nationale",
            "zip": "37000",
            "city": "Tours",
            "college_id": self.college_a_cons.id,
            "share_class_id": self.class_a.id,
            "quantity": 2,
        }
        values.update(vals)
        return self.env["coop.subscription.request"].create(values)

    def _pay(self, invoice, amount=None):
        wizard = (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount or invoice.amount_residual})
        )
        wizard._create_payments()

    def test_happy_path_invoice_payment_admission(self):
        request = self._request()
        self.assertTrue(request.name.startswith("SUB/"))
        request.action_submit()
        self.assertEqual(request.state, "submitted")
        self.assertEqual(request.partner_id.name, "Claire Martin")
        self.assertIn("received your request", request.message_ids[0].body or "")
        request.action_validate()
        self.assertEqual(request.state, "waiting_payment")
        invoice = request.invoice_id
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.amount_total, 100.0)
        self.assertEqual(invoice.amount_tax, 0.0)
        line = invoice.invoice_line_ids
        self.assertEqual(line.account_id, self.class_a.capital_account_id)
        self.assertEqual(request.member_id.state, "candidate")
        # A partial payment changes nothing.
        self._pay(invoice, 40.0)
        self.assertEqual(request.state, "waiting_payment")
        self._pay(invoice)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        self.assertEqual(request.state, "paid")
        member = request.member_id
        self.assertEqual(member.state, "member")
        self.assertTrue(member.member_number)
        self.assertEqual(member.share_count, 2)
        self.assertEqual(member.share_amount, 100.0)
        operation = request.operation_id
        self.assertEqual(operation.state, "confirmed")
        self.assertEqual(operation.move_id, invoice)
        # A second subscription of an existing member adds to the holding.
        second = self._request(partner_id=member.partner_id.id, quantity=3)
        second.action_submit()
        second.action_validate()
        self._pay(second.invoice_id)
        self.assertEqual(second.member_id, member)
        self.assertEqual(member.share_count, 5)
        self.assertEqual(member.member_number, request.member_id.member_number)

    def test_cooperative_accountant_alone_runs_the_subscription(self):
        """The Cooperative / Accountant group is enough to accept and invoice."""
        accountant = self.accountant_a
        self.assertTrue(accountant.has_group("account.group_account_invoice"))
        request = self._request().with_user(accountant)
        request.action_submit()
        request.action_validate()
        self.assertEqual(request.invoice_id.state, "posted")
        # The bank payment is reconciled at the federation, whose chart the regional coops
        # share; the paid invoice then registers the shares and admits the person.
        self._pay(request.invoice_id)
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.member_id.state, "member")
        self.assertEqual(request.member_id.share_count, 2)

    def test_officer_cannot_accept_a_subscription(self):
        request = self._request()
        request.action_submit()
        with self.assertRaises(AccessError):
            request.with_user(self.officer_a).action_validate()
        self.assertEqual(request.state, "submitted")
        self.assertFalse(request.invoice_id)
        self.assertFalse(request.member_id)

    def test_payment_request_email_carries_the_invoice(self):
        request = self._request()
        request.action_submit()
        request.action_validate()
        message = request.message_ids.filtered(lambda m: m.attachment_ids)[:1]
        self.assertTrue(message, "the call for payment has the invoice attached")
        expected = request.invoice_id.name.replace("/", "_") + ".pdf"
        self.assertEqual(message.attachment_ids.name, expected)
        paper = self._request(
            partner_name="Marcel Bonnet", email=False, street="2 rue", zip="37300", city="Joué"
        )
        paper.action_submit()
        paper.action_validate()
        self.assertFalse(paper.message_ids.attachment_ids)
        self.assertTrue(paper.activity_ids)

    def test_reversal_reverses_the_accounting(self):
        request = self._request()
        request.action_submit()
        request.action_validate()
        invoice = request.invoice_id
        self._pay(invoice)
        operation = request.operation_id
        reversal = operation.action_reverse(note="Subscription entered twice")
        credit_note = reversal.move_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.amount_total, invoice.amount_total)
        capital = self.class_a.capital_account_id
        self.assertEqual(
            credit_note.line_ids.filtered(lambda line: line.account_id == capital).debit, 100.0
        )
        self.assertEqual(request.member_id.share_count, 0)
        # The request keeps its history: paid, then its operation reversed.
        self.assertEqual(request.state, "paid")
        self.assertIn(f"was reversed by {reversal.name}", request.message_ids[0].body)

    def test_paper_person_gets_a_postal_task(self):
        request = self._request(email=False, contact_channel="paper")
        request.action_submit()
        self.assertTrue(request.activity_ids)
        self.assertEqual(request.partner_id.coop_contact_channel, "paper")

    def test_refusals(self):
        with self.assertRaisesRegex(UserError, "between 1 and 100"):
            self._request(quantity=101).action_submit()
        self.class_a.college_ids = self.colleges_a[1]
        with self.assertRaisesRegex(UserError, "not open to the college"):
            self._request().action_submit()
        self.class_a.college_ids = False
        first = self._request()
        first.action_submit()
        with self.assertRaisesRegex(UserError, "already has an open subscription"):
            self._request(partner_id=first.partner_id.id).action_submit()
        # The same person typed in again (same email, any case) before being created.
        with self.assertRaisesRegex(UserError, "already has an open subscription"):
            self._request(email="Claire@Example.org ").action_submit()
        # An underscore is a character of the address, not a wildcard: Claire X. Martin
        # and claire_martin are two people; the second claire_martin is the same one.
        self._request(
            partner_name="C. X. Martin", email="clairexmartin@example.org"
        ).action_submit()
        self._request(partner_name="C. Martin", email="claire_martin@example.org").action_submit()
        with self.assertRaisesRegex(UserError, "already has an open subscription"):
            self._request(email="CLAIRE_MARTIN@example.org").action_submit()
        # Existing holding counts for the maximum.
        member = self._create_member("Holder")
        self._subscribe(member, 99)
        with self.assertRaisesRegex(UserError, "would hold 101"):
            self._request(partner_id=member.partner_id.id, quantity=2).action_submit()
        # Nothing was stored by the refusals: only the three accepted requests went on.
        self.assertEqual(
            self.env["coop.subscription.request"].search_count(
                [("state", "!=", "draft"), ("company_id", "=", self.company_a.id)]
            ),
            3,
        )

    def test_reject_cancels_invoice(self):
        request = self._request()
        request.action_submit()
        request.action_validate()
        invoice = request.invoice_id
        with self.assertRaisesRegex(UserError, "reason"):
            request.action_reject()
        wizard = self.env["coop.subscription.reject.wizard"].create(
            {"request_id": request.id, "reason": "Outside our territory"}
        )
        wizard.action_confirm()
        self.assertEqual(request.state, "rejected")
        self.assertEqual(invoice.state, "cancel")
        self.assertEqual(request.member_id.share_count, 0)
        with self.assertRaises(UserError):
            request.action_validate()
        with self.assertRaises(UserError):
            request.unlink()

    def test_reject_after_payment_is_refused(self):
        request = self._request()
        request.action_submit()
        request.action_validate()
        self._pay(request.invoice_id, 10.0)
        with self.assertRaisesRegex(UserError, "already received a payment"):
            request.action_cancel()

    def test_new_person_keeps_birth_date_and_cooperative_language(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.company_a.partner_id.lang = "fr_FR"
        request = self._request(birthdate="1958-03-21", contact_channel="paper")
        request.with_context(lang="en_US").action_submit()
        person = request.partner_id
        self.assertEqual(str(person.coop_birthdate), "1958-03-21")
        self.assertEqual(person.coop_contact_channel, "paper")
        self.assertEqual(person.lang, "fr_FR")

    def test_cancel_and_restart(self):
        request = self._request()
        request.action_cancel()
        request.action_draft()
        request.action_submit()
        self.assertEqual(request.state, "submitted")
        # Accepted, cancelled, started again for someone else: the new person is invoiced
        # and gets the shares, not the membership made for the first one.
        request.action_validate()
        first_member, first_invoice = request.member_id, request.invoice_id
        request.action_cancel()
        self.assertEqual(first_invoice.state, "cancel")
        request.action_draft()
        self.assertFalse(request.member_id or request.invoice_id)
        other = self._create_member("Paul Girard")
        request.partner_id = other.partner_id
        request.action_submit()
        request.action_validate()
        self._pay(request.invoice_id)
        self.assertEqual(request.member_id, other)
        self.assertEqual(request.invoice_id.partner_id, other.partner_id)
        self.assertEqual((other.share_count, first_member.share_count), (2, 0))

    def test_below_class_minimum_is_refused(self):
        self.class_a.min_shares = 3
        with self.assertRaisesRegex(UserError, "would hold 2 shares"):
            self._request(quantity=2).action_submit()
        self.assertFalse(
            self.env["res.partner"].search_count([("email", "=", "claire@example.org")]),
            "a refused request creates no contact",
        )

    def test_submitted_request_cannot_be_forged(self):
        request = self._request()
        request.action_submit()
        request.action_validate()
        invoice = request.invoice_id
        # The invoice says 2 shares: the request that registers them cannot say 20.
        with self.assertRaisesRegex(UserError, "no longer be changed"):
            request.write({"quantity": 20})
        with self.assertRaisesRegex(UserError, "set only by its actions"):
            request.write({"state": "paid"})
        with self.assertRaisesRegex(UserError, "set only by its actions"):
            request.write({"invoice_id": False})
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self._request(email="forged@example.org", state="paid")
        # Context defaults fill fields too: the check is on the created records.
        with self.assertRaisesRegex(UserError, "starts as a draft"):
            self.env["coop.subscription.request"].with_context(
                default_state="waiting_payment", default_invoice_id=invoice.id
            ).create(
                {
                    "company_id": self.company_a.id,
                    "partner_name": "Forger",
                    "college_id": self.college_a_cons.id,
                    "share_class_id": self.class_a.id,
                }
            )
        self.assertEqual(
            (request.state, request.quantity, request.invoice_id), ("waiting_payment", 2, invoice)
        )
        # A draft is still edited freely; a submitted one, until it is invoiced, keeps
        # its person but may change college, class and number of shares.
        draft = self._request(email="draft@example.org")
        draft.quantity = 4
        self.assertEqual(draft.amount, 200.0)
        draft.action_submit()
        draft.quantity = 3
        with self.assertRaisesRegex(UserError, "no longer be changed"):
            draft.partner_id = request.partner_id
        self.assertEqual((draft.quantity, draft.partner_id.name), (3, "Claire Martin"))
        self.assertNotEqual(draft.partner_id, request.partner_id)

    def test_member_in_notice_period_can_still_subscribe(self):
        member = self._create_member("Odile Perrin")
        self._subscribe(member, 1)
        member.action_request_exit()
        self.assertEqual(member.state, "resigning")
        number = member.member_number
        request = self._request(partner_id=member.partner_id.id, quantity=1)
        request.action_submit()
        request.action_validate()
        self._pay(request.invoice_id)
        self.assertEqual(request.state, "paid")
        self.assertEqual((member.state, member.member_number), ("resigning", number))
        self.assertEqual(member.share_count, 2)
