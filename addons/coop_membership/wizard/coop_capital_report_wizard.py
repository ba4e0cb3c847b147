import base64
from datetime import date

from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import formatLang

XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class CoopCapitalReportWizard(models.TransientModel):
    _name = "coop.capital.report.wizard"
    _description = "Capital Reports"

    report = fields.Selection(
        [
            ("variation_xlsx", "Capital variation (XLSX)"),
            ("register_xlsx", "Register of members and movements (XLSX)"),
            ("register_pdf", "Register of members and movements (PDF)"),
            ("tax_attestation", "Annual tax attestations (PDF)"),
        ],
        required=True,
        default="variation_xlsx",
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Cooperatives",
        required=True,
        default=lambda self: self.env.companies,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    date_from = fields.Date(
        required=True, default=lambda self: date(fields.Date.context_today(self).year, 1, 1)
    )
    date_to = fields.Date(
        required=True, default=lambda self: date(fields.Date.context_today(self).year, 12, 31)
    )
    file_data = fields.Binary(readonly=True, attachment=False)
    file_name = fields.Char(readonly=True)
    year = fields.Integer(
        default=lambda self: fields.Date.context_today(self).year - 1,
        help="Year of the subscriptions for the tax attestations.",
    )

    @api.onchange("year")
    def _onchange_year(self):
        if self.report == "tax_attestation" and self.year:
            self.date_from = date(self.year, 1, 1)
            self.date_to = date(self.year, 12, 31)

    def action_print(self):
        self.ensure_one()
        Report = self.env["coop.capital.report"]
        Report._check_report_access(self.company_ids)
        Report._check_dates(self.date_from, self.date_to)
        period = {"date_from": self.date_from, "date_to": self.date_to}
        if self.report == "variation_xlsx":
            content = Report._capital_variation_xlsx(self.company_ids, self.date_from, self.date_to)
            return self._download(
                content, _("capital_variation_%(date_from)s_%(date_to)s.xlsx", **period)
            )
        if self.report == "register_xlsx":
            content = Report._register_xlsx(self.company_ids, self.date_from, self.date_to)
            return self._download(
                content, _("share_register_%(date_from)s_%(date_to)s.xlsx", **period)
            )
        if self.report == "register_pdf":
            return self.env.ref("coop_membership.action_report_share_register").report_action(self)
        members = self.env["coop.member"]._coop_tax_attestation_members(self.company_ids, self.year)
        if not members:
            raise UserError(
                _("No member subscribed shares in %(year)s in these cooperatives.", year=self.year)
            )
        # With report data the web client sends no record ids: the report selects the
        # same members again from the cooperatives and the year.
        return self.env.ref("coop_membership.action_report_tax_attestation").report_action(
            members, data={"year": self.year, "company_ids": self.company_ids.ids}
        )

    def _download(self, content, filename):
        """Serve ``content`` from this wizard rather than from an attachment: the
        register holds personal data, and transient records are vacuumed."""
        self.write({"file_data": base64.b64encode(content), "file_name": filename})
        return {
            "type": "ir.actions.act_url",
            # The type is given: Odoo would otherwise guess it from the first KB of
            # the file, where a large XLSX's zip directory cannot be read (a warning).
            "url": f"/web/content/?model={self._name}&id={self.id}&field=file_data"
            f"&filename_field=file_name&download=true&mimetype={XLSX_MIMETYPE}",
            "target": "self",
        }

    def _register_report_values(self):
        """Values of the register PDF (rows from the same queries as the XLSX)."""
        self.ensure_one()
        members, movements = self.env["coop.capital.report"]._register_rows(
            self.company_ids, self.date_from, self.date_to
        )
        types = self.env["coop.capital.report"]._register_operation_types()

        def amount(value):
            # In the reader's number format (1 350,00 in French).
            return formatLang(self.env, value, digits=2)

        return {
            "members": [(*row[:7], amount(row[7])) for row in members],
            # (cooperative, number, recording date, value date, type, reversal, member,
            # name, receiving member, class, shares, unit value, amount, net shares,
            # capital change, class and shares received by a conversion), in the order of
            # recording.
            "movements": [
                (
                    *row[:4],
                    types.get(row[4], row[4]),
                    *row[5:12],
                    amount(row[12]),
                    row[13],
                    amount(row[14]),
                    *row[15:17],
                )
                for row in movements
            ],
            "total_shares": sum(row[6] for row in members),
            "total_amount": amount(sum(row[7] for row in members)),
            "total_net_shares": sum(row[13] for row in movements),
            "total_change": amount(sum(row[14] for row in movements)),
        }
