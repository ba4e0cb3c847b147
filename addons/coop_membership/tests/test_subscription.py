from odoo import fields
from odoo.exceptions import AccessError, UserError

from .capital_common import CoopCapitalTestCommon
from .role_guard import superuser_because, superuser_setup

REVIEW = "coop_membership.mail_activity_subscription_review"
PAYMENT = "coop_membership.mail_activity_subscription_payment"
LETTER = "coop_membership.mail_activity_subscription_letter"


class TestSubscription(CoopCapitalTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo books a branch's payments on the outstanding accounts of the chart's root
        # company: the accountant who cashes also works in the federation (as in the demo).
        cls.accountant_a.company_ids |= cls.federation

    def _request(self, user=None, **vals):
        """A draft typed by the officer (or ``user``)."""
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
        return (
            self.env["coop.subscription.request"].with_user(user or self.officer_a).create(values)
        )

    def _accepted(self, **vals):
        """A request the officer submitted and accepted (call for payment issued)."""
        request = self._request(**vals)
        request.action_submit()
        request.action_validate()
        return request

    def _pay(self, invoice, amount=None, user=None):
        """The accountant records the payment on the capital call."""
        wizard = (
            self.env["account.payment.register"]
            .with_user(user or self.accountant_a)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": amount or invoice.amount_residual})
        )
        wizard._create_payments()

    def _activities(self, request, xmlid):
        return request.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(xmlid)
        )

    def test_happy_path_invoice_payment_admission(self):
        """The officer records and accepts a subscription, the accountant records the
        payment: the person is admitted with the shares."""
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
        # Called, not yet paid capital (1012) until the payment (see test_books_agree).
        self.assertEqual(line.account_id, self.company_a.coop_capital_called_account_id)
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
        second = self._accepted(partner_id=member.partner_id.id, quantity=3)
        self._pay(second.invoice_id)
        self.assertEqual(second.member_id, member)
        self.assertEqual(member.share_count, 5)
        self.assertEqual(member.member_number, request.member_id.member_number)

    def test_cooperative_accountant_alone_runs_the_subscription(self):
        """The Cooperative / Accountant group is enough to accept and invoice."""
        accountant = self.accountant_a
        self.assertTrue(accountant.has_group("account.group_account_invoice"))
        request = self._request(user=accountant)
        request.action_submit()
        request.action_validate()
        self.assertEqual(request.invoice_id.state, "posted")
        # The paid invoice registers the shares and admits the person.
        self._pay(request.invoice_id)
        self.assertEqual(request.state, "paid")
        self.assertEqual(request.member_id.state, "member")
        self.assertEqual(request.member_id.share_count, 2)

    def test_officer_accepts_and_calls_for_payment_without_accounting_rights(self):
        """The officer accepts a subscription: the call for payment (the capital release
        invoice) is issued although she keeps no accounts."""
        self.assertFalse(self.officer_a.has_group("account.group_account_invoice"))
        request = self._accepted()
        self.assertEqual(request.state, "waiting_payment")
        self.assertEqual(request.sudo().invoice_id.state, "posted")
        self.assertEqual(request.sudo().invoice_id.amount_total, 100.0)
        self.assertEqual(request.member_id.state, "candidate")

    def test_reader_cannot_accept_a_subscription(self):
        """A read-only user of the cooperative cannot accept a subscription."""
        request = self._request()
        request.action_submit()
        with self.assertRaises(AccessError):
            request.with_user(self.reader_a).action_validate()
        self.assertEqual(request.state, "submitted")
        self.assertFalse(request.invoice_id)
        self.assertFalse(request.member_id)

    def test_payment_request_email_carries_the_invoice(self):
        """The call for payment by email has the invoice attached; a person without
        email gets it by post (an office task)."""
        request = self._accepted()
        message = request.message_ids.filtered(lambda m: m.attachment_ids)[:1]
        self.assertTrue(message, "the call for payment has the invoice attached")
        expected = request.invoice_id.name.replace("/", "_") + ".pdf"
        self.assertEqual(message.attachment_ids.name, expected)
        paper = self._accepted(
            partner_name="Marcel Bonnet", email=False, street="2 rue", zip="37300", city="Joué"
        )
        self.assertFalse(paper.message_ids.attachment_ids)
        self.assertEqual(len(self._activities(paper, LETTER)), 2, "acknowledgement and call")

    def test_reversal_reverses_the_accounting(self):
        """The accountant reverses a subscription entered twice: the credit note undoes
        the capital release."""
        request = self._accepted()
        invoice = request.sudo().invoice_id
        self._pay(invoice)
        operation = request.operation_id.with_user(self.accountant_a)
        reversal = operation.action_reverse(note="Subscription entered twice")
        credit_note = reversal.move_id
        self.assertEqual(credit_note.move_type, "out_refund")
        self.assertEqual(credit_note.state, "posted")
        self.assertEqual(credit_note.reversed_entry_id, invoice)
        self.assertEqual(credit_note.amount_total, invoice.amount_total)
        called = self.company_a.coop_capital_called_account_id
        self.assertEqual(
            credit_note.line_ids.filtered(lambda line: line.account_id == called).debit, 100.0
        )
        # The paid capital (1013) the payment had booked is reversed with it.
        capital_lines = self.env["account.move.line"].search(
            [
                ("account_id", "=", self.class_a.capital_account_id.id),
                ("partner_id", "=", request.partner_id.id),
                ("parent_state", "=", "posted"),
            ]
        )
        self.assertEqual(len(capital_lines), 2)
        self.assertEqual(sum(capital_lines.mapped("balance")), 0.0)
        self.assertEqual(request.member_id.share_count, 0)
        # The request keeps its history: paid, then its operation reversed.
        self.assertEqual(request.state, "paid")
        self.assertIn(f"was reversed by {reversal.name}", request.message_ids[0].body)

    def test_paper_person_gets_a_postal_task(self):
        """A person who asked for paper mail: the officer is told to print and post the
        acknowledgement."""
        request = self._request(email=False, contact_channel="paper")
        request.action_submit()
        letter = self._activities(request, LETTER)
        self.assertEqual(letter.user_id, self.officer_a)
        self.assertIn("Send by post", letter.summary)
        self.assertEqual(request.partner_id.coop_contact_channel, "paper")

    def test_refusals(self):
        """Wrong numbers of shares, a closed class or a second open request are refused
        with a clear message, and nothing is stored."""
        with self.assertRaisesRegex(UserError, "between 1 and 100"):
            self._request(quantity=101).action_submit()
        self.class_a.college_ids = self.colleges_a[1]
        with self.assertRaisesRegex(UserError, "not open to the college"):
            self._request(share_class_id=self.class_a.id).action_submit()
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
        """The officer refuses an accepted subscription with a reason: its invoice is
        cancelled and the accountant has nothing left to cash."""
        request = self._accepted()
        invoice = request.sudo().invoice_id
        self.assertTrue(self._activities(request, PAYMENT))
        with self.assertRaisesRegex(UserError, "reason"):
            request.action_reject()
        wizard = (
            self.env["coop.subscription.reject.wizard"]
            .with_user(self.officer_a)
            .create({"request_id": request.id, "reason": "Outside our territory"})
        )
        wizard.action_confirm()
        self.assertFalse(self._activities(request, PAYMENT))
        self.assertEqual(request.state, "rejected")
        self.assertEqual(invoice.state, "cancel")
        self.assertEqual(request.member_id.share_count, 0)
        with self.assertRaises(UserError):
            request.action_validate()
        with self.assertRaises(UserError):
            request.unlink()

    def test_reject_after_payment_is_refused(self):
        """A subscription already partly paid cannot be cancelled before a refund."""
        request = self._accepted()
        self._pay(request.sudo().invoice_id, 10.0)
        with self.assertRaisesRegex(UserError, "already received a payment"):
            request.action_cancel()

    def test_new_person_keeps_birth_date_and_cooperative_language(self):
        """A new person typed by the office keeps the birth date and reads the
        cooperative's language."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.company_a.partner_id.lang = "fr_FR"
        request = self._request(birthdate="1958-03-21", contact_channel="paper")
        request.with_context(lang="en_US").action_submit()
        person = request.partner_id
        self.assertEqual(str(person.coop_birthdate), "1958-03-21")
        self.assertEqual(person.coop_contact_channel, "paper")
        self.assertEqual(person.lang, "fr_FR")

    def test_cancel_and_restart(self):
        """A cancelled request started again for someone else invoices and registers the
        new person, not the first one."""
        request = self._request()
        request.action_cancel()
        request.action_draft()
        request.action_submit()
        self.assertEqual(request.state, "submitted")
        # Accepted, cancelled, started again for someone else: the new person is invoiced
        # and gets the shares, not the membership made for the first one.
        request.action_validate()
        first_member, first_invoice = request.member_id, request.sudo().invoice_id
        request.action_cancel()
        self.assertEqual(first_invoice.state, "cancel")
        request.action_draft()
        self.assertFalse(request.member_id or request.invoice_id)
        other = self._create_member("Paul Girard")
        request.partner_id = other.partner_id
        request.action_submit()
        request.action_validate()
        self._pay(request.sudo().invoice_id)
        self.assertEqual(request.member_id, other)
        self.assertEqual(request.sudo().invoice_id.partner_id, other.partner_id)
        self.assertEqual((other.share_count, first_member.share_count), (2, 0))

    def test_below_class_minimum_is_refused(self):
        """Below the class minimum the request is refused and no contact is created."""
        self.class_a.min_shares = 3
        with self.assertRaisesRegex(UserError, "would hold 2 shares"):
            self._request(quantity=2).action_submit()
        self.assertFalse(
            self.env["res.partner"].search_count([("email", "=", "claire@example.org")]),
            "a refused request creates no contact",
        )

    def test_submitted_request_cannot_be_forged(self):
        """Status, invoice and shares of an invoiced request cannot be written by hand."""
        request = self._accepted()
        invoice = request.sudo().invoice_id
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
            self.env["coop.subscription.request"].with_user(self.officer_a).with_context(
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
        """A member in their notice period subscribes more shares and keeps their number."""
        member = self._create_member("Odile Perrin")
        self._subscribe(member, 1)
        member.with_user(self.officer_a).action_request_exit()
        self.assertEqual(member.state, "resigning")
        number = member.member_number
        request = self._accepted(partner_id=member.partner_id.id, quantity=1)
        self._pay(request.sudo().invoice_id)
        self.assertEqual(request.state, "paid")
        self.assertEqual((member.state, member.member_number), ("resigning", number))
        self.assertEqual(member.share_count, 2)

    # ------------------------------------------------------------------
    # Who is told: the role whose step comes next gets an activity at once
    # ------------------------------------------------------------------
    @superuser_because("the website submits applications as superuser after its own checks")
    def test_website_application_gives_the_officers_a_task(self):
        """An application sent from the website gives an officer of that cooperative a
        task, the work spread over the officers; the other cooperative hears nothing."""
        officer_a2 = self._create_user(
            "officer_a2", "coop_membership.group_coop_officer", self.company_a
        )
        requests = (
            self.env["coop.subscription.request"]
            .sudo()
            .create(
                [
                    {
                        "company_id": self.company_a.id,
                        "partner_name": name,
                        "email": f"{name.lower()}@example.org",
                        "college_id": self.college_a_cons.id,
                        "share_class_id": self.class_a.id,
                    }
                    for name in ("Alice", "Bruno")
                ]
            )
        )
        requests.action_submit()
        reviews = requests.activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(REVIEW)
        )
        self.assertEqual(len(reviews), 2)
        self.assertEqual(reviews.user_id, self.officer_a | officer_a2, "one each")
        self.assertFalse(reviews.user_id & (self.officer_b | self.accountant_a | self.reader_a))
        self.assertEqual(set(reviews.mapped("date_deadline")), {fields.Date.today()})

    def test_accepted_subscription_tells_the_accountant_to_record_the_payment(self):
        """Once the officer calls for payment, the cooperative's accountant has a task to
        record the payment; it is done when the payment is recorded."""
        request = self._request()
        request.action_submit()
        review = self._activities(request, REVIEW)
        self.assertEqual(review.user_id, self.officer_a, "the officer who typed it")
        request.action_validate()
        self.assertFalse(self._activities(request, REVIEW), "the review is done")
        payment = self._activities(request, PAYMENT)
        self.assertEqual(payment.user_id, self.accountant_a)
        self.assertEqual(payment.date_deadline, request.sudo().invoice_id.invoice_date_due)
        self.assertIn(request.sudo().invoice_id.name, str(payment.note))
        # The accountant sees it among their own activities.
        mine = (
            self.env["mail.activity"]
            .with_user(self.accountant_a)
            .search([("user_id", "=", self.accountant_a.id), ("res_model", "=", request._name)])
        )
        self.assertEqual(mine, payment)
        self._pay(request.sudo().invoice_id)
        self.assertEqual(request.state, "paid")
        self.assertFalse(self._activities(request, PAYMENT), "marked done by the payment")
        done = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", request._name),
                    ("res_id", "=", request.id),
                    ("mail_activity_type_id", "=", self.env.ref(PAYMENT).id),
                ]
            )
        )
        self.assertTrue(done, "the done activity is logged on the request")

    def test_cancelled_request_leaves_no_task(self):
        """A request cancelled after its call for payment leaves nobody a task."""
        request = self._accepted()
        request.action_cancel()
        self.assertFalse(self._activities(request, REVIEW) | self._activities(request, PAYMENT))

    def test_form_preselects_the_only_class_and_the_country(self):
        """On a new subscription form, the only class open to the college is chosen and
        the country is the cooperative's."""
        self.company_a.country_id = self.env.ref("base.fr")
        with superuser_setup("arrange: a second class, for producers only"):
            producers_class = self.env["coop.share.class"].create(
                {
                    "name": "Producer share",
                    "code": "B",
                    "company_id": self.company_a.id,
                    "nominal_value": 500.0,
                    "college_ids": [fields.Command.set(self.colleges_a[1].ids)],
                }
            )
            self.class_a.college_ids = self.colleges_a[0]
        Request = self.env["coop.subscription.request"].with_user(self.officer_a)
        request = Request.create(
            {
                "partner_name": "Lucie Moreau",
                "college_id": self.college_a_cons.id,
            }
        )
        self.assertEqual(request.share_class_id, self.class_a)
        self.assertEqual(request.country_id, self.env.ref("base.fr"))
        self.assertEqual(
            Request.create(
                {"partner_name": "Ferme Bio", "college_id": self.colleges_a[1].id}
            ).share_class_id,
            producers_class,
        )
        # Two classes open to the college: the officer chooses.
        with superuser_setup("arrange: both classes open to every college"):
            (self.class_a | producers_class).college_ids = False
        form = Request.new({"partner_name": "Indécis", "college_id": self.college_a_cons.id})
        self.assertFalse(form.share_class_id)

    def test_dialogs_of_the_flows_have_a_french_title(self):
        """The officer's dialogs (refusing a subscription, recording an exit) are titled
        in French, never with Odoo's fallback."""
        self.env["res.lang"]._activate_lang("fr_FR")
        request = self._request()
        request.action_submit()
        action = request.with_context(lang="fr_FR").action_open_reject_wizard()
        self.assertEqual(action["name"], "Refuser la souscription")
        self.assertEqual(action["target"], "new")
        member = self._create_member("Zoé Marchal")
        action = (
            member.with_user(self.officer_a).with_context(lang="fr_FR").action_open_exit_wizard()
        )
        self.assertEqual(action["name"], "Enregistrer une sortie")
        self.assertEqual(action["target"], "new")

    def test_choosing_who_is_told_costs_the_same_for_many_requests(self):
        """Telling the office about 30 applications at once costs no more queries to
        choose who is told than about 3."""
        # As the website does (superuser): the officer is chosen among the cooperative's.
        Request = self.env["coop.subscription.request"]

        def queries(count):
            requests = Request.create(
                [
                    {
                        "company_id": company.id,
                        "partner_name": f"Batch {count} {i}",
                        "college_id": college.id,
                        "share_class_id": share_class.id,
                    }
                    for i in range(count)
                    for company, college, share_class in (
                        (self.company_a, self.college_a_cons, self.class_a),
                    )
                ]
            )
            self.env.flush_all()
            before = self.env.cr.sql_log_count
            assignees = requests._coop_role_assignees("coop_membership.group_coop_officer", REVIEW)
            self.assertEqual(set(assignees.values()), {self.officer_a})
            return self.env.cr.sql_log_count - before

        queries(3)  # warm the caches (references, access rules)
        self.assertEqual(queries(30), queries(3))
