import io
import json
import re
import zipfile
from datetime import date
from operator import itemgetter

import xlsxwriter

from odoo import _, api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import format_date, get_lang

from ..tools.xlsx_fast import open_for_writing, shared_string_index, style_index
from .coop_share_operation import SIGNED_CAPITAL_SQL

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

# C0 control characters other than tab and line breaks are not allowed in XML 1.0.
XML_FORBIDDEN = bytes(c for c in range(32) if c not in (9, 10, 13))
SHEET_PART = re.compile(r"xl/worksheets/sheet(\d+)\.xml")
SHEET_DIMENSION = re.compile(r'<dimension ref="([A-Z]+\d+):([A-Z]+)(\d+)"/>')
XLSX_FETCH_SIZE = 5000
# strftime directives of Odoo's language date formats, as Excel number format codes.
EXCEL_DATE_CODES = {
    "%d": "dd",
    "%e": "d",
    "%m": "mm",
    "%Y": "yyyy",
    "%y": "yy",
    "%b": "mmm",
    "%B": "mmmm",
    "%a": "ddd",
    "%A": "dddd",
}
EXCEL_DATE_DIRECTIVE = re.compile(r"%.")


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
            SQL(
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
                           %(signed_capital)s AS s
                      FROM coop_share_operation
                     WHERE state = 'confirmed'
                       AND company_id = ANY(%(companies)s)
                       AND date <= %(to)s
                   ) AS operations
          GROUP BY company_id
            """,
                signed_capital=SQL(SIGNED_CAPITAL_SQL),
                **{"from": date_from, "to": date_to, "companies": companies.ids},
            )
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

    # ------------------------------------------------------------------
    # Register: one FROM clause per sheet, read as values (PDF) or as XLSX rows
    # ------------------------------------------------------------------
    @api.model
    def _report_colleges(self, companies):
        """Every college of ``companies``, archived ones too (past figures name them)."""
        return (
            self.env["coop.college"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", companies.ids)])
        )

    @api.model
    def _xlsx_date_format(self):
        """The reader's date format as an Excel number format (dd/mm/yyyy in French).

        Dates are written as real date cells (sortable, filterable) shown in this format.
        """
        date_format = get_lang(self.env).date_format or ""
        if any(
            directive not in EXCEL_DATE_CODES
            for directive in EXCEL_DATE_DIRECTIVE.findall(date_format)
        ):
            return "dd/mm/yyyy"
        return EXCEL_DATE_DIRECTIVE.sub(lambda match: EXCEL_DATE_CODES[match[0]], date_format)

    @api.model
    def _members_per_college_sheet(self, book, companies, colleges_by_year, header, bold, total):
        """Members per college at each year end: per cooperative, then, for several
        cooperatives, consolidated by college code (the federation matches colleges by
        code), then the total."""
        sheet = book.add_worksheet(_("Members per college"))
        day = book.add_format({"num_format": self._xlsx_date_format(), "align": "left"})
        sheet.set_column(0, 0, 12)
        sheet.set_column(1, 2, 32)
        sheet.write_row(0, 0, [_("Date"), _("Cooperative"), _("College"), _("Members")], header)
        colleges = {college.id: college for college in self._report_colleges(companies)}
        company_names = {company.id: company.name for company in companies}
        consolidated_label = _("Federation (consolidated)")
        row = 1
        for end, counts in colleges_by_year.values():
            first = row
            by_code = {}
            for (company_id, college_id), count in sorted(
                counts.items(), key=lambda item: (company_names.get(item[0][0], ""), item[0][1])
            ):
                college = colleges.get(college_id)
                sheet.write_datetime(row, 0, end, day)
                sheet.write_row(
                    row, 1, [company_names.get(company_id, ""), college.name or "", count]
                )
                by_code.setdefault(college.code or college.name, [college.name, 0])[1] += count
                row += 1
            last = row - 1
            # A single cooperative's figures are its own: no consolidated rows.
            for name, count in sorted(by_code.values()) if len(companies) > 1 else ():
                sheet.write_datetime(row, 0, end, day)
                sheet.write_row(row, 1, [consolidated_label, name, count])
                row += 1
            sheet.write(row, 2, _("Total members"), bold)
            members = sum(counts.values())
            if last >= first:
                sheet.write_formula(row, 3, f"=SUM(D{first + 1}:D{last + 1})", total, members)
            else:
                sheet.write_number(row, 3, 0, total)
            row += 2

    @api.model
    def _register_prepare(self, companies, date_from, date_to):
        self._check_report_access(companies)
        self._check_dates(date_from, date_to)
        self.env["coop.share.operation"].flush_model()
        self.env["coop.member"].flush_model()
        # The per-member holdings hash 100,000+ members: with PostgreSQL's default 4 MB the
        # aggregate spills to disk in batches. Local to this transaction.
        self.env.cr.execute("SET LOCAL work_mem = '64MB'")

    @api.model
    def _register_members_from(self, companies, date_to):
        """Admitted members of ``companies`` with their holding at ``date_to``.

        The holding at ``date_to`` is the stored holding (``share_count``/``share_amount``,
        the sum of the member's confirmed register lines, kept by the ORM and checked
        against the register by tests/test_integrity.py) minus what moved after
        ``date_to``. A register is printed for a closed year: the few movements since
        are summed instead of the whole history (400,000 lines at federation scale).

        ``later.quantity`` and ``later.amount`` sum the signed sides of the confirmed
        operations dated after ``date_to``, as the coop.share.movement view does:
        subscriptions add to the member, redemptions and given transfers take away, the
        receiving side of a transfer (or the new class of a conversion) adds, reversals
        count with the opposite sign. Amounts are summed as integers (``amount_units``,
        ten-thousandths), then scaled.
        """
        return SQL(
            """
                 coop_member m
            JOIN res_company c ON c.id = m.company_id
            JOIN res_partner p ON p.id = m.partner_id
       LEFT JOIN coop_college col ON col.id = m.college_id
       LEFT JOIN (
                  SELECT member_id, SUM(quantity) AS quantity, SUM(units) * 0.0001 AS amount
                    FROM (
                          SELECT member_id,
                                 CASE WHEN (operation_type = 'subscription') = (is_reversal IS TRUE)
                                      THEN -quantity ELSE quantity END AS quantity,
                                 CASE WHEN (operation_type = 'subscription') = (is_reversal IS TRUE)
                                      THEN -amount_units ELSE amount_units END AS units
                            FROM coop_share_operation
                           WHERE state = 'confirmed'
                             AND company_id = ANY(%(companies)s)
                             AND date > %(to)s
                       UNION ALL
                          SELECT COALESCE(counterpart_member_id, member_id),
                                 (CASE WHEN is_reversal THEN -1 ELSE 1 END)
                                 * (CASE WHEN operation_type = 'conversion'
                                         THEN target_quantity ELSE quantity END),
                                 (CASE WHEN is_reversal THEN -1 ELSE 1 END)
                                 * (CASE WHEN operation_type <> 'conversion' THEN amount_units
                                         ELSE round(target_quantity * target_unit_value
                                                    * 10000)::bigint END)
                            FROM coop_share_operation
                           WHERE state = 'confirmed'
                             AND company_id = ANY(%(companies)s)
                             AND date > %(to)s
                             AND operation_type IN ('transfer', 'conversion')
                         ) moved
                GROUP BY member_id
                 ) later ON later.member_id = m.id
       CROSS JOIN LATERAL (
                  SELECT m.share_count - COALESCE(later.quantity, 0) AS quantity,
                         COALESCE(m.share_amount, 0) - COALESCE(later.amount, 0) AS amount
                 ) h
           WHERE m.company_id = ANY(%(companies)s)
             AND m.member_number IS NOT NULL
             AND m.admission_date <= %(to)s
            """,
            companies=companies.ids,
            to=date_to,
        )

    @api.model
    def _register_movements_from(self, companies, date_from, date_to):
        """Confirmed operations of ``companies`` dated within the period."""
        return SQL(
            """
                 coop_share_operation o
            JOIN res_company c ON c.id = o.company_id
            JOIN coop_member m ON m.id = o.member_id
            JOIN res_partner p ON p.id = m.partner_id
       LEFT JOIN coop_member cm ON cm.id = o.counterpart_member_id
            JOIN coop_share_class sc ON sc.id = o.share_class_id
       LEFT JOIN coop_share_class tsc ON tsc.id = o.target_share_class_id
           WHERE o.company_id = ANY(%s)
             AND o.state = 'confirmed'
             AND o.date BETWEEN %s AND %s
            """,
            companies.ids,
            date_from,
            date_to,
        )

    @api.model
    def _register_operation_types(self):
        return dict(
            self.env["coop.share.operation"]
            ._fields["operation_type"]
            ._description_selection(self.env)
        )

    @api.model
    def _register_rows(self, companies, date_from, date_to):
        """Members with their holding at ``date_to`` and the movements of the period."""
        self._register_prepare(companies, date_from, date_to)
        cr = self.env.cr
        # Amounts come as float8: the same floats as Odoo's conversion of numeric values,
        # without a Python call per value. Colleges by name, in the reader's language (the
        # code is for the federation), looked up in the query: no second pass in Python.
        colleges = json.dumps(
            {str(college.id): college.name for college in self._report_colleges(companies)}
        )
        cr.execute(
            SQL(
                """SELECT c.name, m.member_number, p.name,
                          COALESCE(%s::jsonb ->> m.college_id::text, ''), m.admission_date,
                          m.exit_date, h.quantity, h.amount::float8
                     FROM %s
                 ORDER BY c.name, m.member_number""",
                colleges,
                self._register_members_from(companies, date_to),
            )
        )
        members = cr.fetchall()
        cr.execute(
            SQL(
                """SELECT c.name, o.name, o.recording_date, o.date, o.operation_type,
                          o.is_reversal, m.member_number, p.name, cm.member_number, sc.code,
                          o.quantity, o.unit_value::float8, o.amount::float8,
                          o.signed_quantity, o.signed_amount::float8, tsc.code,
                          o.target_quantity
                     FROM %s
                 ORDER BY %s""",
                self._register_movements_from(companies, date_from, date_to),
                SQL(", ").join(self._register_movements_order()),
            )
        )
        return members, cr.fetchall()

    @api.model
    def _register_movements_order(self):
        """Movements in the order of the register: recording, as their numbers."""
        return [SQL("c.name"), SQL("o.recording_date"), SQL("o.name"), SQL("o.id")]

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
        sheet.write(
            1,
            0,
            _(
                "From %(start)s to %(end)s",
                start=format_date(self.env, date_from),
                end=format_date(self.env, date_to),
            ),
        )
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
            closing_col = VARIATION_COLUMNS.index("closing") + 1
            for company in companies.sorted("name"):
                values = figures[company.id]
                sheet.write(row, 0, company.name, text)
                for col, key in enumerate(VARIATION_COLUMNS, start=1):
                    fmt = money if col in money_cols else integer
                    if col == closing_col:
                        # Closing = opening + subscriptions + redemptions (negative) +
                        # conversions, as a formula the reader can follow.
                        cells = [
                            xlsxwriter.utility.xl_rowcol_to_cell(row, c)
                            for c in range(1, closing_col)
                        ]
                        sheet.write_formula(
                            row, col, "=" + "+".join(cells), fmt, float(values[key])
                        )
                    else:
                        sheet.write_number(row, col, float(values[key]), fmt)
                row += 1
            if len(companies) < 2:
                # One cooperative: its row is the total, no consolidated row.
                row += 2
                continue
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
        self._members_per_college_sheet(book, companies, colleges_by_year, header, bold, total_int)
        book.close()
        return output.getvalue()

    @api.model
    def _register_xlsx(self, companies, date_from, date_to):
        """Register of members and of share movements: XLSX bytes.

        A register of 100,000 members is more than a million cells: written one by one
        through xlsxwriter that takes over ten seconds of Python. So PostgreSQL renders the
        body rows as SpreadsheetML (the sheet XML) and xlsxwriter builds the workbook around
        them: styles, widths, header and total rows, frozen panes and filters.
        """
        self._register_prepare(companies, date_from, date_to)
        output = io.BytesIO()
        # constant_memory (not in_memory, which would override it): no Python loop over the
        # empty body rows before the total row.
        book = xlsxwriter.Workbook(output, {"constant_memory": True})
        day = book.add_format({"num_format": self._xlsx_date_format()})
        money = book.add_format({"num_format": "#,##0.00"})
        # xlsxwriter numbers the cell styles in the order it meets them; the rendered cells
        # need theirs now, so these two are numbered first.
        day_style, money_style = style_index(day), style_index(money)
        # Values repeated on every row (cooperative, college, type, class) go to the shared
        # string table once; the rows carry their index: a fifth less XML to render,
        # fetch and compress.
        shared = self._xlsx_shared_strings(book, companies)
        members = self._xlsx_rows_query(
            self._register_members_from(companies, date_to),
            [SQL("c.name"), SQL("m.member_number")],
            [
                ("shared", SQL("(%s::jsonb ->> m.company_id::text)", shared["company"]), None),
                ("text", SQL("m.member_number"), None),
                ("text", SQL("p.name"), None),
                ("shared", SQL("(%s::jsonb ->> m.college_id::text)", shared["college"]), None),
                ("date", SQL("m.admission_date"), day_style),
                ("date", SQL("m.exit_date"), day_style),
                ("number", SQL("h.quantity"), None),
                ("number", SQL("h.amount"), money_style),
            ],
            # float8: summed in Python without a Decimal per row, rounded below.
            sums=[SQL("h.quantity"), SQL("h.amount::float8")],
        )
        movements = self._xlsx_rows_query(
            self._register_movements_from(companies, date_from, date_to),
            self._register_movements_order(),
            [
                ("shared", SQL("(%s::jsonb ->> o.company_id::text)", shared["company"]), None),
                ("text", SQL("o.name"), None),
                ("date", SQL("o.recording_date"), day_style),
                ("date", SQL("o.date"), day_style),
                ("shared", SQL("(%s::jsonb ->> o.operation_type)", shared["type"]), None),
                ("shared", SQL("CASE WHEN o.is_reversal THEN %s END", shared["yes"]), None),
                ("text", SQL("m.member_number"), None),
                ("text", SQL("p.name"), None),
                ("text", SQL("cm.member_number"), None),
                ("shared", SQL("(%s::jsonb ->> o.share_class_id::text)", shared["class"]), None),
                ("number", SQL("o.quantity"), None),
                ("number", SQL("o.unit_value"), money_style),
                ("number", SQL("o.amount"), money_style),
                ("number", SQL("o.signed_quantity"), None),
                ("number", SQL("o.signed_amount"), money_style),
                # A conversion's other side: the class and shares received.
                (
                    "shared",
                    SQL("(%s::jsonb ->> o.target_share_class_id::text)", shared["class"]),
                    None,
                ),
                ("number", SQL("NULLIF(o.target_quantity, 0)"), None),
            ],
            sums=[SQL("o.signed_quantity"), SQL("o.signed_amount::float8")],
        )
        n_members, members_body, (shares, capital) = self._xlsx_fetch_rows(members)
        n_movements, movements_body, (net_shares, change) = self._xlsx_fetch_rows(movements)
        self._register_xlsx_sheets(
            book,
            day,
            money,
            date_to,
            (n_members, shares, round(capital, 2)),
            (n_movements, net_shares, round(change, 2)),
        )
        book.close()
        return self._xlsx_fill_bodies(
            output.getvalue(), [(members_body, n_members), (movements_body, n_movements)]
        )

    @api.model
    def _xlsx_shared_strings(self, book, companies):
        """Put the register's repeated values in ``book``'s shared string table.

        Return, per kind, a JSON object mapping a key (record id or operation type) to the
        string's index, for the rows rendered in SQL. xlsxwriter writes the table (escaped)
        with the workbook.
        """

        def indexes(labels):
            return json.dumps(
                {str(key): shared_string_index(book, label) for key, label in labels if label}
            )

        colleges = self._report_colleges(companies)
        classes = (
            self.env["coop.share.class"]
            .sudo()
            .with_context(active_test=False)
            .search([("company_id", "in", companies.ids)])
        )
        return {
            "company": indexes((company.id, company.name) for company in companies),
            # Names, in the reader's language: the code is the federation's matching key.
            "college": indexes((college.id, college.name) for college in colleges),
            "class": indexes((share_class.id, share_class.code) for share_class in classes),
            "type": indexes(self._register_operation_types().items()),
            "yes": str(shared_string_index(book, _("Yes"))),
        }

    @api.model
    def _register_xlsx_sheets(self, book, day, money, date_to, members, movements):
        """The register's sheets without their body rows.

        ``members`` and ``movements`` are (row count, total of shares, total of capital):
        held at ``date_to`` for the members, signed changes for the movements.
        """
        n_members, shares, capital = members
        n_movements, net_shares, change = movements
        header = book.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1})
        total = book.add_format({"bold": True, "num_format": "#,##0.00"})
        total_int = book.add_format({"bold": True, "num_format": "0"})
        at_date = format_date(self.env, date_to)
        labels = [
            _("Cooperative"),
            _("Member number"),
            _("Name"),
            _("College"),
            _("Admission"),
            _("Exit"),
            _("Shares at %(date)s", date=at_date),
            _("Capital at %(date)s", date=at_date),
        ]
        sheet = book.add_worksheet(_("Members"))
        sheet.set_column(0, 0, 24)
        sheet.set_column(1, 1, 14)
        sheet.set_column(2, 3, 32)
        sheet.set_column(4, 5, 12, day)
        sheet.set_column(6, 7, 16, money)
        sheet.write_row(0, 0, labels, header)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(n_members, 1), len(labels) - 1)
        # Formulas with their values: LibreOffice shows the stored value of an XLSX
        # formula without recomputing it.
        if n_members:
            sheet.write(n_members + 1, 5, _("Total"), total)
            sheet.write_formula(n_members + 1, 6, f"=SUM(G2:G{n_members + 1})", total_int, shares)
            sheet.write_formula(n_members + 1, 7, f"=SUM(H2:H{n_members + 1})", total, capital)
        # In the order of recording (the register numbers), the value date beside the
        # recording date; the last two columns are signed (a redemption takes away) and
        # add up to the change of the period.
        labels = [
            _("Cooperative"),
            _("Register number"),
            _("Recording date"),
            _("Value date"),
            _("Type"),
            _("Reversal"),
            _("Member number"),
            _("Name"),
            _("Receiving member"),
            _("Share class"),
            _("Shares"),
            _("Unit value"),
            _("Amount"),
            _("Net shares"),
            _("Capital change"),
            _("Converted into"),
            _("Shares received"),
        ]
        sheet = book.add_worksheet(_("Movements"))
        sheet.set_column(0, 1, 16)
        sheet.set_column(2, 3, 12, day)
        sheet.set_column(7, 7, 32)
        sheet.set_column(11, 12, 14, money)
        sheet.set_column(13, 13, 12)
        sheet.set_column(14, 14, 14, money)
        sheet.set_column(15, 16, 14)
        sheet.write_row(0, 0, labels, header)
        sheet.freeze_panes(1, 0)
        sheet.autofilter(0, 0, max(n_movements, 1), len(labels) - 1)
        if n_movements:
            last = n_movements + 1
            sheet.write(last, 12, _("Total"), total)
            sheet.write_formula(last, 13, f"=SUM(N2:N{last})", total_int, net_shares)
            sheet.write_formula(last, 14, f"=SUM(O2:O{last})", total, change)

    # ------------------------------------------------------------------
    # Large sheets: body rows rendered by PostgreSQL
    # ------------------------------------------------------------------
    @api.model
    def _xlsx_rows_query(self, from_clause, order, cells, sums=()):
        """Query rendering one ``<row>`` of SpreadsheetML per row, sorted on ``order``.

        ``cells`` lists ``(kind, expression, style)`` per column: ``text`` (an inline
        string, escaped here), ``shared`` (the index of a shared string), ``number``, or
        ``date`` (Excel's serial day number); ``style`` is an xlsxwriter
        ``Format.xf_index`` or None. The query also returns the ``sums`` expressions, for
        totals.

        Rows and cells carry no ``r`` reference: it is optional in SpreadsheetML
        (ECMA-376 18.3.1.4 and 18.3.1.73), a row or cell without it comes right after the
        previous one, and Excel, LibreOffice and openpyxl read it so. That leaves the
        rendering to one concat() per row, with no row numbering. An empty value keeps its
        place with an empty ``<c/>``.
        """
        parts = []
        for kind, expression, style in cells:
            attributes = f' s="{int(style)}"' if style is not None else ""
            opening, closing = f"<c{attributes}><v>", "</v></c>"
            value = SQL("(%s)", expression)
            if kind == "text":
                value = SQL(
                    "replace(replace(replace((%s)::text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')",
                    expression,
                )
                opening, closing = f'<c{attributes} t="inlineStr"><is><t>', "</t></is></c>"
            elif kind == "shared":
                opening = f'<c{attributes} t="s"><v>'
            elif kind == "date":
                value = SQL("((%s) - DATE '1899-12-30')", expression)
            parts.append(
                SQL("COALESCE(%s || %s || %s, %s)", opening, value, closing, f"<c{attributes}/>")
            )
        # One concat() per row: a chain of || copies the growing row at every step.
        return SQL(
            "SELECT concat('<row>', %s, '</row>')%s FROM %s ORDER BY %s",
            SQL(", ").join(parts),
            SQL("").join(SQL(", %s", expression) for expression in sums),
            from_clause,
            SQL(", ").join(order),
        )

    @api.model
    def _xlsx_fetch_rows(self, query):
        """Run an ``_xlsx_rows_query``: return (row count, body as bytes chunks, sums)."""
        cr = self.env.cr
        cr.execute(query)
        count, chunks, sums = 0, [], [0] * (len(cr.description) - 1)
        while rows := cr.fetchmany(XLSX_FETCH_SIZE):
            # Control characters are not allowed in XML, even escaped: dropped here, as
            # bytes (they never occur inside a UTF-8 sequence), far faster than in SQL.
            chunks.append("".join(map(itemgetter(0), rows)).encode().translate(None, XML_FORBIDDEN))
            count += len(rows)
            for index in range(len(sums)):
                sums[index] += sum(map(itemgetter(index + 1), rows))
        return count, chunks, sums

    @api.model
    def _xlsx_fill_bodies(self, content, bodies):
        """Return the XLSX ``content`` with the rendered ``bodies`` in its sheets.

        ``bodies[i]`` is ``(chunks, row_count)`` for sheet ``i + 1``: its rows go right
        after the sheet's first (header) row, and the sheet's dimension is extended to
        them. The other parts of the package are copied as xlsxwriter wrote them.
        """
        source = zipfile.ZipFile(io.BytesIO(content))
        output = io.BytesIO()
        # Level 1: the body is repetitive XML, fast compression still makes it 20 times smaller.
        with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as target:
            for info in source.infolist():
                data = source.read(info.filename)
                match = SHEET_PART.fullmatch(info.filename)
                index = int(match.group(1)) - 1 if match else len(bodies)
                if index >= len(bodies):
                    target.writestr(info, data)
                    continue
                chunks, count = bodies[index]
                xml = data.decode()
                cut = xml.index("</row>") + len("</row>")
                head = xml[:cut]
                if dimension := SHEET_DIMENSION.search(head):
                    first, column, last = dimension.groups()
                    head = head.replace(
                        dimension[0],
                        f'<dimension ref="{first}:{column}{max(int(last), count + 1)}"/>',
                        1,
                    )
                with open_for_writing(target, info.filename) as stream:
                    stream.write(head.encode())
                    for chunk in chunks:
                        stream.write(chunk)
                    stream.write(xml[cut:].encode())
        return output.getvalue()
