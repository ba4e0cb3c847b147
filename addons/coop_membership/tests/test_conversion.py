import io
import subprocess

import openpyxl
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import AccessError, ValidationError

from .capital_common import CoopCapitalTestCommon


class TestConversion(CoopCapitalTestCommon):
    """A conversion keeps the nominal value: 2 shares of 50 € become 1 share of 100 €,
    never 2 shares of 100 € (100 € of capital with no invoice nor payment)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.member = cls._create_member("Hugo Perrin")
        cls._subscribe(cls.member, 4)
        classes = cls.env["coop.share.class"].create(
            [
                {
                    "name": "Double share",
                    "code": "D",
                    "company_id": cls.company_a.id,
                    "nominal_value": 100.0,
                    "min_shares": 0,
                },
                {
                    "name": "Half share",
                    "code": "H",
                    "company_id": cls.company_a.id,
                    "nominal_value": 25.0,
                    "min_shares": 0,
                },
            ]
        )
        cls.class_double, cls.class_half = classes
        cls.Operation = cls.env["coop.share.operation"]

    def _convert(self, quantity, target, user=None):
        """The accountant enters the conversion the board decided, as a draft."""
        return self.Operation.with_user(user or self.accountant_a).create(
            {
                "member_id": self.member.id,
                "company_id": self.company_a.id,
                "share_class_id": self.class_a.id,
                "operation_type": "conversion",
                "target_share_class_id": target.id,
                "quantity": quantity,
            }
        )

    def _capital(self):
        return self.company_a._coop_subscribed_capital()[self.company_a.id]

    def _held(self, share_class):
        holdings = self.Operation._coop_holdings(self.member.ids)
        return holdings.get((self.member.id, share_class.id), 0)

    def test_conversion_keeps_the_nominal_value(self):
        """Hugo's 2 shares of 50 € become 1 share of 100 €: his capital and the
        cooperative's stay the same, and nothing is booked."""
        capital = self._capital()
        conversion = self._convert(2, self.class_double)
        self.assertEqual(conversion.target_quantity, 1)
        conversion.with_user(self.accountant_a).action_confirm()
        self.assertEqual(conversion.state, "confirmed")
        self.assertEqual((self._held(self.class_a), self._held(self.class_double)), (2, 1))
        self.assertEqual(self.member.share_count, 3)
        self.assertEqual(self.member.share_amount, 200.0)
        self.assertEqual(self._capital(), capital)
        self.assertEqual((conversion.signed_quantity, conversion.signed_amount), (-1, 0.0))
        self.assertFalse(conversion.move_id)

    def test_conversion_into_smaller_shares(self):
        """One share of 50 € becomes 2 shares of 25 €: one share more, same capital."""
        capital = self._capital()
        conversion = self._convert(1, self.class_half)
        conversion.with_user(self.accountant_a).action_confirm()
        self.assertEqual((self._held(self.class_a), self._held(self.class_half)), (3, 2))
        self.assertEqual(self.member.share_count, 5)
        self.assertEqual(self._capital(), capital)
        self.assertEqual((conversion.signed_quantity, conversion.signed_amount), (1, 0.0))

    def test_conversion_that_does_not_divide_is_refused(self):
        """3 shares of 50 € (150 €) make no whole number of 100 € shares: refused with the
        amounts and the quantity that would convert exactly; nothing is recorded."""
        count = self.Operation.search_count([])
        with self.assertRaisesRegex(ValidationError, "keeps the nominal value") as caught:
            self._convert(3, self.class_double)
        message = str(caught.exception)
        for text in ("3 shares", "150.00", "100.00", "multiple of 2"):
            self.assertIn(text, message)
        self.assertEqual(self.Operation.search_count([]), count)
        self.assertEqual(self.member.share_count, 4)

    def test_changing_the_quantity_of_a_draft_is_checked_again(self):
        """The accountant changes a valid draft to 3 shares: refused the same way."""
        conversion = self._convert(2, self.class_double)
        with self.assertRaisesRegex(ValidationError, "multiple of 2"):
            conversion.with_user(self.accountant_a).quantity = 3
        self.assertEqual(conversion.quantity, 2)

    def test_register_shows_both_sides(self):
        """The register list and its spreadsheet show the shares converted and the shares
        received, with their classes; the movements count each side at its value."""
        conversion = self._convert(2, self.class_double)
        conversion.with_user(self.accountant_a).action_confirm()
        # The register list shows the class converted into and the shares received.
        arch = self.Operation.with_user(self.accountant_a).get_views([(False, "list")])
        list_arch = arch["views"]["list"]["arch"]
        self.assertIn('name="target_share_class_id"', list_arch)
        self.assertIn('name="target_quantity"', list_arch)
        # Each side at its own value: -2 x 50 in A, +1 x 100 in D (a SQL view: read
        # once the operation is written, as in the next request of the user).
        self.env.flush_all()
        lines = (
            self.env["coop.share.movement"]
            .with_user(self.accountant_a)
            .search([("operation_id", "=", conversion.id)])
        )
        self.assertEqual(
            sorted((line.share_class_id.code, line.quantity, line.amount) for line in lines),
            [("A", -2, -100.0), ("D", 1, 100.0)],
        )
        today = fields.Date.today()
        content = (
            self.env["coop.capital.report"]
            .with_user(self.accountant_a)
            ._register_xlsx(self.company_a, today - relativedelta(years=1), today)
        )
        rows = list(openpyxl.load_workbook(io.BytesIO(content))["Movements"].values)
        self.assertEqual(rows[0][15:17], ("Converted into", "Shares received"))
        row = next(row for row in rows[1:-1] if row[1] == conversion.name)
        # Type, class and shares converted, net shares, capital change, class and shares
        # received.
        self.assertEqual(
            (row[4], row[9], row[10], row[13], row[14], row[15], row[16]),
            ("Conversion", "A", 2, -1, 0.0, "D", 1),
        )
        # The printed register too: class and shares on both sides of the arrow.
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
        text = subprocess.run(
            ["pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        line = next(line for line in text.splitlines() if conversion.name in line)
        self.assertRegex(line, r"A\s*→\s*D")
        self.assertRegex(line, r"2\s*→\s*1")
        # The members sheet counts Hugo's three shares, still 200 €.
        members = list(openpyxl.load_workbook(io.BytesIO(content))["Members"].values)
        hugo = next(row for row in members[1:-1] if row[2] == "Hugo Perrin")
        self.assertEqual(hugo[6:8], (3, 200.0))

    def test_reversal_gives_back_the_converted_shares(self):
        """The accountant reverses a conversion: Hugo holds his four 50 € shares again."""
        conversion = self._convert(2, self.class_double)
        conversion.with_user(self.accountant_a).action_confirm()
        reversal = conversion.with_user(self.accountant_a).action_reverse()
        self.assertEqual(reversal.target_quantity, 1)
        self.assertEqual((self._held(self.class_a), self._held(self.class_double)), (4, 0))
        self.assertEqual(self.member.share_count, 4)
        self.assertEqual((reversal.signed_quantity, reversal.signed_amount), (1, 0.0))

    def test_officer_cannot_convert(self):
        """Conversions are the accountant's: an officer cannot enter one in the register."""
        with self.assertRaises(AccessError):
            self._convert(2, self.class_double, user=self.officer_a)
