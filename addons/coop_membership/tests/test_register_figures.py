import io
import subprocess
from datetime import datetime

import openpyxl
from dateutil.relativedelta import relativedelta
from lxml import etree

from odoo import fields

from .capital_common import CoopCapitalTestCommon
from .role_guard import superuser_setup


class TestRegisterFigures(CoopCapitalTestCommon):
    """Figures of the register that add up, in the order the register was kept.

    Coop A, shares of 50 €: Julien subscribes 5, Claire 2; Claire gets 1 share from
    Julien; Julien redeems 1; a subscription of 3 is reversed. Held: Julien 3, Claire 3,
    6 shares, 300 €. Unsigned, the operations would add up to 5 + 2 + 1 + 1 + 3 + 3 = 15.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.today = fields.Date.today()
        cls.julien = cls._create_member("Julien Lefèvre")
        cls.claire = cls._create_member("Claire Martin")
        Operation = cls.env["coop.share.operation"].with_user(cls.accountant_a)
        base = {"company_id": cls.company_a.id, "share_class_id": cls.class_a.id}
        cls.operations = Operation.create(
            [
                {**base, "member_id": cls.julien.id, "quantity": 5},
                {**base, "member_id": cls.claire.id, "quantity": 2},
            ]
        )
        cls.operations.action_confirm()
        for vals in (
            {
                **base,
                "member_id": cls.julien.id,
                "counterpart_member_id": cls.claire.id,
                "operation_type": "transfer",
                "quantity": 1,
            },
            {**base, "member_id": cls.julien.id, "operation_type": "redemption", "quantity": 1},
        ):
            operation = Operation.create(vals)
            operation.action_confirm()
            cls.operations |= operation
        reversed_op = Operation.create({**base, "member_id": cls.julien.id, "quantity": 3})
        reversed_op.action_confirm()
        cls.operations |= reversed_op | reversed_op.action_reverse()

    def _french_accountant(self):
        with superuser_setup("the French interface, as the users have it"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.env["ir.module.module"]._load_module_terms(["coop_membership"], ["fr_FR"])
            self.accountant_a.lang = "fr_FR"
        return self.accountant_a

    def test_register_list_totals_are_signed(self):
        """The register's totals give the shares and capital held, not 15 shares."""
        Operation = self.env["coop.share.operation"].with_user(self.accountant_a)
        operations = Operation.search([("company_id", "=", self.company_a.id)])
        self.assertEqual(operations, self.operations)
        self.assertEqual(sum(operations.mapped("quantity")), 15)
        self.assertEqual(sum(operations.mapped("signed_quantity")), 6)
        self.assertEqual(sum(operations.mapped("signed_amount")), 300.0)
        self.assertEqual(self.julien.share_count + self.claire.share_count, 6)
        self.assertEqual(self.company_a._coop_subscribed_capital()[self.company_a.id], 300.0)
        transfer = operations.filtered(lambda op: op.operation_type == "transfer")
        self.assertEqual((transfer.signed_quantity, transfer.signed_amount), (0, 0.0))
        # The list's footer sums the signed columns only.
        arch = etree.fromstring(Operation.get_views([(False, "list")])["views"]["list"]["arch"])
        summed = {field.get("name") for field in arch.iter("field") if field.get("sum")}
        self.assertEqual(summed, {"signed_quantity", "signed_amount"})
        # Grouped by cooperative, the group totals are signed too.
        groups = Operation.read_group(
            [("company_id", "=", self.company_a.id)],
            ["quantity", "amount", "signed_quantity", "signed_amount"],
            ["company_id"],
        )
        self.assertEqual(groups[0]["signed_quantity"], 6)
        self.assertEqual(groups[0]["signed_amount"], 300.0)
        self.assertNotIn("quantity", groups[0])
        self.assertNotIn("amount", groups[0])

    def test_numbers_follow_the_recording_order(self):
        """A payment recorded late keeps its value date and gets the next number."""
        late = (
            self.env["coop.share.operation"]
            .with_user(self.accountant_a)
            .create(
                {
                    "company_id": self.company_a.id,
                    "share_class_id": self.class_a.id,
                    "member_id": self.claire.id,
                    "quantity": 1,
                    "date": self.today - relativedelta(months=3),
                }
            )
        )
        late.action_confirm()
        self.assertEqual(late.recording_date, self.today)
        self.assertEqual(late.date, self.today - relativedelta(months=3))
        self.assertGreater(late.name, max(self.operations.mapped("name")))
        # The register export lists it last, its recording date beside its value date.
        content = (
            self.env["coop.capital.report"]
            .with_user(self.accountant_a)
            ._register_xlsx(self.company_a, self.today - relativedelta(years=1), self.today)
        )
        rows = list(openpyxl.load_workbook(io.BytesIO(content))["Movements"].values)
        self.assertEqual(rows[0][1:4], ("Register number", "Recording date", "Value date"))
        body = rows[1:-1]
        self.assertEqual([row[1] for row in body], sorted(row[1] for row in body))
        self.assertEqual(body[-1][1], late.name)
        self.assertEqual(body[-1][2].date(), self.today)
        self.assertEqual(body[-1][3].date(), late.date)

    def test_register_pdf_in_recording_order(self):
        """The printed register lists the movements by number, each with its recording
        and value dates, and totals the signed movements: 6 shares, 300 €."""
        wizard = (
            self.env["coop.capital.report.wizard"]
            .with_user(self.accountant_a)
            .create({"report": "register_pdf", "company_ids": [(6, 0, self.company_a.ids)]})
        )
        pdf, _kind = (
            self.env["ir.actions.report"]
            .with_user(self.accountant_a)
            .with_context(force_report_rendering=True)
            ._render_qweb_pdf("coop_membership.report_share_register", wizard.ids)
        )
        self.assertTrue(pdf.startswith(b"%PDF"))

        def pdftotext(*options):
            return subprocess.run(
                ["pdftotext", *options, "-", "-"], input=pdf, capture_output=True, check=True
            ).stdout.decode()

        words = " ".join(pdftotext().split())
        self.assertIn("Recording date", words)
        self.assertIn("Value date", words)
        text = pdftotext("-layout")
        numbers = self.operations.sorted("name").mapped("name")
        positions = [text.index(number) for number in numbers]
        self.assertEqual(positions, sorted(positions))
        total = next(line for line in text.splitlines() if line.strip().startswith("Total"))
        self.assertEqual(total.split()[-2:], ["6", "300.00"])

    def test_register_xlsx_for_the_french_accountant(self):
        """The French accountant's register: college names, dd/mm/yyyy dates, signed
        movements adding up to the change of capital."""
        accountant = self._french_accountant()
        content = (
            self.env["coop.capital.report"]
            .with_user(accountant)
            .with_context(lang="fr_FR")
            ._register_xlsx(self.company_a, self.today - relativedelta(years=1), self.today)
        )
        book = openpyxl.load_workbook(io.BytesIO(content))
        values = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
        members = book["Sociétaires"]
        rows = list(members.values)
        self.assertEqual(rows[0][3], "Collège")
        self.assertEqual({row[3] for row in rows[1:-1]}, {"Consumers"})
        self.assertIsInstance(rows[1][4], datetime)
        self.assertEqual(members.cell(2, 5).number_format, "dd/mm/yyyy")
        self.assertIn(self.today.strftime("%d/%m/%Y"), rows[0][6])
        movements = book["Mouvements"]
        rows = list(movements.values)
        self.assertEqual(
            rows[0][2:4] + rows[0][13:15],
            ("Date d'enregistrement", "Date de valeur")
            + ("Variation des parts", "Variation du capital"),
        )
        self.assertEqual(movements.cell(2, 3).number_format, "dd/mm/yyyy")
        self.assertEqual(movements.cell(2, 4).number_format, "dd/mm/yyyy")
        body = rows[1:-1]
        self.assertEqual(len(body), 6)
        self.assertEqual([row[13] for row in body], [5, 2, 0, -1, 3, -3])
        self.assertEqual(rows[-1][13:15], ("=SUM(N2:N7)", "=SUM(O2:O7)"))
        totals = list(values["Mouvements"].values)[-1]
        self.assertEqual(totals[12:15], ("Total", 6, 300.0))

    def test_consolidated_row_only_for_several_cooperatives(self):
        """One cooperative's capital variation has no 'Federation (consolidated)' row;
        the federation's export of two cooperatives has one."""
        accountant = self._french_accountant()
        Report = self.env["coop.capital.report"].with_user(accountant).with_context(lang="fr_FR")
        year = (self.today.replace(month=1, day=1), self.today.replace(month=12, day=31))

        def labels(companies):
            book = openpyxl.load_workbook(
                io.BytesIO(Report._capital_variation_xlsx(companies, *year))
            )
            return {
                cell
                for sheet in book.worksheets
                for row in sheet.values
                for cell in row
                if isinstance(cell, str)
            }

        self.assertNotIn("Fédération (consolidé)", labels(self.company_a))
        with superuser_setup("the accountant also keeps B's register"):
            accountant.company_ids |= self.company_b
        self.assertIn("Fédération (consolidé)", labels(self.company_a | self.company_b))

    def test_capital_variation_stocks_are_not_summed(self):
        """The capital variation pivot sums flows; opening and closing capital and the
        members at year end are read year by year, never added up."""
        Variation = self.env["coop.capital.variation"].with_user(self.accountant_a)
        described = Variation.fields_get(
            ["opening", "closing", "members_end", "subscriptions", "change"], ["aggregator"]
        )
        self.assertEqual(
            {name for name, field in described.items() if field.get("aggregator")},
            {"subscriptions", "change"},
        )
        pivot = etree.fromstring(Variation.get_views([(False, "pivot")])["views"]["pivot"]["arch"])
        measures = {
            field.get("name") for field in pivot.iter("field") if field.get("type") == "measure"
        }
        self.assertFalse(measures & {"opening", "closing", "members_end"})
        self.env.flush_all()
        rows = Variation.search([("company_id", "=", self.company_a.id)])
        self.assertEqual(sum(rows.mapped("change")), rows.sorted("year")[-1].closing)
        self.assertEqual(rows.filtered(lambda r: r.year == str(self.today.year)).closing, 300.0)
