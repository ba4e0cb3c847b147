from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from .coop_member import ACTIVE_STATES

# Accounts of the French chart (l10n_fr_account) used as defaults.
FR_CAPITAL_ACCOUNT = "pcg_1013"  # 101300 Capital souscrit appelé, versé
FR_REFUND_ACCOUNT = "pcg_4567"  # 456700 Associés - Capital à rembourser
FR_LOSS_ACCOUNT = "pcg_119"  # 119000 Report à nouveau (solde débiteur)


class CoopShareClass(models.Model):
    _name = "coop.share.class"
    _description = "Share Class"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    nominal_value = fields.Monetary(
        required=True, help="Value of one share, in the cooperative's currency."
    )
    min_shares = fields.Integer(
        string="Minimum per Member",
        default=1,
        help="Smallest holding a member may keep in this class (0: no minimum).",
    )
    max_shares = fields.Integer(
        string="Maximum per Member",
        default=0,
        help="Largest holding a member may reach in this class (0: no maximum).",
    )
    college_ids = fields.Many2many(
        "coop.college",
        string="Allowed Colleges",
        check_company=True,
        help="Colleges whose members may hold this class; empty means every college.",
    )
    product_id = fields.Many2one(
        "product.product",
        string="Invoice Product",
        check_company=True,
        help="Product printed on the capital release invoices.",
    )
    journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Journal of the capital release invoices: the cooperative's capital journal "
        "(CAP) by default.",
    )
    capital_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Subscribed and paid capital (101300 in the French chart).",
    )
    refund_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Capital to refund to leaving members (456700 in the French chart).",
    )
    refund_journal_id = fields.Many2one(
        "account.journal",
        check_company=True,
        domain="[('type', '=', 'general')]",
        help="Miscellaneous journal of the redemption entries.",
    )
    loss_account_id = fields.Many2one(
        "account.account",
        string="Losses Account",
        check_company=True,
        help="Booked losses charged to leaving members' shares (119000 in the French chart).",
    )
    description = fields.Text(translate=True)

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "A share class code is unique per cooperative.",
        ),
        (
            "nominal_positive",
            "CHECK(nominal_value > 0)",
            "The nominal value of a share must be positive.",
        ),
        ("min_positive", "CHECK(min_shares >= 0)", "The minimum holding cannot be negative."),
        ("max_positive", "CHECK(max_shares >= 0)", "The maximum holding cannot be negative."),
    ]

    @api.constrains("min_shares", "max_shares")
    def _check_bounds(self):
        for share_class in self:
            if share_class.max_shares and share_class.max_shares < share_class.min_shares:
                raise ValidationError(
                    _(
                        "The maximum holding of %(share_class)s (%(max)s) is below its "
                        "minimum (%(min)s).",
                        share_class=share_class.name,
                        max=share_class.max_shares,
                        min=share_class.min_shares,
                    )
                )

    @api.depends("code", "name")
    def _compute_display_name(self):
        for share_class in self:
            share_class.display_name = f"[{share_class.code}] {share_class.name}"

    @api.model_create_multi
    def create(self, vals_list):
        classes = super().create(vals_list)
        classes._set_default_accounting()
        return classes

    def _set_default_accounting(self):
        """Fill missing accounts and journals from the company's chart (French defaults)."""
        ChartTemplate = self.env["account.chart.template"]
        for share_class in self:
            company = share_class.company_id
            chart = ChartTemplate.with_company(company)
            vals = {}
            if not share_class.capital_account_id:
                account = chart.ref(FR_CAPITAL_ACCOUNT, raise_if_not_found=False)
                if account:
                    vals["capital_account_id"] = account.id
            if not share_class.loss_account_id:
                account = chart.ref(FR_LOSS_ACCOUNT, raise_if_not_found=False)
                if account:
                    vals["loss_account_id"] = account.id
            if not share_class.refund_account_id:
                account = chart.ref(FR_REFUND_ACCOUNT, raise_if_not_found=False)
                if account:
                    vals["refund_account_id"] = account.id
            Journal = self.env["account.journal"].sudo()
            if not share_class.journal_id:
                # The cooperative's capital journal (CAP/...), else a sales journal.
                journal = company.coop_capital_journal_id or Journal.search(
                    [*Journal._check_company_domain(company), ("type", "=", "sale")], limit=1
                )
                if journal:
                    vals["journal_id"] = journal.id
            if not share_class.refund_journal_id:
                journal = Journal.search(
                    [*Journal._check_company_domain(company), ("type", "=", "general")],
                    limit=1,
                )
                if journal:
                    vals["refund_journal_id"] = journal.id
            if not share_class.product_id:
                vals["product_id"] = share_class._create_share_product().id
            if vals:
                share_class.write(vals)

    def _create_share_product(self):
        self.ensure_one()
        return (
            self.env["product.product"]
            .sudo()
            .create(
                {
                    "name": _("Share %(code)s - %(name)s", code=self.code, name=self.name),
                    "type": "service",
                    "list_price": self.nominal_value,
                    "company_id": self.company_id.id,
                    "sale_ok": False,
                    "purchase_ok": False,
                    "taxes_id": [],
                    "supplier_taxes_id": [],
                }
            )
        )

    def _coop_call_account(self):
        """Account credited by a capital call: the capital called and not yet paid (1012)
        when the cooperative keeps it, moved to the capital account once paid; else the
        capital account itself."""
        self.ensure_one()
        return self.company_id.coop_capital_called_account_id or self.capital_account_id

    def _loss_account(self):
        self.ensure_one()
        if not self.loss_account_id:
            raise UserError(
                _(
                    "Share class %(share_class)s has no losses account for the booked losses.",
                    share_class=self.display_name,
                )
            )
        return self.loss_account_id

    def _check_accounting_ready(self):
        for share_class in self:
            missing = [
                label
                for field, label in (
                    ("capital_account_id", _("capital account")),
                    ("journal_id", _("journal")),
                    ("product_id", _("invoice product")),
                )
                if not share_class[field]
            ]
            if missing:
                raise ValidationError(
                    _(
                        "Share class %(share_class)s has no %(missing)s: complete its "
                        "accounting settings first.",
                        share_class=share_class.display_name,
                        missing=", ".join(missing),
                    )
                )

    def _is_allowed_for(self, college):
        self.ensure_one()
        return not self.college_ids or college in self.college_ids

    def _check_holding(
        self, member, before, after, role="holder", is_reversal=False, member_total=None
    ):
        """Raise when ``member`` may not go from ``before`` to ``after`` shares of this class.

        The one place of the holding rules, used by the register, the subscription
        requests, transfers, redemptions and the member space. ``member_total`` is what
        the member would hold afterwards in all classes together (not checked if None).
        """
        self.ensure_one()
        person = member.partner_id.name
        if after < 0:
            raise UserError(
                _(
                    "%(person)s holds %(before)s shares of %(share_class)s: %(count)s cannot "
                    "be removed.",
                    person=person,
                    before=before,
                    share_class=self.display_name,
                    count=before - after,
                )
            )
        if is_reversal:
            return
        if after > before:
            if not self._is_allowed_for(member.college_id):
                raise UserError(
                    _(
                        "Share class %(share_class)s is not open to the college %(college)s "
                        "of %(person)s.",
                        share_class=self.display_name,
                        college=member.college_id.name or _("(none)"),
                        person=person,
                    )
                )
            if self.max_shares and after > self.max_shares:
                raise UserError(
                    _(
                        "%(person)s would hold %(after)s shares of %(share_class)s, above the "
                        "maximum of %(max)s per member.",
                        person=person,
                        after=after,
                        share_class=self.display_name,
                        max=self.max_shares,
                    )
                )
            if after < self.min_shares:
                raise UserError(
                    _(
                        "%(person)s would hold %(after)s shares of %(share_class)s, below the "
                        "minimum of %(min)s per member.",
                        person=person,
                        after=after,
                        share_class=self.display_name,
                        min=self.min_shares,
                    )
                )
        elif after < before and 0 < after < self.min_shares:
            raise UserError(
                _(
                    "%(person)s must keep at least %(min)s shares of %(share_class)s (or "
                    "leave with all of them): %(after)s would remain.",
                    person=person,
                    min=self.min_shares,
                    share_class=self.display_name,
                    after=after,
                )
            )
        # The law of 1947 makes every member hold at least one share: giving away or
        # redeeming all of them is leaving, which goes through the exit (reason, date,
        # refund delay). Another class still held keeps the member in.
        if (
            after < before
            and member_total is not None
            and member_total < 1
            and member.state in ACTIVE_STATES
        ):
            raise UserError(
                _(
                    "%(person)s would hold no share of %(company)s any more, and a member "
                    "holds at least one share. Giving away or redeeming all of them is an "
                    "exit: record the member's exit first (resignation, exclusion or death), "
                    "then the exit redemption of all their shares.",
                    person=person,
                    company=member.company_id.name,
                )
            )
