from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _coop_payment_details(self):
        """How the person pays this call for payment (a capital release invoice).

        Online: Odoo's own invoice payment (account_payment's "Pay Now" of the invoice's
        portal page, through the cooperative's payment providers); the paid transaction
        reconciles the invoice, and coop_membership's ``_invoice_paid_hook`` confirms the
        register operation as for any bank payment. By bank transfer: the cooperative's
        account, the amount due, the reference, and the EPC (SEPA credit transfer) QR code
        of account_qr_code_sepa, rendered by Odoo itself (a data URI, no outside host).

        Read access to the invoice is checked first (the portal user's own invoice, or
        anyone holding its access token through the caller's sudo); the bank account and
        the providers are then read as superuser.
        :return: a dict, empty when the invoice is not a capital call left to pay.
        """
        self.ensure_one()
        self.check_access("read")
        invoice = self.sudo()
        if (
            invoice.move_type != "out_invoice"
            or invoice.state != "posted"
            or invoice.payment_state not in ("not_paid", "partial")
            or not invoice.coop_subscription_request_ids
        ):
            return {}
        company = invoice.company_id
        bank = invoice.partner_bank_id or company.partner_id.bank_ids[:1]
        reference = invoice.payment_reference or invoice.name
        amount = invoice.amount_residual
        currency = invoice.currency_id
        qr_image = qr_payload = False
        if bank:
            # Odoo's own checks (EUR, a SEPA IBAN, a holder): no QR code rather than a wrong one.
            qr_vals = bank._build_qr_code_vals(
                amount, reference, reference, currency, invoice.partner_id, "sct_qr"
            )
            if qr_vals:
                qr_payload = "\n".join(bank._get_qr_vals(**qr_vals))
                qr_image = bank._get_qr_code_base64(**qr_vals)
        providers = (
            self.env["payment.provider"]
            .sudo()
            ._get_compatible_providers(
                company.id, invoice.partner_id.id, amount, currency_id=currency.id
            )
        )
        online = bool(providers) and invoice._has_to_be_paid()
        return {
            "amount": amount,
            "currency": currency,
            "reference": reference,
            "iban": bank.acc_number or False,
            "bic": bank.bank_bic or False,
            "holder": (bank.acc_holder_name or bank.partner_id.name) if bank else False,
            "qr_image": qr_image,
            "qr_payload": qr_payload,
            "pay_url": (
                invoice.get_portal_url(anchor="portal_pay", query_string="&payment=True")
                if online
                else False
            ),
        }
