import base64
import io
import zipfile
from datetime import date, datetime

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from odoo.addons.coop_membership.models.coop_capital_report import VARIATION_COLUMNS

from .capital_common import CoopCapitalTestCommon
from .role_guard import superuser_setup


class TestCapitalReports(CoopCapitalTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The federation's accountant exports the registers of both cooperatives.
        cls.accountant_ab = cls._create_user(
            "accountant_ab",
            "coop_membership.group_coop_accountant",
            cls.company_a,
            extra_companies=cls.company_b,
        )
        cls.today = fields.Date.today()
        cls.year_start = date(cls.today.year, 1, 1)
        cls.year_end = date(cls.today.year, 12, 31)
        cls.m1 = cls._create_member("Julien Lefèvre")
        cls.m2 = cls._create_member("Claire Martin")
        cls.m3 = cls._create_member("Bernard Roux", company=cls.company_b)
        cls._subscribe(cls.m1, 5)
        cls._subscribe(cls.m2, 2)
        cls._subscribe(cls.m3, 10)
        cls.env["coop.share.operation"].create(
            {
                "member_id": cls.m1.id,
                "company_id": cls.company_a.id,
                "counterpart_member_id": cls.m2.id,
                "share_class_id": cls.class_a.id,
                "operation_type": "transfer",
                "quantity": 1,
            }
        ).action_confirm()
        cls._subscribe(cls.m2, 3).action_reverse()
        cls.companies = cls.company_a | cls.company_b
        cls.Report = cls.env["coop.capital.report"].with_user(cls.accountant_ab)

    def test_variation_equals_raw_sql(self):
        """The capital variation gives the register's own sums, year after year."""
        figures = self.Report._capital_variation(self.companies, self.year_start, self.year_end)
        self.env.cr.execute(
            """
            SELECT company_id,
                   SUM(CASE WHEN is_reversal THEN -1 ELSE 1 END
                       * CASE operation_type WHEN 'subscription' THEN amount
                                             WHEN 'redemption' THEN -amount ELSE 0 END)
              FROM coop_share_operation
             WHERE state = 'confirmed' AND company_id = ANY(%s) AND date <= %s
          GROUP BY company_id
            """,
            [self.companies.ids, self.year_end],
        )
        raw = dict(self.env.cr.fetchall())
        for company in self.companies:
            self.assertEqual(figures[company.id]["closing"], raw[company.id])
            values = figures[company.id]
            self.assertEqual(
                values["closing"],
                values["opening"]
                + values["subscriptions"]
                + values["redemptions"]
                + values["conversions"],
            )
        self.assertEqual(figures[self.company_a.id]["closing"], 350.0)
        self.assertEqual(figures[self.company_a.id]["transfers"], 50.0)
        self.assertEqual(figures[self.company_b.id]["closing"], 1000.0)
        self.assertEqual(figures[self.company_a.id]["members_in"], 2)
        self.assertEqual(figures[self.company_a.id]["members_end"], 2)
        # Next year opens with this year's closing.
        next_year = self.Report._capital_variation(
            self.companies, self.year_end + relativedelta(days=1), date(self.today.year + 1, 12, 31)
        )
        self.assertEqual(next_year[self.company_a.id]["opening"], 350.0)
        colleges = self.Report._members_per_college(self.companies, self.year_end)
        self.assertEqual(colleges[(self.company_a.id, self.college_a_cons.id)], 2)

    def test_variation_every_column_equals_raw_sql(self):
        """Each column of the capital variation equals its raw sum over the register."""
        # A redemption and a conversion this year, and last year's subscription as opening,
        # recorded by B's accountant.
        Operation = self.env["coop.share.operation"].with_user(self.accountant_b)
        Operation.create(
            {
                "member_id": self.m3.id,
                "company_id": self.company_b.id,
                "share_class_id": self.class_b.id,
                "operation_type": "subscription",
                "quantity": 4,
                "date": date(self.today.year - 1, 6, 1),
            }
        ).action_confirm()
        Operation.create(
            {
                "member_id": self.m3.id,
                "company_id": self.company_b.id,
                "share_class_id": self.class_b.id,
                "operation_type": "redemption",
                "quantity": 3,
            }
        ).action_confirm()
        # 2 shares of 100 converted into 1 share of 200: the capital keeps its value.
        premium = self.env["coop.share.class"].create(
            {
                "name": "Premium share",
                "code": "P",
                "company_id": self.company_b.id,
                "nominal_value": 200.0,
            }
        )
        Operation.create(
            {
                "member_id": self.m3.id,
                "company_id": self.company_b.id,
                "share_class_id": self.class_b.id,
                "operation_type": "conversion",
                "target_share_class_id": premium.id,
                "quantity": 2,
            }
        ).action_confirm()
        figures = self.Report._capital_variation(self.companies, self.year_start, self.year_end)
        self.env.cr.execute(
            """
            SELECT company_id, operation_type, date < %s,
                   SUM(CASE WHEN is_reversal THEN -1 ELSE 1 END
                       * CASE WHEN operation_type = 'conversion'
                              THEN target_quantity * target_unit_value - amount
                              ELSE amount END)
              FROM coop_share_operation
             WHERE state = 'confirmed' AND company_id = ANY(%s) AND date <= %s
          GROUP BY 1, 2, 3
            """,
            [self.year_start, self.companies.ids, self.year_end],
        )
        raw = {}
        for company_id, operation_type, before, amount in self.env.cr.fetchall():
            raw[(company_id, operation_type, before)] = float(amount)
        for company in self.companies:
            values = figures[company.id]

            def signed(operation_type, before, company=company):
                sign = -1 if operation_type == "redemption" else 1
                return sign * raw.get((company.id, operation_type, before), 0.0)

            opening = (
                signed("subscription", True)
                + signed("redemption", True)
                + signed("conversion", True)
            )
            self.assertEqual(values["opening"], opening, company.name)
            self.assertEqual(values["subscriptions"], signed("subscription", False))
            self.assertEqual(values["redemptions"], signed("redemption", False))
            self.assertEqual(values["conversions"], signed("conversion", False))
            self.assertEqual(values["transfers"], signed("transfer", False))
            self.assertEqual(
                values["closing"],
                opening
                + signed("subscription", False)
                + signed("redemption", False)
                + signed("conversion", False),
            )
        self.assertEqual(figures[self.company_b.id]["opening"], 400.0)
        self.assertEqual(figures[self.company_b.id]["redemptions"], -300.0)
        self.assertEqual(figures[self.company_b.id]["conversions"], 0.0)
        self.assertEqual(figures[self.company_b.id]["closing"], 1100.0)

    def test_xlsx_files(self):
        """The capital variation spreadsheet: closing capital as a formula, members per
        college per cooperative and consolidated for the federation."""
        content = self.Report._capital_variation_xlsx(
            self.companies, date(self.today.year - 1, 1, 1), self.year_end
        )
        sheet = zipfile.ZipFile(io.BytesIO(content)).read("xl/worksheets/sheet1.xml").decode()
        self.assertIn("<f>SUM(", sheet)
        book = openpyxl.load_workbook(io.BytesIO(content))
        values = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        rows = list(book["Capital variation"].iter_rows(values_only=True))
        # This year's block: each cooperative's closing capital is a formula over its row.
        coop_a = [index for index, row in enumerate(rows) if row[0] == self.company_a.name][-1]
        excel_row = coop_a + 1
        self.assertEqual(rows[coop_a][5], f"=B{excel_row}+C{excel_row}+D{excel_row}+E{excel_row}")
        self.assertEqual(values["Capital variation"].cell(excel_row, 6).value, 350.0)
        # Members per college: per cooperative, consolidated, and a total formula.
        rows = list(values["Members per college"].iter_rows(values_only=True))
        # Year ends are real dates, in the reader's date format.
        this_year = [
            row for row in rows if isinstance(row[0], datetime) and row[0].date() == self.year_end
        ]
        first = next(index for index, row in enumerate(rows) if row in this_year)
        self.assertEqual(
            values["Members per college"].cell(first + 1, 1).number_format, "mm/dd/yyyy"
        )
        consolidated = [row for row in this_year if row[1] == "Federation (consolidated)"]
        self.assertEqual({row[2]: row[3] for row in consolidated}, {"Consumers": 3})
        formulas = list(book["Members per college"].iter_rows(values_only=True))
        total_index = max(index for index, row in enumerate(formulas) if row[2] == "Total members")
        self.assertTrue(formulas[total_index][3].startswith("=SUM(D"))
        self.assertEqual(rows[total_index][3], 3)

    def test_register_xlsx(self):
        """The register spreadsheet has the figures of the register query, escaped."""
        # Names that XML must escape, and a vertical tab pasted from a word processor.
        with superuser_setup("a name pasted from a word processor"):
            self.m2.partner_id.name = "Claire <Martin> & \x0bfils"
        members, movements = self.Report._register_rows(
            self.companies, self.year_start, self.year_end
        )
        self.assertEqual(len(members), 3)
        self.assertEqual(len(movements), 6)
        content = self.Report._register_xlsx(self.companies, self.year_start, self.year_end)
        book = openpyxl.load_workbook(io.BytesIO(content))
        sheet = book["Members"]
        self.assertEqual(sheet.dimensions, "A1:H5")
        rows = list(sheet.iter_rows(values_only=True))
        self.assertEqual(rows[0][:3], ("Cooperative", "Member number", "Name"))
        # One row per member, in the order of the register query, with the same figures.
        body = rows[1:-1]
        self.assertEqual([row[1] for row in body], [row[1] for row in members])
        self.assertEqual([row[6] for row in body], [row[6] for row in members])
        self.assertEqual([row[7] for row in body], [float(row[7]) for row in members])
        claire = next(row for row in body if row[1] == self.m2.member_number)
        self.assertEqual(claire[2], "Claire <Martin> & fils")
        self.assertEqual(claire[4].date(), self.m2.admission_date)
        self.assertIsNone(claire[5])
        # Colleges by name; dates as date cells in the reader's format (English here).
        self.assertEqual(claire[3], "Consumers")
        self.assertEqual(sheet.cell(2, 5).number_format, "mm/dd/yyyy")
        self.assertEqual(sheet.cell(2, 8).number_format, "#,##0.00")
        # Totals as formulas, with their values for spreadsheets that do not recompute.
        self.assertEqual(rows[-1][5:], ("Total", "=SUM(G2:G4)", "=SUM(H2:H4)"))
        values = openpyxl.load_workbook(io.BytesIO(content), data_only=True)["Members"]
        self.assertEqual(values.cell(5, 7).value, sum(row[6] for row in members))
        self.assertEqual(values.cell(5, 8).value, sum(float(row[7]) for row in members))
        sheet = book["Movements"]
        rows = list(sheet.iter_rows(values_only=True))
        # Header, six movements, the total row.
        self.assertEqual(len(rows), 8)
        body = rows[1:-1]
        self.assertEqual([row[1] for row in body], [row[1] for row in movements])
        types = {row[4] for row in body}
        self.assertEqual(types, {"Subscription", "Transfer"})
        self.assertEqual(sum(1 for row in body if row[5] == "Yes"), 1)
        transfer = next(row for row in body if row[4] == "Transfer")
        self.assertEqual(transfer[8], self.m2.member_number)
        self.assertEqual(transfer[12], 50.0)
        # A transfer leaves the capital as it is; the reversal takes its subscription away.
        # Only a conversion fills the last two columns (class and shares received).
        self.assertEqual(transfer[13:], (0, 0.0, None, None))
        self.assertEqual(rows[-1][12:15], ("Total", "=SUM(N2:N7)", "=SUM(O2:O7)"))

    def test_register_of_a_past_year_leaves_out_later_movements(self):
        """Last year's register shows what each member held on 31 December, not today."""
        last_year_end = self.year_start - relativedelta(days=1)
        with superuser_setup("a member admitted two years ago, with a subscription then"):
            self.env.cr.execute(
                "UPDATE coop_member SET admission_date = %s WHERE id = %s",
                [self.year_start - relativedelta(years=2), self.m1.id],
            )
            self.env.invalidate_all()
            self._subscribe(self.m1, 4, date=last_year_end - relativedelta(months=6))
        self.assertEqual(self.m1.share_count, 8, "5 + 4 subscribed, 1 transferred this year")
        members, movements = self.Report._register_rows(
            self.m1.company_id, date(last_year_end.year, 1, 1), last_year_end
        )
        self.assertEqual([row[1] for row in members], [self.m1.member_number])
        self.assertEqual(members[0][6], 4)
        self.assertAlmostEqual(members[0][7], 4 * self.class_a.nominal_value)
        self.assertEqual(len(movements), 1)
        content = self.Report._register_xlsx(
            self.m1.company_id, date(last_year_end.year, 1, 1), last_year_end
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content), data_only=True)["Members"]
        self.assertEqual(
            (sheet.cell(2, 2).value, sheet.cell(2, 7).value), (self.m1.member_number, 4)
        )
        # This year's register still counts every movement.
        members, _movements = self.Report._register_rows(
            self.m1.company_id, self.year_start, self.year_end
        )
        self.assertEqual(next(row[6] for row in members if row[1] == self.m1.member_number), 8)

    def test_register_xlsx_in_french(self):
        """A French accountant gets French sheet names and operation types."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["coop_membership"], ["fr_FR"])
        Report = self.Report.with_context(lang="fr_FR")
        content = Report._register_xlsx(self.companies, self.year_start, self.year_end)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        self.assertEqual(book.sheetnames, ["Sociétaires", "Mouvements"])
        rows = list(book["Mouvements"].iter_rows(values_only=True))
        self.assertIn("Souscription", {row[4] for row in rows[1:]})

    def test_register_xlsx_empty_year(self):
        """A year without members nor movements still gives a valid, empty register."""
        start, end = date(1990, 1, 1), date(1990, 12, 31)
        content = self.Report._register_xlsx(self.companies, start, end)
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        rows = list(book["Members"].iter_rows(values_only=True))
        self.assertEqual(len(rows), 1)
        self.assertEqual(len(list(book["Movements"].iter_rows(values_only=True))), 1)

    def test_wizard_and_access(self):
        """The accountant downloads from the wizard; others get nothing."""
        wizard = (
            self.env["coop.capital.report.wizard"]
            .with_user(self.accountant_a)
            .create({"company_ids": [(6, 0, self.company_a.ids)]})
        )
        action = wizard.action_print()
        self.assertEqual(action["type"], "ir.actions.act_url")
        # The file is served from the wizard (vacuumed), not left as an attachment, and
        # only to the accountant who asked for it.
        self.assertIn(f"model=coop.capital.report.wizard&id={wizard.id}", action["url"])
        # Served as a spreadsheet: guessing the type from the first KB of a large XLSX
        # (a zip read from its end) fails.
        self.assertIn(
            "mimetype=application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            action["url"],
        )
        self.assertTrue(wizard.file_name.startswith("capital_variation_"))
        book = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.file_data)))
        self.assertIn("Capital variation", book.sheetnames)
        self.assertFalse(
            self.env["ir.attachment"].search_count([("res_model", "like", "coop.capital.report")])
        )
        colleague = self._create_user(
            "accountant_a2", "coop_membership.group_coop_accountant", self.company_a
        )
        with self.assertRaises(AccessError):
            wizard.with_user(colleague).read(["file_data"])
        # An accountant of A cannot get B's register, neither by the wizard nor directly.
        with self.assertRaises(AccessError):
            self.Report.with_user(self.accountant_a)._register_rows(
                self.company_b, self.year_start, self.year_end
            )
        with self.assertRaises(AccessError):
            self.Report.with_user(self.officer_a)._capital_variation(
                self.company_a, self.year_start, self.year_end
            )
        with self.assertRaises(UserError):
            self.Report._capital_variation(self.company_a, self.year_end, self.year_start)

    def test_pdf_reports(self):
        """Certificate, tax attestation and register as the federation's accountant."""
        ReportAction = self.env["ir.actions.report"].with_user(self.accountant_ab)
        html = ReportAction._render_qweb_html(
            "coop_membership.report_share_certificate", self.m1.ids
        )[0].decode()
        self.assertIn("Julien", html)
        self.assertIn("deux cents euros", html)
        html = ReportAction._render_qweb_html(
            "coop_membership.report_tax_attestation", self.m1.ids, data={"year": self.today.year}
        )[0].decode()
        self.assertIn(str(self.today.year + 5), html)
        self.assertIn("deux cent cinquante euros", html)
        members = self.env["coop.member"]._coop_tax_attestation_members(
            self.companies, self.today.year
        )
        # The reversed subscription does not count; Bernard subscribed too.
        self.assertEqual(members, self.m1 | self.m2 | self.m3)
        wizard = (
            self.env["coop.capital.report.wizard"]
            .with_user(self.accountant_ab)
            .create({"company_ids": [(6, 0, self.companies.ids)], "report": "register_pdf"})
        )
        html = ReportAction._render_qweb_html("coop_membership.report_share_register", wizard.ids)[
            0
        ].decode()
        self.assertIn("Bernard Roux", html)
        # Amounts in the language's number format: 200 + 150 + 1,000 of capital.
        self.assertIn("1,350.00", html)

    def test_certificate_for_the_staff_of_the_cooperative(self):
        """Officers and accountants of A print A's certificates; a reader, or B's
        member, gets nothing."""
        ReportAction = self.env["ir.actions.report"]
        for user in (self.accountant_a, self.officer_a):
            html = (
                ReportAction.with_user(user)
                ._render_qweb_html("coop_membership.report_share_certificate", self.m1.ids)[0]
                .decode()
            )
            self.assertIn("Julien Lefèvre", html)
        # The reader sees the member, but /report/pdf/... must not print the certificate.
        self.assertTrue(self.m1.with_user(self.reader_a).has_access("read"))
        with self.assertRaisesRegex(AccessError, "Only cooperative officers and accountants"):
            ReportAction.with_user(self.reader_a)._render_qweb_html(
                "coop_membership.report_share_certificate", self.m1.ids
            )
        # Staff of A do not print the certificate of B's member.
        for user in (self.accountant_a, self.officer_a):
            with self.assertRaises(AccessError):
                ReportAction.with_user(user)._render_qweb_html(
                    "coop_membership.report_share_certificate", self.m3.ids
                )

    def test_tax_attestations_batch_as_the_web_client_prints_it(self):
        """The accountant prints the year's attestations of A, not those of B."""
        wizard = (
            self.env["coop.capital.report.wizard"]
            .with_user(self.accountant_a)
            .create(
                {
                    "report": "tax_attestation",
                    "year": self.today.year,
                    "company_ids": [(6, 0, self.company_a.ids)],
                }
            )
        )
        action = wizard.action_print()
        # With report data, the web client calls /report/pdf/<report>?options=<data>,
        # without the record ids.
        ReportAction = self.env["ir.actions.report"].with_user(self.accountant_a)
        html = ReportAction._render_qweb_html(action["report_name"], None, data=action["data"])[
            0
        ].decode()
        self.assertIn("Julien Lefèvre", html)
        self.assertIn("Claire Martin", html)
        self.assertNotIn("Bernard Roux", html)
        self.assertIn(str(self.today.year + 5), html)
        # Options forged to ask for another cooperative's attestations are refused.
        with self.assertRaises(AccessError):
            ReportAction._render_qweb_html(
                action["report_name"],
                None,
                data={"year": self.today.year, "company_ids": self.company_b.ids},
            )

    def test_variation_pivot_gives_the_report_figures(self):
        """The capital variation pivot gives the spreadsheet's figures."""
        with superuser_setup("last year's subscription, recorded then"):
            self._subscribe(self.m3, 4, date=date(self.today.year - 1, 6, 1))
        self.env.flush_all()
        Variation = self.env["coop.capital.variation"].with_user(self.accountant_ab)
        for year in (self.today.year - 1, self.today.year):
            figures = self.Report._capital_variation(
                self.companies, date(year, 1, 1), date(year, 12, 31)
            )
            for company in self.companies:
                row = Variation.search([("company_id", "=", company.id), ("year", "=", str(year))])
                if not row:
                    # No row before a cooperative's first operation or member.
                    self.assertFalse(any(figures[company.id].values()), (year, company.name))
                    continue
                for column in VARIATION_COLUMNS:
                    self.assertEqual(
                        row[column],
                        float(figures[company.id][column]),
                        (year, company.name, column),
                    )
        # The federation's consolidated movements, as the pivot adds them up; the closing
        # capital of the year is read cooperative by cooperative.
        groups = Variation.read_group(
            [("company_id", "in", self.companies.ids), ("year", "=", str(self.today.year))],
            ["subscriptions", "change", "closing"],
            [],
        )
        self.assertEqual(groups[0]["subscriptions"], 350.0 + 1000.0)
        self.assertNotIn("closing", groups[0])
        closing = Variation.search(
            [("company_id", "in", self.companies.ids), ("year", "=", str(self.today.year))]
        ).mapped("closing")
        self.assertEqual(sorted(closing), [350.0, 1400.0])
        # An accountant of A sees only A.
        rows = Variation.with_user(self.accountant_a).search([])
        self.assertEqual(rows.company_id, self.company_a)
