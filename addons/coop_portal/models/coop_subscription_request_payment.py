from odoo import _, models


class CoopSubscriptionRequest(models.Model):
    _inherit = "coop.subscription.request"  # pylint: disable=consider-merging-classes-inherited

    def _notify_get_recipients_groups(self, message, model_description, msg_vals=None):
        """The call for payment's email carries a button to pay it (issue #26 §4).

        A candidate from the join page has no login: the button opens the call for
        payment's own page with its access token (as Odoo's own invoice emails do), where
        account_payment's *Pay Now* pays it through the cooperative's providers, next to
        the bank transfer details and their EPC QR code. Only the request's own contact
        gets it, while the request waits for its payment.
        """
        groups = super()._notify_get_recipients_groups(
            message, model_description, msg_vals=msg_vals
        )
        if len(self) != 1 or self.state != "waiting_payment":
            return groups
        invoice = self.sudo().invoice_id
        if not invoice or not invoice._coop_payment_details():
            return groups
        payer = self.partner_id
        url = invoice.get_base_url() + invoice.get_portal_url()
        return [
            [
                "coop_payer",
                lambda pdata: pdata["id"] == payer.id,
                {
                    "active": True,
                    "has_button_access": True,
                    "button_access": {"url": url, "title": _("Pay my shares")},
                },
            ],
            *groups,
        ]
