from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError

# Accounts of the French chart (l10n_fr_account) for the capital calls of a cooperative:
# the member's contribution account (456150 "Associés - Comptes d'apport en société -
# Apports en numéraire", made the receivable of the calls so that Odoo's payments reconcile
# with it) and the capital called but not yet paid (101200), moved to 101300 once paid.
FR_CONTRIBUTION_ACCOUNT = "pcg_45615"
FR_CALLED_ACCOUNT = "pcg_1012"
CAPITAL_JOURNAL_CODE = "CAP"


def _default_report_layout(env):
    return env.ref("web.external_layout_standard", raise_if_not_found=False)


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # A document layout from the start: without one, Odoo opens its layout wizard (in
    # English, about event badges) before the first print of an administrator.
    external_report_layout_id = fields.Many2one(
        default=lambda self: _default_report_layout(self.env)
    )

    coop_share_sequence_id = fields.Many2one(
        "ir.sequence",
        string="Share Register Sequence",
        copy=False,
        help="Numbers of the confirmed operations of the share register; never reused.",
    )
    coop_refund_delay_months = fields.Integer(
        string="Refund Delay (months)",
        default=60,
        help="Statutory delay between a member's exit and the refund of their shares.",
    )
    coop_loss_per_share = fields.Monetary(
        string="Booked Losses per Share",
        help="Share of the booked losses borne by each share, updated at each closing; "
        "the refund value of a share is its nominal value minus this amount "
        "(loi 47-1775, art. 18).",
    )
    coop_capital_floor_ratio = fields.Float(
        string="Capital Floor Ratio",
        default=0.25,
        help="Variable capital may not fall below this fraction of the highest capital "
        "reached since the cooperative was formed (loi 47-1775, art. 13: one quarter).",
    )
    coop_capital_floor_amount = fields.Monetary(
        string="Minimum Capital",
        help="Absolute statutory minimum of the subscribed capital, if any.",
    )
    coop_capital_before_register = fields.Monetary(
        string="Highest Capital Before the Register",
        help="Highest subscribed capital reached before the share register was kept in "
        "this database (from the former registers), for the capital floor.",
    )
    coop_highest_capital = fields.Monetary(
        string="Highest Capital Reached",
        compute="_compute_coop_highest_capital",
        help="Highest subscribed capital ever reached: the highest running total of the "
        "share register, or the former registers' figure if higher.",
    )

    coop_capital_journal_id = fields.Many2one(
        "account.journal",
        string="Capital Journal",
        check_company=True,
        domain="[('type', '=', 'sale')]",
        help="Journal of the capital calls (CAP/...), apart from the sales invoices.",
    )
    coop_capital_receivable_account_id = fields.Many2one(
        "account.account",
        string="Members' Contribution Account",
        check_company=True,
        domain="[('account_type', '=', 'asset_receivable')]",
        help="Account the capital calls are owed on, member by member (4561 in the French "
        "chart), instead of the customers' receivable.",
    )
    coop_capital_called_account_id = fields.Many2one(
        "account.account",
        string="Called Unpaid Capital Account",
        check_company=True,
        help="Capital called and not yet paid (1012 in the French chart); moved to the share "
        "class's capital account (1013) when the call is paid.",
    )

    @api.constrains(
        "coop_loss_per_share",
        "coop_refund_delay_months",
        "coop_capital_floor_ratio",
        "coop_capital_floor_amount",
    )
    def _check_coop_capital_settings(self):
        for company in self:
            if company.coop_loss_per_share < 0:
                raise ValidationError(
                    _(
                        "The booked losses per share of %(company)s cannot be negative: a "
                        "refund never exceeds the nominal value (loi 47-1775 art. 18).",
                        company=company.name,
                    )
                )
            if company.coop_refund_delay_months < 0 or company.coop_capital_floor_amount < 0:
                raise ValidationError(
                    _(
                        "The refund delay and the minimum capital of %(company)s cannot be "
                        "negative.",
                        company=company.name,
                    )
                )
            if not 0 <= company.coop_capital_floor_ratio <= 1:
                raise ValidationError(
                    _(
                        "The capital floor ratio of %(company)s is a fraction between 0 and 1 "
                        "(0.25: one quarter of the highest capital).",
                        company=company.name,
                    )
                )

    @api.model
    def _coop_setup_capital_accounting_all(self):
        """Set up the capital books of every company that has the French chart (module data:
        companies that had their chart before this module or before this version)."""
        companies = self.sudo().with_context(active_test=False).search([])
        companies._coop_setup_capital_accounting()
        return True

    def _coop_setup_capital_accounting(self):
        """Capital journal and members' accounts of the cooperatives keeping the French chart.

        Called when a company gets its chart (account.chart.template._load) and by the
        module data for the companies that already have one. Only fills what is empty, so
        an accountant's own choice stays; the share classes still invoicing in a sales
        journal move to the new capital journal when it is created.
        """
        for company in self.sudo():
            if (company.root_id.chart_template or company.chart_template) != "fr":
                continue
            chart = self.env["account.chart.template"].with_company(company)
            vals = {}
            if not company.coop_capital_receivable_account_id:
                account = chart.ref(FR_CONTRIBUTION_ACCOUNT, raise_if_not_found=False)
                if account:
                    if account.account_type != "asset_receivable":
                        # Receivable, so that the call's payment is registered and matched
                        # by Odoo like any other, member by member.
                        account.write({"account_type": "asset_receivable", "reconcile": True})
                    vals["coop_capital_receivable_account_id"] = account.id
            if not company.coop_capital_called_account_id:
                account = chart.ref(FR_CALLED_ACCOUNT, raise_if_not_found=False)
                if account:
                    vals["coop_capital_called_account_id"] = account.id
            if vals:
                company.write(vals)
            new_journal = False
            if not company.coop_capital_journal_id:
                new_journal = company._coop_find_or_create_capital_journal()
                company.coop_capital_journal_id = new_journal
            if new_journal:
                classes = (
                    self.env["coop.share.class"]
                    .sudo()
                    .with_context(active_test=False)
                    .search([("company_id", "=", company.id)])
                )
                classes.filtered(
                    lambda c, j=new_journal: (
                        c.journal_id != j and (not c.journal_id or c.journal_id.type == "sale")
                    )
                ).journal_id = new_journal
        return True

    def _coop_book_register_without_entries(self, date, label):
        """Post the opening entry of the capital the register holds without entries.

        Shares taken over from former (paper) registers are entered straight in the share
        register; their capital was paid in earlier years and sits in the opening balance
        of the bank. One entry per cooperative, D bank / C capital account, so that from
        then on the capital account says what the register says. Setup step (data), run
        as superuser by the caller.
        """
        Operation = self.env["coop.share.operation"].sudo()
        groups = Operation._read_group(
            [
                ("company_id", "in", self.ids),
                ("state", "=", "confirmed"),
                ("move_id", "=", False),
            ],
            ["company_id", "share_class_id"],
            ["signed_amount:sum"],
        )
        Journal = self.env["account.journal"].sudo()
        for company in self:
            lines = {}
            for group_company, share_class, amount in groups:
                if group_company == company and not company.currency_id.is_zero(amount):
                    account = share_class.capital_account_id
                    lines[account] = lines.get(account, 0.0) + amount
            total = sum(lines.values())
            if company.currency_id.is_zero(total):
                continue
            bank = Journal.search(
                [*Journal._check_company_domain(company), ("type", "=", "bank")], limit=1
            )
            journal = Journal.search(
                [*Journal._check_company_domain(company), ("type", "=", "general")], limit=1
            )
            move_lines = [
                Command.create(
                    {
                        "name": label,
                        "account_id": bank.default_account_id.id,
                        "debit": max(total, 0.0),
                        "credit": max(-total, 0.0),
                    }
                )
            ] + [
                Command.create(
                    {
                        "name": label,
                        "account_id": account.id,
                        "debit": max(-amount, 0.0),
                        "credit": max(amount, 0.0),
                    }
                )
                for account, amount in lines.items()
            ]
            move = (
                self.env["account.move"]
                .sudo()
                .create(
                    {
                        "move_type": "entry",
                        "company_id": company.id,
                        "journal_id": journal.id,
                        "date": date,
                        "ref": label,
                        "line_ids": move_lines,
                    }
                )
            )
            move.action_post()
        return True

    def _coop_find_or_create_capital_journal(self):
        self.ensure_one()
        Journal = self.env["account.journal"].sudo()
        journal = Journal.with_context(active_test=False).search(
            [("company_id", "=", self.id), ("code", "=", CAPITAL_JOURNAL_CODE)], limit=1
        )
        if journal:
            return journal
        return Journal.create(
            {
                "name": _("Share Capital"),
                "code": CAPITAL_JOURNAL_CODE,
                "type": "sale",
                "company_id": self.id,
                "default_account_id": self.coop_capital_called_account_id.id,
                # A credit note of a capital call is the register's reversal: same numbers.
                "refund_sequence": False,
                "sequence": 90,
            }
        )

    @api.model
    def _coop_set_report_layout(self):
        """Give a document layout to the companies that have none (data of the module)."""
        layout = _default_report_layout(self.env)
        companies = (
            self.sudo()
            .with_context(active_test=False)
            .search([("external_report_layout_id", "=", False)])
        )
        if layout and companies:
            companies.external_report_layout_id = layout
        return True

    def _coop_letterhead(self):
        """Lines of the cooperative's letterhead on its legal documents.

        Returns {"address": [lines], "legal": [lines]}: the legal form with the
        mention of variable capital (required on a variable-capital company's documents),
        SIRET, registry and VAT numbers when known.
        """
        self.ensure_one()
        partner = self.partner_id
        address = [
            line
            for line in (
                self.street,
                self.street2,
                " ".join(part for part in (self.zip, self.city) if part),
                self.country_id.name if self.country_id != self.env.ref("base.fr") else "",
            )
            if line
        ]
        forms = dict(self._fields["coop_legal_form"]._description_selection(self.env))
        legal = []
        if self.coop_legal_form:
            legal.append(_("%(form)s with variable capital", form=forms[self.coop_legal_form]))
        siret = partner.siret if "siret" in partner._fields else False
        if siret:
            legal.append(_("SIRET: %(siret)s", siret=siret))
        if self.company_registry:
            legal.append(_("Registry: %(registry)s", registry=self.company_registry))
        if self.vat:
            legal.append(_("VAT number: %(vat)s", vat=self.vat))
        return {"address": address, "legal": legal}

    def _compute_coop_highest_capital(self):
        highest = self._coop_highest_capital_by_company()
        for company in self:
            company.coop_highest_capital = max(
                highest.get(company.id, 0.0), company.coop_capital_before_register or 0.0
            )

    def _coop_highest_capital_by_company(self):
        """Highest running total of the confirmed register per company (one query).

        Computed rather than stored so that confirming an operation never writes the
        company row, which would serialize concurrent confirmations.
        """
        ids = [company_id for company_id in self.ids if isinstance(company_id, int)]
        if not ids:
            return {}
        self.env["coop.share.operation"].flush_model()
        self.env.cr.execute(
            """
            SELECT company_id, MAX(running)
              FROM (
                    SELECT company_id,
                           SUM(SUM(amount)) OVER (
                               PARTITION BY company_id ORDER BY date, operation_id
                           ) AS running
                      FROM coop_share_movement
                     WHERE company_id = ANY(%s)
                  GROUP BY company_id, date, operation_id
                   ) AS running_totals
          GROUP BY company_id
            """,
            [ids],
        )
        return dict(self.env.cr.fetchall())

    def _coop_ensure_french_chart(self):
        """Give the root company the French chart of accounts (PCG) if it has no entries yet,
        and complete the branches (regional cooperatives) created since.

        Odoo defers a new branch's chart to the end of the transaction: data files that
        create branches and invoice them in the same transaction call this first.
        """
        ChartTemplate = self.env["account.chart.template"]
        for root in self.root_id:
            if root.chart_template != "fr":
                has_entries = (
                    self.env["account.move"]
                    .sudo()
                    .search_count(
                        [("company_id", "child_of", root.id), ("state", "=", "posted")], limit=1
                    )
                )
                if has_entries and not self.env.ref("base.module_account").demo:
                    continue
                ChartTemplate.try_loading("fr", root, install_demo=False)
            branches = self.env["res.company"].search(
                [("id", "child_of", root.id), ("id", "!=", root.id)]
            )
            for branch in branches.filtered(lambda c, r=root: c.chart_template != r.chart_template):
                ChartTemplate._load(root.chart_template, branch, install_demo=False)
        return True

    def _coop_get_share_sequence(self):
        """Return the company's share register sequence, creating it on first use."""
        self.ensure_one()
        if not self.coop_share_sequence_id:
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": _("Share register - %s", self.name),
                        "code": "coop.share.operation",
                        "prefix": "R",
                        "padding": 7,
                        "company_id": self.id,
                        "implementation": "standard",
                    }
                )
            )
            self.sudo().coop_share_sequence_id = sequence
        return self.coop_share_sequence_id

    def _coop_lock_capital(self):
        """Serialize the capital-floor checks of these cooperatives.

        Two redemptions approved at once could each see the capital before the other and
        together go below the floor. Writing the company rows makes the second transaction
        wait for the first; Odoo runs with REPEATABLE READ, so when the first commits the
        second fails with a serialization error and Odoo replays it on fresh data.
        """
        for company_id in sorted(self.ids):
            self.env.cr.execute(
                "UPDATE res_company SET write_date = write_date WHERE id = %s", [company_id]
            )

    def _coop_subscribed_capital(self):
        """Return {company_id: subscribed capital} from the confirmed register (one query)."""
        if not self:
            return {}
        self.env["coop.share.operation"].flush_model()
        self.env.cr.execute(
            """
            SELECT company_id, COALESCE(SUM(amount), 0)
              FROM coop_share_movement
             WHERE company_id = ANY(%s)
          GROUP BY company_id
            """,
            [self.ids],
        )
        capital = dict(self.env.cr.fetchall())
        return {company.id: capital.get(company.id, 0.0) for company in self}

    def _coop_capital_floor(self):
        self.ensure_one()
        return max(
            self.coop_capital_floor_amount or 0.0,
            (self.coop_highest_capital or 0.0) * (self.coop_capital_floor_ratio or 0.0),
        )
