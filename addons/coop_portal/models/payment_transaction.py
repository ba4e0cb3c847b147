from odoo import _, fields, models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    coop_donation_line_id = fields.Many2one(
        "account.analytic.line",
        string="Cooperative Life Line",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The positive line this donation added to the cooperative-life budget of its "
        "cooperative (the analytic account of the cooperative's settings).",
    )

    def _post_process(self):
        res = super()._post_process()
        # website_payment's donation form: a done donation counts in its cooperative's
        # budget of cooperative life, once (a transaction is post-processed once, but a
        # second call must not count it twice).
        donations = self.filtered(
            lambda tx: tx.state == "done" and tx.is_donation and not tx.coop_donation_line_id
        )
        donations._coop_record_donations()
        donations._coop_send_donation_receipts()
        return res

    def _coop_record_donations(self):
        """Count these done donations in the cooperative-life budget of their cooperative.

        One positive analytic line per donation on the company's
        ``coop_life_analytic_account_id`` (the company of the transaction, i.e. of the
        provider that cashed it), created in one batch: the donor's contact (none for a
        visitor), the date of the payment, the name "Donation — <donor>" ("Don — <donor>"
        in French), the amount in the company's currency, the transaction's reference. A
        cooperative without that account records nothing (its settings name it). Part of
        the payment's post-processing, run as superuser by Odoo whoever paid.
        """
        AnalyticLine = self.env["account.analytic.line"].sudo()
        txs = self.sudo().filtered(lambda tx: tx.company_id.coop_life_analytic_account_id)
        if not txs:
            return AnalyticLine
        lines = AnalyticLine.create(
            [
                {
                    # In the cooperative's language: "Don — <donor>" in French.
                    "name": tx.with_context(lang=tx.company_id.partner_id.lang)._coop_line_name(),
                    "account_id": tx.company_id.coop_life_analytic_account_id.id,
                    "company_id": tx.company_id.id,
                    "partner_id": tx._coop_donor_partner().id,
                    "date": fields.Date.context_today(tx, tx.last_state_change),
                    "amount": tx.company_id.currency_id.round(
                        tx.currency_id._convert(
                            tx.amount,
                            tx.company_id.currency_id,
                            tx.company_id,
                            fields.Date.context_today(tx),
                        )
                    ),
                    "ref": tx.reference,
                }
                for tx in txs
            ]
        )
        for tx, line in zip(txs, lines, strict=True):
            tx.coop_donation_line_id = line
        return lines

    def _coop_line_name(self):
        self.ensure_one()
        return _("Donation — %(donor)s", donor=self._coop_donor_name())

    def _coop_donor_partner(self):
        """The donor's contact, when they donated logged in; a visitor donates as the
        website's public partner, which is nobody's contact (their name is on the line)."""
        self.ensure_one()
        users = self.partner_id.with_context(active_test=False).user_ids
        if any(user._is_public() for user in users):
            return self.env["res.partner"]
        return self.partner_id

    def _coop_donor_name(self):
        """The donor as the donation form named them (a visitor donates as the website's
        public partner, with their own name on the transaction)."""
        self.ensure_one()
        return self.partner_name or self.partner_id.name or ""

    def _coop_send_donation_receipts(self):
        """Email each donor the receipt of their donation ("reçu de don", a PDF that
        Odoo renders from the template's report), next to website_payment's own
        confirmation; the receipt stays printable from the transaction (Print menu)."""
        template = self.env.ref("coop_portal.mail_template_donation_receipt")
        for tx in self.filtered("partner_email"):
            template.send_mail(
                tx.id,
                email_values={"email_to": tx.partner_email},
                email_layout_xmlid="mail.mail_notification_light",
            )
