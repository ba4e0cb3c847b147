from odoo import Command, _, fields, models
from odoo.exceptions import UserError

# What an entry of the share register says: who, when, in which book, for how much. Frozen
# once the register operation it records is confirmed; Odoo itself leaves some of it open
# on a posted entry (reset to draft, or a direct write of the state or of balanced lines).
REGISTER_MOVE_FIELDS = {
    "state",
    "name",
    "date",
    "invoice_date",
    "journal_id",
    "company_id",
    "move_type",
    "partner_id",
    "currency_id",
    "line_ids",
    "invoice_line_ids",
}


class AccountMove(models.Model):
    _inherit = "account.move"

    coop_subscription_request_ids = fields.One2many(
        "coop.subscription.request", "invoice_id", string="Subscription Requests"
    )
    coop_capital_release_move_id = fields.Many2one(
        "account.move",
        string="Paid Capital Entry",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Entry moving the capital of this paid call from called unpaid capital (1012) "
        "to called and paid capital (1013).",
    )

    def _invoice_paid_hook(self):
        res = super()._invoice_paid_hook()
        paid = self.filtered(lambda move: move.payment_state in ("paid", "in_payment"))
        requests = (
            self.env["coop.subscription.request"]
            .sudo()
            .search([("invoice_id", "in", paid.ids), ("state", "=", "waiting_payment")])
        )
        # The invoice is fully paid: the register follows, whoever recorded the payment.
        requests._coop_mark_paid()
        requests.invoice_id._coop_post_capital_release()
        return res

    def _coop_post_capital_release(self):
        """Paid capital calls: move their capital from 1012 (called, unpaid) to the share
        class's capital account (1013, called and paid), as the register now counts it.

        Part of recording the payment (see _invoice_paid_hook), whoever recorded it: the
        entry is posted as superuser on the share class's miscellaneous journal.
        """
        for invoice in self.sudo().filtered(lambda m: not m.coop_capital_release_move_id):
            request = invoice.coop_subscription_request_ids[:1]
            share_class = request.share_class_id
            called = invoice.company_id.coop_capital_called_account_id
            if not called or called == share_class.capital_account_id:
                continue
            amount = -sum(
                invoice.line_ids.filtered(lambda line, a=called: line.account_id == a).mapped(
                    "balance"
                )
            )
            if invoice.currency_id.is_zero(amount):
                continue
            label = _(
                "Capital paid - %(invoice)s - %(person)s",
                invoice=invoice.name,
                person=invoice.partner_id.name,
            )
            date = request.operation_id.date or fields.Date.context_today(self)
            release = (
                self.env["account.move"]
                .sudo()
                .create(
                    {
                        "move_type": "entry",
                        "company_id": invoice.company_id.id,
                        "journal_id": share_class.refund_journal_id.id,
                        "date": date,
                        "ref": invoice.name,
                        "line_ids": [
                            Command.create(
                                {
                                    "name": label,
                                    "account_id": called.id,
                                    "partner_id": invoice.partner_id.id,
                                    "debit": amount,
                                }
                            ),
                            Command.create(
                                {
                                    "name": label,
                                    "account_id": share_class.capital_account_id.id,
                                    "partner_id": invoice.partner_id.id,
                                    "credit": amount,
                                }
                            ),
                        ],
                    }
                )
            )
            release.action_post()
            invoice.coop_capital_release_move_id = release
        return True

    def _coop_check_reversible(self):
        """Refuse Odoo's own reversal (credit note, reverse entry) of a share register entry.

        The register would still count the shares: the register operation's reversal is
        the way, and it reverses its entry itself. Allowed only for that reversal, i.e. when
        the operation has just been reversed in the register and its entry not yet.
        """
        operations = (
            self.env["coop.share.operation"]
            .sudo()
            .search(
                [
                    ("state", "=", "confirmed"),
                    "|",
                    ("move_id", "in", self.ids),
                    ("move_id.coop_capital_release_move_id", "in", self.ids),
                ]
            )
        )
        for operation in operations:
            reversals = operation.reversal_operation_ids.filtered(
                lambda r: r.state == "confirmed" and not r.move_id
            )
            if not reversals:
                raise UserError(
                    _(
                        "Entry %(entry)s records operation %(operation)s of the share "
                        "register: a credit note or reverse entry would leave the shares in "
                        "the register. Reverse the operation in the share register instead "
                        "(Capital > Share Register, button Reverse): its reversal posts the "
                        "credit note.",
                        entry=operation.move_id.name,
                        operation=operation.name,
                    )
                )
        requests = (
            self.env["coop.subscription.request"]
            .sudo()
            .search([("invoice_id", "in", self.ids), ("state", "=", "waiting_payment")])
        )
        for request in requests:
            raise UserError(
                _(
                    "Invoice %(invoice)s is the call for payment of subscription request "
                    "%(request)s: refuse or cancel the request instead of issuing a credit "
                    "note; its call for payment is then cancelled.",
                    invoice=request.invoice_id.name,
                    request=request.name,
                )
            )
        return True

    def action_reverse(self):
        self._coop_check_reversible()
        return super().action_reverse()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        self._coop_check_reversible()
        reverses = super()._reverse_moves(default_values_list=default_values_list, cancel=cancel)
        # A paid capital call reversed by the register: its move to paid capital goes too.
        for move, reverse in zip(self, reverses, strict=True):
            release = move.sudo().coop_capital_release_move_id
            if release.state == "posted" and not release.reversal_move_ids:
                opposite = release._reverse_moves(
                    default_values_list=[{"date": reverse.date, "ref": reverse.ref}]
                )
                opposite.action_post()
        return reverses

    def _coop_register_operations(self):
        """The confirmed register operations recorded by these entries (posted ones only)."""
        posted = self.filtered(lambda move: move.state == "posted")
        if not posted:
            return self.env["coop.share.operation"]
        # Read as superuser: the entry is protected whoever may read the register. The
        # entry moving a paid call's capital to 1013 is part of the register's entry.
        return (
            self.env["coop.share.operation"]
            .sudo()
            .search(
                [
                    ("state", "=", "confirmed"),
                    "|",
                    ("move_id", "in", posted.ids),
                    ("move_id.coop_capital_release_move_id", "in", posted.ids),
                ]
            )
        )

    def _coop_check_not_registered(self):
        operation = self._coop_register_operations()[:1]
        if operation:
            raise UserError(
                _(
                    "Entry %(entry)s records operation %(operation)s of the share register: it "
                    "cannot be changed, reset to draft, cancelled or deleted. Reverse the "
                    "register operation instead; its reversal posts the opposite entry.",
                    entry=operation.move_id.name,
                    operation=operation.name,
                )
            )

    def write(self, vals):
        protected = REGISTER_MOVE_FIELDS.intersection(vals)
        if protected:
            self.filtered(
                lambda move: any(self._field_will_change(move, vals, f) for f in protected)
            )._coop_check_not_registered()
        return super().write(vals)

    def button_draft(self):
        # Also the way button_cancel takes a posted entry.
        self._coop_check_not_registered()
        return super().button_draft()

    def unlink(self):
        # Checked before Odoo deletes the lines, so the refusal says why.
        self._coop_check_not_registered()
        return super().unlink()
