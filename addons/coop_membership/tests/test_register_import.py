import base64
import io

import openpyxl
import xlsxwriter

from odoo.exceptions import AccessError
from odoo.tests import Form

from .capital_common import CoopCapitalTestCommon

MEMBER_HEADER = [
    "member_number",
    "last_name",
    "first_name",
    "company_name",
    "email",
    "phone",
    "street",
    "zip",
    "city",
    "country_code",
    "birthdate",
    "college_code",
    "application_date",
    "admission_date",
    "exit_date",
    "exit_reason",
    "channel",
    "newsletter",
]
OPERATION_HEADER = [
    "operation_number",
    "date",
    "type",
    "member_number",
    "share_class_code",
    "quantity",
    "unit_price",
    "counterpart_member_number",
    "target_share_class_code",
]

# A clean register: three members (one organisation, one who left), five operations.
CLEAN_MEMBERS = [
    {
        "member_number": "000101",
        "last_name": "Martin",
        "first_name": "Claire",
        "email": "claire.martin@example.com",
        "country_code": "FR",
        "college_code": "CONS",
        "application_date": "2015-01-10",
        "admission_date": "2015-02-01",
        "channel": "email",
        "newsletter": "yes",
    },
    {
        "member_number": "000102",
        "last_name": "Durand",
        "first_name": "Louis",
        "company_name": "Ferme du Val",
        "college_code": "PROD",
        "application_date": "2016-02-15",
        "admission_date": "2016-03-01",
        "channel": "paper",
    },
    {
        "member_number": "000103",
        "last_name": "Petit",
        "first_name": "Paul",
        "college_code": "CONS",
        "application_date": "2015-05-20",
        "admission_date": "2015-06-01",
        "exit_date": "2019-12-31",
        "exit_reason": "resignation",
    },
]
CLEAN_OPERATIONS = [
    ("R0000101", "2015-02-01", "subscription", "000101", "A", "4", "50.00", ""),
    ("R0000102", "2015-06-01", "subscription", "000103", "A", "2", "50", ""),
    ("R0000103", "2016-03-01", "subscription", "000102", "A", "10", "50", ""),
    ("R0000104", "2017-01-01", "transfer", "000101", "A", "1", "50", "000102"),
    ("R0000105", "2019-12-31", "redemption", "000103", "A", "2", "50", ""),
]


def _operation_dicts(rows):
    return [dict(zip(OPERATION_HEADER, row, strict=False)) for row in rows]


def _xlsx(members, operations):
    output = io.BytesIO()
    workbook = xlsxwriter.Workbook(output, {"in_memory": True})
    for name, header, rows in (
        ("members", MEMBER_HEADER, members),
        ("operations", OPERATION_HEADER, operations),
    ):
        sheet = workbook.add_worksheet(name)
        for col, column in enumerate(header):
            sheet.write_string(0, col, column)
            for index, row in enumerate(rows, start=1):
                sheet.write_string(index, col, row.get(column, ""))
    workbook.close()
    return base64.b64encode(output.getvalue())


def _csv(header, rows, separator=",", bom=False, french=False):
    def cell(column, value):
        if french and value and column in ("date", "application_date", "admission_date"):
            year, month, day = value.split("-")
            return f"{day}/{month}/{year}"
        if french and column == "unit_price":
            return value.replace(".", ",")
        return value

    lines = [separator.join(header)]
    lines += [separator.join(cell(c, row.get(c, "")) for c in header) for row in rows]
    text = "\r\n".join(lines) + "\r\n"
    return base64.b64encode((("\ufeff" if bom else "") + text).encode())


