import io
import zipfile
from datetime import date, datetime

import openpyxl
import xlsxwriter

from odoo.tests import TransactionCase, tagged

from ..tools import xlsx_fast

CHECKED = (
    f"xlsx_fast was checked against xlsxwriter {xlsx_fast.XLSXWRITER_VERSION}, "
    f"this is {xlsxwriter.__version__}"
)
SHEET = "xl/worksheets/sheet1.xml"


@tagged("post_install", "-at_install")
class TestXlsxFast(TransactionCase):
    """The library internals behind the register's fast XLSX (tools/xlsx_fast.py): a new
    xlsxwriter or Python that changes them fails here, not in the accountant's file."""

    def test_rendered_cells_read_back(self):
        """Body cells written with the adapter's style numbers and shared strings open in a
        spreadsheet as the right labels, date and amount, in their formats."""
        output = io.BytesIO()
        book = xlsxwriter.Workbook(output, {"constant_memory": True})
        day = book.add_format({"num_format": "dd/mm/yyyy"})
        money = book.add_format({"num_format": "#,##0.00"})
        day_style, money_style = xlsx_fast.style_index(day), xlsx_fast.style_index(money)
        coop = xlsx_fast.shared_string_index(book, "Coop <A> & fils")
        college = xlsx_fast.shared_string_index(book, "Producteurs")
        self.assertEqual(xlsx_fast.shared_string_index(book, "Coop <A> & fils"), coop, CHECKED)
        sheet = book.add_worksheet("Registre")
        sheet.write_row(0, 0, ["Coopérative", "Collège", "Admission", "Capital"])
        book.close()
        serial = (date(2024, 3, 15) - date(1899, 12, 30)).days
        row = (
            f'<row><c t="s"><v>{coop}</v></c><c t="s"><v>{college}</v></c>'
            f'<c s="{day_style}"><v>{serial}</v></c><c s="{money_style}"><v>1234.5</v></c></row>'
        )
        content = self.env["coop.capital.report"]._xlsx_fill_bodies(
            output.getvalue(), [([row.encode()], 1)]
        )
        sheet = openpyxl.load_workbook(io.BytesIO(content))["Registre"]
        self.assertEqual(
            [cell.value for cell in sheet[2]],
            ["Coop <A> & fils", "Producteurs", datetime(2024, 3, 15), 1234.5],
            CHECKED,
        )
        self.assertEqual(sheet.cell(2, 3).number_format, "dd/mm/yyyy", CHECKED)
        self.assertEqual(sheet.cell(2, 4).number_format, "#,##0.00", CHECKED)

    def test_sheets_deflated_by_isal(self):
        """With ISA-L installed (requirements.txt), the sheets are compressed by it into a
        zip that any reader opens."""
        if xlsx_fast.isal_zlib is None:
            self.skipTest("ISA-L is not installed: zlib compresses the register")
        self.assertTrue(
            xlsx_fast.fast_deflate_available(),
            "zipfile's writing stream changed: the register is compressed by zlib, slower",
        )
        body = b"<row><c><v>1</v></c></row>" * 10_000
        output = io.BytesIO()
        with (
            zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as archive,
            xlsx_fast.open_for_writing(archive, SHEET) as stream,
        ):
            stream.write(body)
        with zipfile.ZipFile(output) as archive:
            self.assertIsNone(archive.testzip())
            self.assertEqual(archive.read("xl/worksheets/sheet1.xml"), body)
            self.assertLess(
                archive.getinfo("xl/worksheets/sheet1.xml").compress_size, len(body) // 20
            )
