from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


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
