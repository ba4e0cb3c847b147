from odoo.exceptions import AccessError, UserError
from odoo.tests import Form

from .capital_common import CoopCapitalTestCommon


class TestShareTransferWizard(CoopCapitalTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.giver = cls._create_member("Bernard Roux")
        cls.receiver = cls._create_member("Hugo Blanc")
        cls._subscribe(cls.giver, 10)
        cls._subscribe(cls.receiver, 1)
        cls.Operation = cls.env["coop.share.operation"]

    def _wizard(self, user=None, **values):
        """The transfer dialog as the accountant (who records transfers) unless told."""
        user = user or self.accountant_a
        action = self.giver.with_user(user).action_open_transfer_wizard()
        Wizard = self.env["coop.share.transfer.wizard"].with_user(user)
        form = Form(Wizard.with_context(**action["context"]))
        for name, value in values.items():
            setattr(form, name, value)
        return form

    def test_transfer_recorded_once_for_both_sides(self):
        """The accountant records a transfer of 3 shares: one operation, both holdings move."""
        form = self._wizard(counterpart_member_id=self.receiver, quantity=3)
        # The giver's only class is proposed, with what they hold.
        self.assertEqual(form.share_class_id, self.class_a)
        self.assertEqual(form.held_quantity, 10)
        action = form.save().with_user(self.accountant_a).action_transfer()
        transfer = self.Operation.browse(action["res_id"])
        self.assertEqual(transfer.state, "confirmed")
        self.assertEqual(transfer.operation_type, "transfer")
        self.assertTrue(transfer.name)
        self.assertEqual((self.giver.share_count, self.receiver.share_count), (7, 4))

    def test_refusals_store_nothing(self):
        """Absurd quantities, everything, or a member of another coop: refused, nothing stored."""
        before = self.Operation.search_count([])
        for quantity in (0, -2, 11):
            wizard = self._wizard(counterpart_member_id=self.receiver, quantity=quantity).save()
            with self.assertRaises(UserError):
                wizard.action_transfer()
        # Giving everything would leave the giver below the class minimum of one share.
        wizard = self._wizard(counterpart_member_id=self.receiver, quantity=10).save()
        with self.assertRaises(UserError):
            wizard.action_transfer()
        # A member of another cooperative, forged past the form's domain.
        stranger = self._create_member("Stranger", company=self.company_b)
        wizard = self._wizard(counterpart_member_id=self.receiver, quantity=1).save()
        wizard.counterpart_member_id = stranger
        with self.assertRaises(UserError):
            wizard.action_transfer()
        self.assertEqual(self.Operation.search_count([]), before)
        self.assertEqual((self.giver.share_count, self.receiver.share_count), (10, 1))

    def test_officer_cannot_transfer(self):
        """Transfers are the accountant's: the officer cannot open one."""
        with self.assertRaises(AccessError):
            self.env["coop.share.transfer.wizard"].with_user(self.officer_a).create(
                {
                    "member_id": self.giver.id,
                    "counterpart_member_id": self.receiver.id,
                    "share_class_id": self.class_a.id,
                    "quantity": 1,
                }
            )
