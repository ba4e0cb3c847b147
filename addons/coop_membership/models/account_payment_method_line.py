from odoo import api, models


class AccountPaymentMethodLine(models.Model):
    _inherit = "account.payment.method.line"

    @api.depends_context("lang")
    def _compute_display_name(self):
        """Show a line that kept its method's default name in the reader's language.

        Odoo stores a journal's payment method line name as plain text, copied from the
        method's name in English when the chart of accounts is loaded: "Manual Payment"
        then stays English in the French register payment wizard. A name the accountant
        changed is shown as written.
        """
        result = super()._compute_display_name()
        methods = self.payment_method_id
        english = {method.id: method.with_context(lang="en_US").name for method in methods}
        for line in self:
            method = line.payment_method_id
            if not line.name or line.name != english.get(method.id):
                continue
            translated = (method.name or "").strip()
            if translated and translated != line.name:
                line.display_name = translated + line.display_name[len(line.name) :]
        return result
