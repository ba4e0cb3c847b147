from datetime import date

from num2words import num2words

from odoo import api, fields, models


class CoopMember(models.Model):
    _inherit = "coop.member"

    # Stored: the set-based holding recompute rounds thousands of amounts at once.
    currency_id = fields.Many2one(related="company_id.currency_id", store=True)
    share_operation_ids = fields.One2many(
        "coop.share.operation", "member_id", string="Share Operations"
    )
    received_share_operation_ids = fields.One2many(
        "coop.share.operation", "counterpart_member_id", string="Received Transfers"
    )
    share_count = fields.Integer(
        string="Shares",
        compute="_compute_share_holding",
        store=True,
        help="Shares held according to the confirmed operations of the register.",
    )
    share_amount = fields.Monetary(
        string="Capital Held",
        compute="_compute_share_holding",
        store=True,
        help="Nominal value of the shares held according to the confirmed register.",
    )

    @api.depends(
        "share_operation_ids.state",
        "share_operation_ids.amount",
        "received_share_operation_ids.state",
        "received_share_operation_ids.amount",
    )
    def _compute_share_holding(self):
        """Sum the confirmed register in one query for the whole batch."""
        ids = [member_id for member_id in self.ids if isinstance(member_id, int)]
        totals = {
            member_id: (quantity, amount)
            for member_id, quantity, amount in self.env["coop.share.operation"]._coop_member_lines(
                ids
            )
        }
        for member in self:
            count, amount = totals.get(member.id, (0, 0.0))
            member.share_count = count
            member.share_amount = amount

    def action_view_share_operations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coop_membership.coop_share_operation_action"
        )
        action["domain"] = [
            "|",
            ("member_id", "=", self.id),
            ("counterpart_member_id", "=", self.id),
        ]
        action["context"] = {
            "default_member_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action

    def action_open_transfer_wizard(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coop_membership.coop_share_transfer_wizard_action"
        )
        action["context"] = {"default_member_id": self.id}
        return action

    # ------------------------------------------------------------------
    # Certificates and tax attestations
    # ------------------------------------------------------------------
    def _coop_holdings_by_class(self):
        """Return [(share_class, quantity, amount)] held today by this member."""
        self.ensure_one()
        holdings = self.env["coop.share.operation"]._coop_holdings(self.ids)
        result = []
        for (member_id, class_id), quantity in sorted(holdings.items()):
            if member_id == self.id and quantity:
                share_class = self.env["coop.share.class"].browse(class_id)
                result.append((share_class, quantity, quantity * share_class.nominal_value))
        return result

    def _coop_amount_in_words(self, amount):
        """Amount in French words, as printed on the legal documents."""
        self.ensure_one()
        currency = self.company_id.currency_id
        amount = currency.round(float(amount))
        try:
            words = num2words(amount, lang="fr", to="currency", currency=currency.name)
            # Whole amounts: drop the "et zéro centimes" tail.
            return words.rsplit(" et ", 1)[0] if amount.is_integer() else words
        except NotImplementedError:
            return currency.with_context(lang="fr_FR").amount_to_text(amount)

    @api.model
    def _coop_tax_attestation_members(self, companies, year):
        """Members with confirmed subscriptions (not reversed) during ``year``."""
        operations = self.env["coop.share.operation"].search(
            self._coop_tax_subscription_domain(year) + [("company_id", "in", companies.ids)]
        )
        return operations.member_id

    @api.model
    def _coop_tax_subscription_domain(self, year):
        return [
            ("state", "=", "confirmed"),
            ("operation_type", "=", "subscription"),
            ("is_reversal", "=", False),
            ("reversal_operation_ids", "=", False),
            ("date", ">=", date(year, 1, 1)),
            ("date", "<=", date(year, 12, 31)),
        ]

    def _coop_tax_attestation_values(self, year):
        """Subscriptions of the year and the date until which the shares must be kept.

        CGI art. 199 terdecies-0 A: shares kept until 31 December of the fifth year
        after the subscription.
        """
        self.ensure_one()
        operations = self.env["coop.share.operation"].search(
            self._coop_tax_subscription_domain(year) + [("member_id", "=", self.id)],
            order="date, id",
        )
        total = sum(operations.mapped("amount"))
        return {
            "operations": operations,
            "total": total,
            "total_words": self._coop_amount_in_words(total),
            "keep_until": date(year + 5, 12, 31),
        }
