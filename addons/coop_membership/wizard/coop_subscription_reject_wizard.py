from odoo import fields, models


class CoopSubscriptionRejectWizard(models.TransientModel):
    _name = "coop.subscription.reject.wizard"
    _description = "Refuse a Subscription Request"

    request_id = fields.Many2one("coop.subscription.request", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.request_id.action_reject(reason=self.reason)
        return {"type": "ir.actions.act_window_close"}