class TestRegisterImport(CoopCapitalTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wizard = cls.env["coop.register.import.wizard"]
        cls.Member = cls.env["coop.member"]
        cls.Operation = cls.env["coop.share.operation"]
        cls.college_prod = cls.colleges_a[1]

    def _wizard(self, user=None, **values):
        user = user or self.officer_a
        values.setdefault("file_format", "xlsx" if "register_file" in values else "csv")
        return self.Wizard.with_user(user).create(values)

    def _problems(self, wizard):
        return {(p.sheet, p.row, p.message) for p in wizard.problem_ids}

    def _imported(self, numbers):
        return self.Member.search(
            [("company_id", "=", self.company_a.id), ("member_number", "in", numbers)]
        )

    def test_dry_run_lists_every_problem_and_stores_nothing(self):
        """The officer checks a file full of mistakes: each is listed by row, nothing stored."""
        existing = self._create_member("Déjà Membre")
        members = [
            dict(
                CLEAN_MEMBERS[0],
                member_number="M1",
                application_date="2019-12-01",
                admission_date="2020-01-01",
            ),
            dict(CLEAN_MEMBERS[0], member_number="M2", college_code="XXX", email="pas-un-email"),
            dict(
                CLEAN_MEMBERS[2],
                member_number="M3",
                application_date="2020-05-01",
                admission_date="2020-04-01",
                exit_date="2021-01-01",
            ),
            dict(CLEAN_MEMBERS[0], member_number="M1"),
            dict(CLEAN_MEMBERS[0], member_number=existing.member_number),
        ]
        operations = _operation_dicts(
            [
                ("R1", "2020-02-01", "subscription", "M1", "A", "2", "50", ""),
                ("R2", "2020-03-01", "redemption", "M1", "A", "5", "50", ""),
                ("R3", "2020-03-02", "transfer", "M1", "A", "1", "50", "M999"),
                ("R1", "2020-03-03", "subscription", "M1", "A", "1", "50", ""),
                ("R4", "2020-03-04", "subscription", "M1", "Z", "1", "50", ""),
                ("R5", "2020-06-01", "subscription", "M1", "A", "1", "40", ""),
                ("R6", "2019-06-01", "subscription", "M1", "A", "1", "50", ""),
                ("R7", "2022-01-01", "subscription", "M3", "A", "1", "50", ""),
            ]
        )
        wizard = self._wizard(register_file=_xlsx(members, operations))
        wizard.with_user(self.officer_a).action_check()
        problems = self._problems(wizard)
        expected = [
            ("members", 3, "Unknown college XXX in this cooperative."),
            ("members", 3, "pas-un-email is not a valid email address."),
            ("members", 4, "Admission on 2020-04-01 comes before the application on 2020-05-01."),
            ("members", 5, "Member number M1 appears twice in the file (row 2)."),
            (
                "members",
                6,
                f"Member number {existing.member_number} is already used in this cooperative.",
            ),
            (
                "operations",
                3,
                "On 2020-03-01 member M1 would hold -2 shares of class A: a "
                "holding cannot go below zero.",
            ),
            ("operations", 4, "Transfer to an unknown member M999."),
            ("operations", 5, "Operation number R1 appears twice in the file (row 2)."),
            ("operations", 6, "Unknown share class Z in this cooperative."),
            (
                "operations",
                7,
                "Unit price 40 differs from the nominal value of share class A (50.00\xa0€).",
            ),
            (
                "operations",
                8,
                "Operation dated 2019-06-01 comes before the admission of member M1 (2020-01-01).",
            ),
            (
                "operations",
                9,
                "Operation dated 2022-01-01 comes after the exit of member M3 (2021-01-01).",
            ),
        ]
        for line in expected:
            self.assertIn(line, problems)
        self.assertIn("nothing was imported", wizard.summary)
        # Import refuses too, and stores nothing.
        wizard.with_user(self.officer_a).action_import()
        self.assertNotEqual(wizard.state, "done")
        self.assertFalse(self._imported(["M1", "M2", "M3"]))
        self.assertFalse(self.Operation.search([("name", "in", ["R1", "R2", "R5"])]))

    def test_clean_xlsx_imports_numbers_and_totals(self):
        """A clean register imports with its numbers and totals; admissions continue after."""
        wizard = self._wizard(
            register_file=_xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS))
        )
        wizard.with_user(self.officer_a).action_check()
        self.assertFalse(wizard.problem_ids)
        self.assertFalse(self._imported(["000101"]), "a dry run stores nothing")
        wizard.with_user(self.officer_a).action_import()
        self.assertEqual(wizard.state, "done")
        self.assertIn("3 members and 5 operations imported", wizard.summary)

        members = {m.member_number: m for m in self._imported(["000101", "000102", "000103"])}
        self.assertEqual(len(members), 3)
        claire, farm, paul = members["000101"], members["000102"], members["000103"]
        self.assertEqual((claire.state, str(claire.admission_date)), ("member", "2015-02-01"))
        self.assertTrue(farm.partner_id.is_company)
        self.assertEqual(farm.partner_id.name, "Ferme du Val")
        self.assertEqual(farm.representative_id.name, "Louis Durand")
        self.assertEqual(farm.partner_id.coop_contact_channel, "paper")
        self.assertEqual((paul.state, str(paul.exit_date)), ("resigned", "2019-12-31"))
        self.assertEqual(claire.period_ids.member_number, "000101")

        operations = self.Operation.search([("company_id", "=", self.company_a.id)])
        self.assertEqual(sorted(operations.mapped("name")), [row[0] for row in CLEAN_OPERATIONS])
        self.assertEqual(set(operations.mapped("state")), {"confirmed"})
        holdings = self.Operation._coop_holdings([claire.id, farm.id, paul.id])
        self.assertEqual(holdings[(claire.id, self.class_a.id)], 3)
        self.assertEqual(holdings[(farm.id, self.class_a.id)], 11)
        self.assertEqual(holdings[(paul.id, self.class_a.id)], 0)
        self.assertEqual(sum(operations.mapped("signed_amount")), 14 * 50.0)
        self.assertEqual(sum(operations.mapped("signed_quantity")), 14)

        # The sequences continue after the highest imported number.
        newcomer = self._create_member("Nouvelle Venue", admit=False)
        newcomer.with_user(self.officer_a).action_admit()
        self.assertEqual(newcomer.member_number, "000104")
        subscription = self._subscribe(newcomer, 1)
        self.assertEqual(subscription.name, "R0000106")

    def test_second_import_changes_nothing(self):
        """Importing the same register twice stores it once and says so the second time."""
        content = _xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS))
        self._wizard(register_file=content).with_user(self.officer_a).action_import()
        counts = (self.Member.search_count([]), self.Operation.search_count([]))
        again = self._wizard(register_file=content)
        again.with_user(self.officer_a).action_check()
        self.assertFalse(again.problem_ids)
        again.with_user(self.officer_a).action_import()
        self.assertEqual(again.summary, "This register was already imported: nothing was changed.")
        self.assertEqual((self.Member.search_count([]), self.Operation.search_count([])), counts)

    def test_officer_of_another_coop_cannot_import(self):
        """An officer of Coop B cannot import a register into Coop A; a reader cannot either."""
        content = _xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS))
        with self.assertRaises(AccessError):
            wizard = self._wizard(
                self.officer_b, register_file=content, company_id=self.company_a.id
            )
            wizard.with_user(self.officer_b).action_import()
        with self.assertRaises(AccessError):
            self._wizard(self.reader_a, register_file=content).with_user(
                self.reader_a
            ).action_check()
        self.assertFalse(self._imported(["000101"]))

    def test_csv_with_bom_semicolons_french_dates_and_decimal_commas(self):
        """Two CSV files saved by a French Excel (BOM, ';', 31/12/2019, 50,00) import the same."""
        wizard = self._wizard(
            members_file=_csv(MEMBER_HEADER, CLEAN_MEMBERS, ";", bom=True, french=True),
            operations_file=_csv(
                OPERATION_HEADER, _operation_dicts(CLEAN_OPERATIONS), ";", bom=True, french=True
            ),
        )
        wizard.with_user(self.officer_a).action_check()
        self.assertFalse(wizard.problem_ids, wizard.problem_ids.mapped("message"))
        wizard.with_user(self.officer_a).action_import()
        paul = self._imported(["000103"])
        self.assertEqual(str(paul.admission_date), "2015-06-01")
        self.assertEqual(self.Operation.search([("name", "=", "R0000103")]).amount, 500.0)

    def test_template_downloads_with_both_sheets(self):
        """The officer downloads the template: an XLSX with both sheets and an example row."""
        # Opened from the menu: the form the officer sees (no accounting field for them).
        form = Form(self.Wizard.with_user(self.officer_a))
        self.assertEqual(form.company_id, self.company_a)
        self.assertNotIn("opening_account_id", form._view["fields"])
        wizard = form.save()
        action = wizard.with_user(self.officer_a).action_download_template()
        self.assertIn("/template_file/", action["url"])
        workbook = openpyxl.load_workbook(io.BytesIO(base64.b64decode(wizard.template_file)))
        self.assertEqual(workbook.sheetnames, ["members", "operations"])
        rows = list(workbook["operations"].iter_rows(values_only=True))
        self.assertEqual(list(rows[0]), OPERATION_HEADER)
        self.assertEqual(rows[1][2], "subscription")

    def test_opening_entry_books_the_imported_capital(self):
        """The imported capital is one draft opening entry on the class's capital account."""
        suspense = self.company_a.account_journal_suspense_account_id
        wizard = self._wizard(
            register_file=_xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS))
        )
        wizard.with_user(self.officer_a).action_import()
        # The officer imports with the default accounts; the entry is the accountant's.
        self.assertEqual(wizard.opening_account_id, suspense)
        move = wizard.opening_move_id
        self.assertEqual(move.state, "draft", "the accountant posts it")
        self.assertEqual(len(move.line_ids), 2)
        capital_line = move.line_ids.filtered(
            lambda line: line.account_id == self.class_a.capital_account_id
        )
        self.assertTrue(capital_line.account_id.code.startswith("1013"))
        self.assertEqual(capital_line.credit, 14 * 50.0)
        self.assertEqual(
            move.line_ids.filtered(lambda line: line.account_id == suspense).debit, 700.0
        )
        self.assertEqual(str(move.date), "2019-12-31")

    def test_problems_are_explained_in_french(self):
        """A French-speaking officer reads each problem of the dry run in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.officer_a.lang = "fr_FR"
        members = [dict(CLEAN_MEMBERS[0], college_code="XXX", email="pas-un-email")]
        operations = _operation_dicts(
            [("R1", "2015-03-01", "transfer", "000101", "A", "1", "50", "M999")]
        )
        wizard = self._wizard(register_file=_xlsx(members, operations))
        wizard.with_user(self.officer_a).action_check()
        messages = set(wizard.problem_ids.mapped("message"))
        self.assertIn("Collège inconnu XXX dans cette coopérative.", messages)
        self.assertIn("pas-un-email n'est pas une adresse e-mail valide.", messages)
        self.assertIn("Cession à un sociétaire inconnu M999.", messages)
        self.assertIn("rien n'a été importé", wizard.summary)
