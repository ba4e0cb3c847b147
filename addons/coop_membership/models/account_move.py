from odoo import _, fields, models
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
        return res

    def _coop_register_operations(self):
        """The confirmed register operations recorded by these entries (posted ones only)."""
        posted = self.filtered(lambda move: move.state == "posted")
        if not posted:
            return self.env["coop.share.operation"]
        # Read as superuser: the entry is protected whoever may read the register.
        return (
            self.env["coop.share.operation"]
            .sudo()
            .search([("move_id", "in", posted.ids), ("state", "=", "confirmed")])
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
