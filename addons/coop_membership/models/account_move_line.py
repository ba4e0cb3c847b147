from odoo import api, models

# The amounts, accounts, partner and label of the lines of a share register entry.
REGISTER_LINE_FIELDS = {
    "move_id",
    "account_id",
    "partner_id",
    "name",
    "debit",
    "credit",
    "balance",
    "amount_currency",
    "currency_id",
    "date",
    "quantity",
    "price_unit",
    "product_id",
    "tax_ids",
    "tax_line_id",
    "display_type",
}


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    def _compute_account_id(self):
        res = super()._compute_account_id()
        # A capital call is owed on the member's contribution account (4561), not on the
        # customers' receivable: the payment is matched there like any invoice's.
        for line in self.filtered(lambda line: line.display_type == "payment_term"):
            company = line.move_id.company_id
            account = company.coop_capital_receivable_account_id
            if account and line.move_id.journal_id == company.coop_capital_journal_id:
                line.account_id = account
        return res

    @api.model_create_multi
    def create(self, vals_list):
        move_ids = {vals["move_id"] for vals in vals_list if vals.get("move_id")}
        self.env["account.move"].browse(move_ids)._coop_check_not_registered()
        return super().create(vals_list)

    def write(self, vals):
        protected = REGISTER_LINE_FIELDS.intersection(vals)
        if protected:
            Move = self.env["account.move"]
            changing = self.filtered(
                lambda line: (
                    line.parent_state == "posted"
                    and any(Move._field_will_change(line, vals, f) for f in protected)
                )
            )
            changing.move_id._coop_check_not_registered()
            if "move_id" in vals:
                Move.browse(vals["move_id"])._coop_check_not_registered()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_registered(self):
        self.move_id._coop_check_not_registered()
