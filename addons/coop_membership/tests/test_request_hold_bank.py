"""A request's waiting list and bank details (issue #20 §6)."""

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from .capital_common import CoopCapitalTestCommon

REVIEW = "coop_membership.mail_activity_subscription_review"
IBAN = "FR76 3000 6000 0112 3456 7890 189"


class TestRequestHoldBank(CoopCapitalTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo books a branch's payments on the outstanding accounts of the chart's root
        # company: the accountant who cashes also works in the federation (as in the demo).
        cls.accountant_a.company_ids |= cls.federation
        # Capital from others, so that a redemption does not hit the capital floor.
        cls._subscribe(cls._create_member("Big holder"), 100)

    def _request(self, **vals):
        return (
            self.env["coop.subscription.request"]
            .with_user(self.officer_a)
            .create(
                {
                    "company_id": self.company_a.id,
                    "partner_name": "Nina Ferrand",
                    "email": "nina.ferrand@example.org",
                    "college_id": self.college_a_cons.id,
                    "share_class_id": self.class_a.id,
                    "quantity": 2,
                    **vals,
                }
            )
        )

    def _review(self, request):
        return request.sudo().activity_ids.filtered(
            lambda a: a.activity_type_id == self.env.ref(REVIEW)
        )

    def test_wrong_iban_is_refused_and_nothing_stored(self):
        """The officer mistypes the IBAN: Odoo's IBAN check refuses it, no request stored."""
        Request = self.env["coop.subscription.request"]
        before = Request.search_count([])
        with self.assertRaisesRegex(ValidationError, "IBAN"):
            self._request(iban="FR76 3000 6000 0112 3456 7890 180")
        self.assertEqual(Request.search_count([]), before)

    def test_refund_is_paid_to_the_account_given_with_the_request(self):
        """Nina gives her IBAN with her application; when she leaves, the accountant's
        refund goes to that account."""
        request = self._request(iban=IBAN)
        request.action_submit()
        self.assertEqual(
            request.partner_id.bank_ids.mapped("sanitized_acc_number"),
            ["FR7630006000011234567890189"],
        )
        request.action_validate()
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.accountant_a)
            .with_context(active_model="account.move", active_ids=request.invoice_id.ids)
            .create({})
        )
        wizard._create_payments()
        member = request.member_id
        self.assertEqual(member.state, "member")
        officer_member = member.with_user(self.officer_a)
        officer_member.action_request_exit()
        officer_member.action_confirm_exit()
        redemption = (
            self.env["coop.redemption.request"]
            .with_user(self.officer_a)
            .create(
                {
                    "member_id": member.id,
                    "company_id": self.company_a.id,
                    "share_class_id": self.class_a.id,
                    "quantity": 2,
                }
            )
        )
        redemption.action_approve()
        redemption.write(
            {"early_refund_date": fields.Date.today(), "early_refund_reference": "CA, résolution 2"}
        )
        redemption.with_user(self.accountant_a).action_register_payment()
        payment = redemption.sudo().payment_id
        self.assertEqual(
            payment.partner_bank_id.sanitized_acc_number, "FR7630006000011234567890189"
        )

    def test_request_waits_on_hold_then_comes_back_to_review(self):
        """The officer holds an application until the board meets (reason required), the
        review task goes away; back from hold, it is reviewed and accepted as usual."""
        request = self._request()
        request.action_submit()
        self.assertTrue(self._review(request))
        with self.assertRaisesRegex(UserError, "reason for putting the request on hold"):
            request.action_hold()
        request.action_hold(reason="Conseil d'administration du 15 janvier")
        self.assertEqual(request.state, "on_hold")
        self.assertEqual(request.hold_date, fields.Date.today())
        self.assertFalse(self._review(request))
        with self.assertRaisesRegex(UserError, "this step is not possible"):
            request.action_validate()
        request.action_resume()
        self.assertEqual(request.state, "submitted")
        self.assertFalse(request.hold_date)
        self.assertEqual(self._review(request).user_id, self.officer_a)
        request.action_validate()
        self.assertEqual(request.state, "waiting_payment")

    def test_reader_cannot_hold_a_request(self):
        """A read-only user of the registry cannot put an application on hold."""
        request = self._request()
        request.action_submit()
        with self.assertRaises(AccessError):
            request.with_user(self.reader_a).action_hold(reason="No")
        self.assertEqual(request.state, "submitted")
