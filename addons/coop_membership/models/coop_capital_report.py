import base64
import io
from datetime import date

import xlsxwriter

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

VARIATION_COLUMNS = (
    "opening",
    "subscriptions",
    "redemptions",
    "conversions",
    "closing",
    "transfers",
    "members_in",
    "members_out",
    "members_end",
)


class CoopCapitalReport(models.AbstractModel):
    """Capital reports: figures in a few set-based queries, XLSX files built from them.

    Raw SQL bypasses record rules: every entry point checks the Accountant group and
    keeps only the companies the user may access.
    """

    _name = "coop.capital.report"
    _description = "Capital Reports"

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    @api.model
    def _check_report_access(self, companies):
        if not self.env.user.has_group("coop_membership.group_coop_accountant"):
            raise AccessError(_("Only cooperative accountants may print the capital reports."))
        if not self.env.su:
            forbidden = companies - self.env.user.company_ids
            if forbidden:
                raise AccessError(
                    _(
                        "You may not print the capital reports of %(companies)s.",
                        companies=", ".join(forbidden.mapped("name")),
                    )
                )
        if not companies:
            raise UserError(_("Choose at least one cooperative."))

    @api.model
    def _check_dates(self, date_from, date_to):
        if not date_from or not date_to or date_from > date_to:
            raise UserError(_("Choose a start date before the end date."))

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.model
    def _capital_variation(self, companies, date_from, date_to):
        """Return {company_id: {column: value}} for the period (four queries in all)."""
        self._check_report_access(companies)
        self._check_dates(date_from, date_to)
        self.env["coop.share.operation"].flush_model()
        self.env["coop.member"].flush_model()
        self.env["coop.member.period"].flush_model()
        self.env["coop.member.college.history"].flush_model()
        result = {company.id: dict.fromkeys(VARIATION_COLUMNS, 0) for company in companies}
        cr = self.env.cr
        # Straight on the operations (indexed by company and date): same signs as the
        # coop.share.movement view, without its per-side join.
        cr.execute(
            """
            SELECT company_id,
                   COALESCE(SUM(s) FILTER (WHERE date < %(from)s), 0),
                   COALESCE(SUM(s) FILTER (
                       WHERE date >= %(from)s AND operation_type = 'subscription'), 0),
                   COALESCE(SUM(s) FILTER (
                       WHERE date >= %(from)s AND operation_type = 'redemption'), 0),
                   COALESCE(SUM(s) FILTER (
                       WHERE date >= %(from)s AND operation_type = 'conversion'), 0),
                   COALESCE(SUM(s), 0),
                   COALESCE(SUM(sign * amount) FILTER (
                       WHERE date >= %(from)s AND operation_type = 'transfer'), 0)
              FROM (
                    SELECT company_id, date, operation_type, amount,
                           CASE WHEN is_reversal THEN -1 ELSE 1 END AS sign,
                           CASE WHEN is_reversal THEN -1 ELSE 1 END
                           * CASE operation_type
                                 WHEN 'subscription' THEN amount
                                 WHEN 'redemption' THEN -amount
                                 WHEN 'conversion' THEN quantity * target_unit_value - amount
                                 ELSE 0
                             END AS s
                      FROM coop_share_operation
                     WHERE state = 'confirmed'
                       AND company_id = ANY(%(companies)s)
                       AND date <= %(to)s
                   ) AS operations
          GROUP BY company_id
            """,
            {"from": date_from, "to": date_to, "companies": companies.ids},
        )
        for company_id, *values in cr.fetchall():
            result[company_id].update(zip(VARIATION_COLUMNS[:6], values, strict=True))
        cr.execute(
            """
            SELECT m.company_id,
                   COUNT(*) FILTER (WHERE p.date_from BETWEEN %(from)s AND %(to)s),
                   COUNT(*) FILTER (WHERE p.date_to BETWEEN %(from)s AND %(to)s),
                   COUNT(*) FILTER (WHERE p.date_from <= %(to)s
                                      AND (p.date_to IS NULL OR p.date_to > %(to)s))
              FROM coop_member_period p
              JOIN coop_member m ON m.id = p.member_id
             WHERE m.company_id = ANY(%(companies)s)
          GROUP BY m.company_id
            """,
            {"from": date_from, "to": date_to, "companies": companies.ids},
        )
        for company_id, members_in, members_out, members_end in cr.fetchall():
            result[company_id].update(
                members_in=members_in, members_out=members_out, members_end=members_end
            )
        return result

    @api.model
    def _members_per_college(self, companies, at_date):
        """Return {(company_id, college_id): members} at ``at_date``."""
        self._check_report_access(companies)
        self.env["coop.member.college.history"].flush_model()
        self.env.cr.execute(
            """
            SELECT m.company_id, h.college_id, COUNT(DISTINCT h.member_id)
              FROM coop_member_college_history h
              JOIN coop_member m ON m.id = h.member_id
             WHERE m.company_id = ANY(%s)
               AND h.date_from <= %s AND (h.date_to IS NULL OR h.date_to > %s)
          GROUP BY m.company_id, h.college_id
            """,
            [companies.ids, at_date, at_date],
        )
        return {(company, college): count for company, college, count in self.env.cr.fetchall()}

    @api.model
    def _register_rows(self, companies, date_from, date_to):
        """Members with their holding at ``date_to`` and the movements of the period."""
        self._check_report_access(companies)
        self._check_dates(date_from, date_to)
        self.env["coop.share.operation"].flush_model()
        self.env["coop.member"].flush_model()
        cr = self.env.cr
        cr.execute(
            """
            WITH operations AS MATERIALIZED (
                SELECT member_id, counterpart_member_id, operation_type, quantity, amount,
                       unit_value, target_unit_value,
                       CASE WHEN is_reversal THEN -1 ELSE 1 END AS sign
                  FROM coop_share_operation
                 WHERE state = 'confirmed'
                   AND company_id = ANY(%(companies)s)
                   AND date <= %(to)s
            )
            SELECT c.name, m.member_number, p.name, col.code, m.admission_date, m.exit_date,
                   COALESCE(h.quantity, 0), COALESCE(h.amount, 0)
              FROM coop_member m
              JOIN res_company c ON c.id = m.company_id
              JOIN res_partner p ON p.id = m.partner_id
         LEFT JOIN coop_college col ON col.id = m.college_id
         LEFT JOIN (
                    -- signed sides of the confirmed operations, as coop.share.movement
                    SELECT member_id, SUM(quantity) AS quantity, SUM(amount) AS amount
                      FROM (
                            SELECT member_id,
                                   sign * (CASE WHEN operation_type = 'subscription'
                                                THEN 1 ELSE -1 END) * quantity AS quantity,
                                   sign * (CASE WHEN operation_type = 'subscription'
                                                THEN 1 ELSE -1 END) * amount AS amount
                              FROM operations
                         UNION ALL
                            SELECT COALESCE(counterpart_member_id, member_id),
                                   sign * quantity,
                                   sign * quantity * (CASE WHEN operation_type = 'conversion'
                                                           THEN target_unit_value
                                                           ELSE unit_value END)
                              FROM operations
                             WHERE operation_type IN ('transfer', 'conversion')
                           ) AS sides
                  GROUP BY member_id
                   ) h ON h.member_id = m.id
             WHERE m.company_id = ANY(%(companies)s)
               AND m.member_number IS NOT NULL
               AND m.admission_date <= %(to)s
          ORDER BY c.name, m.member_number
            """,
            {"companies": companies.ids, "to": date_to},
        )
        members = cr.fetchall()
        cr.execute(
            """
            SELECT c.name, o.name, o.date, o.operation_type, o.is_reversal,
                   m.member_number, p.name, cm.member_number, sc.code,
                   o.quantity, o.unit_value, o.amount
              FROM coop_share_operation o
              JOIN res_company c ON c.id = o.company_id
              JOIN coop_member m ON m.id = o.member_id
              JOIN res_partner p ON p.id = m.partner_id
         LEFT JOIN coop_member cm ON cm.id = o.counterpart_member_id
              JOIN coop_share_class sc ON sc.id = o.share_class_id
             WHERE o.company_id = ANY(%(companies)s)
               AND o.state = 'confirmed'
               AND o.date BETWEEN %(from)s AND %(to)s
          ORDER BY c.name, o.date, o.id
            """,
            {"companies": companies.ids, "from": date_from, "to": date_to},
        )
        return members, cr.fetchall()

    # ------------------------------------------------------------------
    # XLSX
    # ------------------------------------------------------------------
    @api.model
    def _years(self, date_from, date_to):
        for year in range(date_from.year, date_to.year + 1):
            yield year, max(date_from, date(year, 1, 1)), min(date_to, date(year, 12, 31))

    @api.model
    def _capital_variation_xlsx(self, companies, date_from, date_to):
        """Capital variation per year, per company and consolidated: XLSX bytes."""
        self._check_dates(date_from, date_to)
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True})
        bold = book.add_format({"bold": True})
        title = book.add_format({"bold": True, "font_size": 14})
        header = book.add_format(
            {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
        )
        money = book.add_format({"num_format": "#,##0.00", "border": 1})
        integer = book.add_format({"num_format": "0", "border": 1})
        total_money = book.add_format({"num_format": "#,##0.00", "bold": True, "top": 2})
        total_int = book.add_format({"num_format": "0", "bold": True, "top": 2})
        text = book.add_format({"border": 1})
        sheet = book.add_worksheet(_("Capital variation"))
        labels = [
            _("Cooperative"),
            _("Opening capital"),
            _("Subscriptions"),
            _("Redemptions"),
            _("Conversions"),
            _("Closing capital"),
            _("Transfers (volume)"),
            _("Members in"),
            _("Members out"),
            _("Members at end"),
        ]
        sheet.set_column(0, 0, 32)
        sheet.set_column(1, len(labels) - 1, 16)
        sheet.write(0, 0, _("Capital variation"), title)
        sheet.write(1, 0, _("From %(start)s to %(end)s", start=date_from, end=date_to))
        row = 3
        money_cols = {1, 2, 3, 4, 5, 6}
        colleges_by_year = {}
        for year, start, end in self._years(date_from, date_to):
            figures = self._capital_variation(companies, start, end)
            colleges_by_year[year] = (end, self._members_per_college(companies, end))
            sheet.write(row, 0, str(year), bold)
            row += 1
            sheet.write_row(row, 0, labels, header)
            row += 1
            first = row
            for company in companies.sorted("name"):
                values = figures[company.id]
                sheet.write(row, 0, company.name, text)
                for col, key in enumerate(VARIATION_COLUMNS, start=1):
                    sheet.write_number(
                        row, col, float(values[key]), money if col in money_cols else integer
                    )
                row += 1
            sheet.write(row, 0, _("Federation (consolidated)"), bold)
            for col in range(1, len(labels)):
                cell_from = xlsxwriter.utility.xl_rowcol_to_cell(first, col)
                cell_to = xlsxwriter.utility.xl_rowcol_to_cell(row - 1, col)
                total = float(sum(figures[c.id][VARIATION_COLUMNS[col - 1]] for c in companies))
                sheet.write_formula(
                    row,
                    col,
                    f"=SUM({cell_from}:{cell_to})",
                    total_money if col in money_cols else total_int,
                    total,
                )
            row += 3
        colleges_sheet = book.add_worksheet(_("Members per college"))
        colleges_sheet.set_column(0, 1, 32)
        colleges_sheet.write_row(
            0, 0, [_("Date"), _("Cooperative"), _("College"), _("Members")], header
        )
        college_names = {
            college.id: college.name
            for college in self.env["coop.college"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", companies.ids)])
        }
        company_names = {company.id: company.name for company in companies}
        row = 1
        for end, counts in colleges_by_year.values():
            for (company_id, college_id), count in sorted(counts.items()):
                colleges_sheet.write_row(
                    row,
                    0,
                    [
                        str(end),
                        company_names.get(company_id, ""),
                        college_names.get(college_id, ""),
                        count,
                    ],
                )
                row += 1
        book.close()
        return output.getvalue()

    @api.model
    def _register_xlsx(self, companies, date_from, date_to):
        """Register of members and of share movements: XLSX bytes."""
        members, movements = self._register_rows(companies, date_from, date_to)
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"in_memory": True, "constant_memory": True})
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        money = book.add_format({"num_format": "#,##0.00"})
        day = book.add_format({"num_format": "yyyy-mm-dd"})
        total = book.add_format({"bold": True, "num_format": "#,##0.00"})
        sheet = book.add_worksheet(_("Members"))
        sheet.set_column(0, 0, 24)
        sheet.set_column(2, 2, 32)
        sheet.set_column(4, 5, 12, day)
        sheet.set_column(7, 7, 14, money)
        sheet.write_row(
            0,
            0,
            [
                _("Cooperative"),
                _("Member number"),
                _("Name"),
                _("College"),
                _("Admission"),
                _("Exit"),
                _("Shares at %(date)s", date=date_to),
                _("Capital at %(date)s", date=date_to),
            ],
            header,
        )
        for row, values in enumerate(members, start=1):
            sheet.write_row(row, 0, values)
        last = len(members)
        sheet.write(last + 1, 5, _("Total"), total)
        sheet.write_formula(last + 1, 6, f"=SUM(G2:G{last + 1})", total)
        sheet.write_formula(last + 1, 7, f"=SUM(H2:H{last + 1})", total)
        types = dict(
            self.env["coop.share.operation"]
            ._fields["operation_type"]
            ._description_selection(self.env)
        )
        sheet = book.add_worksheet(_("Movements"))
        sheet.set_column(0, 1, 16)
        sheet.set_column(2, 2, 12, day)
        sheet.set_column(6, 6, 32)
        sheet.set_column(10, 11, 14, money)
        sheet.write_row(
            0,
            0,
            [
                _("Cooperative"),
                _("Register number"),
                _("Date"),
                _("Type"),
                _("Reversal"),
                _("Member number"),
                _("Name"),
                _("Receiving member"),
                _("Share class"),
                _("Shares"),
                _("Unit value"),
                _("Amount"),
            ],
            header,
        )
        yes = _("Yes")
        for row, values in enumerate(movements, start=1):
            values = list(values)
            values[3] = types.get(values[3], values[3])
            values[4] = yes if values[4] else ""
            sheet.write_row(row, 0, values)
        book.close()
        return output.getvalue()

    @api.model
    def _attachment_download(self, content, filename):
        attachment = self.env["ir.attachment"].create(
            {
                "name": filename,
                "datas": base64.b64encode(content),
                "mimetype": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "res_model": "coop.capital.report",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }
