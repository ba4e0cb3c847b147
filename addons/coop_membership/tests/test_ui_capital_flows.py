from dateutil.relativedelta import relativedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .role_guard import superuser_setup

PAYMENT = "coop_membership.mail_activity_subscription_payment"
REFUND = "coop_membership.mail_activity_redemption_refund"


@tagged("post_install", "-at_install")
class TestCapitalFlowsUi(HttpCase):
    """Issue 19 §6: each role does its part of the capital flows in the browser."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.centre = cls.env.ref("coop_membership.coop_company_centre")
        federation = cls.centre.parent_id
        # The demo accountant would share the tasks: the test's accountant is the only one
        # (the assignee is the least busy accountant of the cooperative).
        cls.env.ref("coop_membership.user_sylvie_morel").active = False
        cls.officer = new_test_user(
            cls.env,
            login="flow_officer",
            groups="base.group_user,coop_membership.group_coop_officer",
            company_id=cls.centre.id,
            company_ids=[Command.set(cls.centre.ids)],
        )
        # Odoo books a branch's payments on the chart of its root company: the
        # accountant works in the federation too, as the demo accountant does.
        cls.accountant = new_test_user(
            cls.env,
            login="flow_accountant",
            groups="base.group_user,coop_membership.group_coop_accountant",
            company_id=cls.centre.id,
            company_ids=[Command.set((cls.centre | federation).ids)],
        )

    def _paper_request(self):
        return self.env["coop.subscription.request"].search(
            [("partner_name", "=", "Tour Paper Member")]
        )

    def _activities(self, record, xmlid):
        return record.activity_ids.filtered(lambda a: a.activity_type_id == self.env.ref(xmlid))

    def test_officer_registers_a_paper_member_and_the_accountant_admits_them(self):
        """The officer registers a person without email up to the call for payment; the
        accountant is told, records the payment, and the person becomes a member."""
        self.start_tour("/odoo", "coop_paper_member_tour", login="flow_officer")
        request = self._paper_request()
        self.assertEqual(request.state, "waiting_payment")
        self.assertEqual(request.company_id, self.centre)
        self.assertEqual(request.partner_id.coop_contact_channel, "paper")
        self.assertEqual(request.partner_id.country_id, self.env.ref("base.fr"))
        self.assertEqual(self._activities(request, PAYMENT).user_id, self.accountant)
        letters = self._activities(request, "coop_membership.mail_activity_subscription_letter")
        self.assertEqual(letters.user_id, self.officer, "the officer posts the letters")

        self.start_tour(
            "/odoo/action-coop_membership.coop_subscription_request_action",
            "coop_capital_call_payment_tour",
            login="flow_accountant",
        )
        self.assertEqual(request.state, "paid")
        member = request.member_id
        self.assertEqual(member.state, "member")
        self.assertTrue(member.is_active_member)
        self.assertTrue(member.member_number)
        self.assertEqual(request.operation_id.state, "confirmed")
        self.assertEqual(request.operation_id.quantity, 2)
        self.assertEqual(member.share_count, 2)
        self.assertFalse(self._activities(request, PAYMENT), "done with the payment")

    def test_redemption_from_the_officer_to_the_refund(self):
        """The officer records a partial redemption and the board's decisions; the
        accountant pays it, and a refund reaching its statutory due date today."""
        today = fields.Date.today()
        delay = self.centre.coop_refund_delay_months
        colleges = self.centre.coop_college_ids
        share_class = self.env["coop.share.class"].search(
            [("company_id", "=", self.centre.id)], limit=1
        )
        with superuser_setup("arrange: a member who stays and one who left years ago"):
            members = self.env["coop.member"]
            for name, admitted in (
                ("Tour Redeemer", today - relativedelta(years=1)),
                ("Tour Due Today", today - relativedelta(months=delay + 12)),
            ):
                member = self.env["coop.member"].create(
                    {
                        "partner_id": self.env["res.partner"].create({"name": name}).id,
                        "company_id": self.centre.id,
                        "college_id": colleges[0].id,
                    }
                )
                member.action_admit(admission_date=admitted)
                operation = self.env["coop.share.operation"].create(
                    {
                        "date": admitted,
                        "company_id": self.centre.id,
                        "member_id": member.id,
                        "share_class_id": share_class.id,
                        "operation_type": "subscription",
                        "quantity": 4,
                    }
                )
                operation.action_confirm()
                members |= member
            leaver = members[1]
            leaver.action_request_exit(request_date=today - relativedelta(months=delay + 1))
            leaver.action_confirm_exit(exit_date=today - relativedelta(months=delay))
            due_today = self.env["coop.redemption.request"].create(
                {
                    "member_id": leaver.id,
                    "company_id": self.centre.id,
                    "share_class_id": share_class.id,
                    "quantity": 4,
                    "request_date": today - relativedelta(months=delay),
                    "decision_date": today - relativedelta(months=delay - 1),
                }
            )
            due_today.action_approve()
        self.assertEqual(due_today.due_date, today)

        self.start_tour(
            "/odoo/action-coop_membership.coop_redemption_request_action",
            "coop_redemption_officer_tour",
            login="flow_officer",
        )
        early = self.env["coop.redemption.request"].search([("member_id", "=", members[0].id)])
        self.assertEqual(
            (early.state, early.redemption_type, early.exit_date, early.quantity),
            ("approved", "partial", False, 2),
        )
        self.assertEqual(early.early_refund_user_id, self.officer)
        self.assertEqual(self._activities(early, REFUND).user_id, self.accountant)

        self.start_tour(
            "/odoo/action-coop_membership.coop_redemption_request_action",
            "coop_redemption_refund_tour",
            login="flow_accountant",
        )
        for request in early | due_today:
            self.assertEqual(request.state, "paid")
            self.assertEqual(request.payment_date, today)
            self.assertTrue(request.payment_journal_id)
            self.assertFalse(self._activities(request, REFUND))
        self.assertEqual(members[0].share_count, 2)
