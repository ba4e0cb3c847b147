from odoo import _
from odoo.exceptions import MissingError, ValidationError
from odoo.http import route

from odoo.addons.account_payment.controllers.payment import PaymentPortal


class CoopInvoicePayment(PaymentPortal):
    @route()
    def invoice_transaction(self, invoice_id, access_token, **kwargs):
        """Pay a call for payment: an invoice one may not pay answers like a missing one.

        Odoo's route says "record does not exist" for a missing id and "the access token is
        invalid" for someone else's invoice, which tells a visitor which ids exist.
        """
        try:
            return super().invoice_transaction(invoice_id, access_token, **kwargs)
        except MissingError:
            raise ValidationError(_("The access token is invalid.")) from None
