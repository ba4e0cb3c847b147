import base64
import csv
import datetime
import io
import re

import openpyxl
import xlsxwriter

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, email_normalize, split_every

from . import coop_register_import_cooperator as cooperator

MEMBER_COLUMNS = [
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
OPERATION_COLUMNS = [
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
EXAMPLE_MEMBER = {
    "member_number": "000001",
    "last_name": "Martin",
    "first_name": "Claire",
    "email": "claire.martin@example.com",
    "street": "12 rue des Lilas",
    "zip": "69001",
    "city": "Lyon",
    "country_code": "FR",
    "birthdate": "1980-05-17",
    "college_code": "CONS",
    "application_date": "2015-01-10",
    "admission_date": "2015-02-01",
    "channel": "email",
    "newsletter": "yes",
}
EXAMPLE_OPERATION = {
    "operation_number": "R0000001",
    "date": "2015-02-01",
    "type": "subscription",
    "member_number": "000001",
    "share_class_code": "A",
    "quantity": "2",
    "unit_price": "50.00",
}
EXIT_STATES = {"resignation": "resigned", "exclusion": "excluded", "death": "deceased"}
OPERATION_TYPES = ("subscription", "transfer", "redemption", "conversion")
# Records created per create() call: large enough to batch the ORM work, small enough to
# report progress often and keep the memory of one batch low.
IMPORT_BATCH = 2000


def _text(value):
    """A cell as text: spreadsheets give numbers and dates, CSV files give strings."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value).strip()


def _number_key(number):
    """The integer a register number ends with (R0000042 -> 42), for the sequences."""
    match = re.search(r"(\d+)$", number or "")
    return int(match.group(1)) if match else 0


class CoopRegisterImportWizard(models.TransientModel):
    """Bring in the register a cooperative kept elsewhere: members and share operations.

    A dry run parses and checks the whole file and stores nothing; the import checks it
    again and stores all of it or nothing (one transaction). Numbers are kept as given and
    the cooperative's sequences continue after the highest one.
    """

    _name = "coop.register.import.wizard"
    _description = "Import a Register"

    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        readonly=True,
        default=lambda self: self.env.company,
    )
    file_format = fields.Selection(
        [("xlsx", "Spreadsheet (XLSX, two sheets)"), ("csv", "Two CSV files")],
        string="Format",
        required=True,
        default="xlsx",
    )
    register_file = fields.Binary(string="Register (XLSX)")
    register_filename = fields.Char()
    members_file = fields.Binary(string="Members (CSV)")
    members_filename = fields.Char()
    operations_file = fields.Binary(string="Operations (CSV)")
    operations_filename = fields.Char()
    template_file = fields.Binary(readonly=True, attachment=False)
    # The imported capital is booked as one opening entry, not one invoice per historical
    # subscription: credit of each share class's capital account (its setting, 101300 by
    # default), debit of this transitory account the accountant then clears against the
    # opening balances of the previous books. Left in draft for the accountant to post.
    opening_account_id = fields.Many2one(
        "account.account",
        string="Opening Entry Counterpart",
        default=lambda self: self.env.company.account_journal_suspense_account_id,
        domain="[('company_ids', 'parent_of', company_id)]",
        groups="coop_membership.group_coop_accountant",
        help="Debited with the imported capital in the opening entry (a transitory "
        "account, 471 by default). Leave empty to book no opening entry.",
    )
    opening_journal_id = fields.Many2one(
        "account.journal",
        string="Opening Entry Journal",
        default=lambda self: (
            self.env["account.journal"]
            .sudo()
            .search(
                [
                    *self.env["account.journal"]._check_company_domain(self.env.company),
                    ("type", "=", "general"),
                ],
                limit=1,
            )
        ),
        domain="[('type', '=', 'general')]",
        groups="coop_membership.group_coop_accountant",
    )
    opening_move_id = fields.Many2one(
        "account.move",
        string="Opening Entry",
        readonly=True,
        groups="coop_membership.group_coop_accountant",
    )
    default_college_id = fields.Many2one(
        "coop.college",
        string="College When None Given",
        domain="[('company_id', '=', company_id)]",
        help="College of the members whose row names none (OCA cooperator's exports have "
        "no college column).",
    )
    job_id = fields.Many2one("coop.register.import", string="Background Import", readonly=True)
    state = fields.Selection(
        [("draft", "To check"), ("checked", "Checked"), ("done", "Imported")],
        default="draft",
        required=True,
    )
    problem_ids = fields.One2many("coop.register.import.problem", "wizard_id", readonly=True)
    problem_count = fields.Integer(compute="_compute_problem_count")
    summary = fields.Text(readonly=True)

    @api.depends("problem_ids")
    def _compute_problem_count(self):
        for wizard in self:
            wizard.problem_count = len(wizard.problem_ids)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_download_template(self):
        """The template: both sheets with their columns and one example row each."""
        self.ensure_one()
        self._check_rights()
        output = io.BytesIO()
        workbook = xlsxwriter.Workbook(output, {"in_memory": True})
        for name, columns, example in (
            ("members", MEMBER_COLUMNS, EXAMPLE_MEMBER),
            ("operations", OPERATION_COLUMNS, EXAMPLE_OPERATION),
        ):
            sheet = workbook.add_worksheet(name)
            for col, column in enumerate(columns):
                sheet.write_string(0, col, column)
                sheet.write_string(1, col, example.get(column, ""))
        workbook.close()
        self.template_file = base64.b64encode(output.getvalue())
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/template_file/register_template.xlsx"
            "?download=true",
            "target": "self",
        }

    def action_check(self):
        """Dry run: check the whole file, list its problems, store nothing else.

        A large file is checked by the background job, like its import: a dry run of
        188,000 rows takes about a minute, too long for the officer's click.
        """
        self.ensure_one()
        self._check_rights()
        queued = self._queue_if_large("check")
        if queued:
            return queued
        data = self._parse_and_validate()
        self.state = "checked"
        if not self.problem_ids:
            self.summary = self._summary_text(data, dry_run=True)
        else:
            self.summary = _(
                "%(count)s problem(s) found: nothing was imported.", count=len(self.problem_ids)
            )
        return self._reopen()

    def action_import(self):
        """Import the whole file, or nothing when any problem remains.

        A large file (more rows than the threshold setting) is queued for the background
        job, which checks and imports it the same way; the officer follows its progress
        on the job's form and is notified when it ends.
        """
        self.ensure_one()
        self._check_rights()
        queued = self._queue_if_large("import")
        if queued:
            return queued
        data = self._parse_and_validate()
        if self.problem_ids:
            self.state = "checked"
            self.summary = _(
                "%(count)s problem(s) found: nothing was imported.", count=len(self.problem_ids)
            )
            return self._reopen()
        if data["already_imported"]:
            self.state = "done"
            self.summary = _("This register was already imported: nothing was changed.")
            return self._reopen()
        # A chatter line per imported member and operation would say only "imported":
        # the register lines themselves are the history (and it is 4x faster).
        self.with_context(tracking_disable=True, mail_notrack=True)._import_register(data)
        self.state = "done"
        self.summary = self._summary_text(data, dry_run=False)
        return self._reopen()

    def _queue_if_large(self, mode):
        """For a file of more rows than the threshold setting, queue the background job
        (``mode`` "check" or "import") and return the action opening it; else None."""
        Job = self.env["coop.register.import"]
        total = sum(len(rows) for rows in self._read_rows().values())
        if total <= Job._background_threshold():
            return None
        self.job_id = Job._queue_from_wizard(self, total, mode=mode)
        return {
            "type": "ir.actions.act_window",
            "res_model": "coop.register.import",
            "res_id": self.job_id.id,
            "view_mode": "form",
            "target": "current",
        }

    def _reopen(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _check_rights(self):
        """Only an officer (or manager) of this very cooperative imports its register."""
        user = self.env.user
        if not user.has_group("coop_membership.group_coop_officer"):
            raise AccessError(_("Only the officers of a cooperative may import its register."))
        if self.company_id not in user.company_ids or self.company_id != self.env.company:
            raise AccessError(
                _(
                    "You may import a register only into your current cooperative, "
                    "not into %(company)s.",
                    company=self.company_id.name,
                )
            )

    def _summary_text(self, data, dry_run):
        values = {"members": len(data["members"]), "operations": len(data["operations"])}
        if dry_run:
            return _(
                "No problem found: %(members)s members and %(operations)s operations are "
                "ready to import.",
                **values,
            )
        return _("%(members)s members and %(operations)s operations imported.", **values)

    # ------------------------------------------------------------------
    # Reading the files
    # ------------------------------------------------------------------
    def _read_rows(self):
        """Return {sheet: [(row number, {column: text})]} from the XLSX or the two CSVs."""
        if self.file_format == "xlsx":
            if not self.register_file:
                raise UserError(_("Choose the register file (XLSX) first."))
            try:
                workbook = openpyxl.load_workbook(
                    io.BytesIO(base64.b64decode(self.register_file)),
                    read_only=True,
                    data_only=True,
                )
            except Exception as error:
                raise UserError(
                    _("This file cannot be read as an XLSX spreadsheet: %(error)s", error=error)
                ) from error
            sheets = {}
            for name in ("members", "operations"):
                if name not in workbook.sheetnames:
                    raise UserError(_("The spreadsheet has no sheet named %(sheet)s.", sheet=name))
                rows = workbook[name].iter_rows(values_only=True)
                header = [_text(cell).lower() for cell in next(rows, ())]
                sheets[name] = [
                    (index, dict(zip(header, map(_text, row), strict=False)))
                    for index, row in enumerate(rows, start=2)
                    if any(cell not in (None, "") for cell in row)
                ]
            workbook.close()
            return sheets
        if not (self.members_file and self.operations_file):
            raise UserError(_("Choose both CSV files (members and operations) first."))
        members = self._read_csv(self.members_file)
        operations = self._read_csv(self.operations_file)
        # OCA cooperator's exports, recognised by their header (see that file).
        if operations and cooperator.is_cooperator_register(operations[0][1]):
            operations = cooperator.map_operations(operations)
        if members and cooperator.is_cooperator_members(members[0][1]):
            members = cooperator.map_members(members, operations, self._country_codes())
        return {"members": members, "operations": operations}

    @api.model
    def _country_codes(self):
        """{lower-case country name: code}, in English and in the officer's language."""
        codes = {}
        Country = self.env["res.country"]
        for lang in ("en_US", self.env.lang):
            for country in Country.with_context(lang=lang).search([]):
                codes[country.name.lower()] = country.code
        return codes

    @api.model
    def _read_csv(self, content):
        try:
            # utf-8-sig drops the byte order mark Excel writes, and reads plain UTF-8 too.
            text = base64.b64decode(content).decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise UserError(_("A CSV file must be encoded in UTF-8.")) from error
        first_line = text.split("\n", 1)[0]
        # Excel in French writes ";" (the comma being the decimal separator).
        delimiter = ";" if first_line.count(";") >= first_line.count(",") else ","
        reader = csv.reader(io.StringIO(text), delimiter=delimiter)
        header = [column.strip().lower() for column in next(reader, [])]
        return [
            (index, dict(zip(header, (cell.strip() for cell in row), strict=False)))
            for index, row in enumerate(reader, start=2)
            if any(cell.strip() for cell in row)
        ]

    # ------------------------------------------------------------------
    # Checking
    # ------------------------------------------------------------------
    def _parse_and_validate(self):
        """Parse both sheets and check every rule; the problems replace the previous ones.

        Returns the parsed data, ready for _import_register when no problem was found.
        """
        self.problem_ids.unlink()
        sheets = self._read_rows()
        problems = []

        def problem(sheet, row, message):
            problems.append({"wizard_id": self.id, "sheet": sheet, "row": row, "message": message})

        company = self.company_id
        currency = company.currency_id
        Member = self.env["coop.member"].with_context(active_test=False)
        colleges = {
            c.code.upper(): c
            for c in self.env["coop.college"].search([("company_id", "=", company.id)])
        }
        classes = {
            c.code.upper(): c
            for c in self.env["coop.share.class"]
            .with_context(active_test=False)
            .search([("company_id", "=", company.id)])
        }
        # Also by name: OCA cooperator's exports name the share product, not a code.
        for share_class in list(classes.values()):
            classes.setdefault(share_class.name.upper(), share_class)
        countries = {}

        def parse_date(sheet, row, column, value, required=False):
            if not value:
                if required:
                    problem(sheet, row, _("Column %(column)s is empty.", column=column))
                return None
            for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
                try:
                    return datetime.datetime.strptime(value[:10], fmt).date()
                except ValueError:
                    continue
            problem(
                sheet,
                row,
                _(
                    "%(value)s in column %(column)s is not a date (write 2024-03-31 or "
                    "31/03/2024).",
                    value=value,
                    column=column,
                ),
            )
            return None

        def parse_number(sheet, row, column, value):
            cleaned = value.replace("\u00a0", "").replace(" ", "").replace(",", ".")
            try:
                return float(cleaned)
            except ValueError:
                problem(
                    sheet,
                    row,
                    _(
                        "%(value)s in column %(column)s is not a number.",
                        value=value,
                        column=column,
                    ),
                )
                return None

        # --- Members -------------------------------------------------------
        members = {}
        for row, line in sheets["members"]:
            sheet = "members"
            number = line.get("member_number", "")
            if not number:
                problem(sheet, row, _("The member number is empty."))
                continue
            if number in members:
                problem(
                    sheet,
                    row,
                    _(
                        "Member number %(number)s appears twice in the file (row %(other)s).",
                        number=number,
                        other=members[number]["row"],
                    ),
                )
                continue
            if not (line.get("last_name") or line.get("company_name")):
                problem(sheet, row, _("A member needs a last name or a company name."))
            college = colleges.get(line.get("college_code", "").upper())
            if not line.get("college_code") and self.default_college_id:
                college = self.default_college_id
            if not college:
                problem(
                    sheet,
                    row,
                    _(
                        "Unknown college %(code)s in this cooperative.",
                        code=line.get("college_code", ""),
                    ),
                )
            email = line.get("email", "")
            if email and not email_normalize(email, strict=True):
                problem(sheet, row, _("%(email)s is not a valid email address.", email=email))
            country = None
            code = line.get("country_code", "").upper()
            if code:
                if code not in countries:
                    countries[code] = self.env["res.country"].search([("code", "=", code)], limit=1)
                country = countries[code]
                if not country:
                    problem(sheet, row, _("Unknown country code %(code)s.", code=code))
            application = parse_date(sheet, row, "application_date", line.get("application_date"))
            admission = parse_date(
                sheet, row, "admission_date", line.get("admission_date"), required=True
            )
            exit_date = parse_date(sheet, row, "exit_date", line.get("exit_date"))
            birthdate = parse_date(sheet, row, "birthdate", line.get("birthdate"))
            if application and admission and admission < application:
                problem(
                    sheet,
                    row,
                    _(
                        "Admission on %(admission)s comes before the application on "
                        "%(application)s.",
                        admission=admission,
                        application=application,
                    ),
                )
            if exit_date and admission and exit_date < admission:
                problem(sheet, row, _("The exit date comes before the admission date."))
            reason = line.get("exit_reason", "").lower()
            if reason and reason not in EXIT_STATES:
                problem(
                    sheet,
                    row,
                    _(
                        "Unknown exit reason %(reason)s (resignation, exclusion or death).",
                        reason=reason,
                    ),
                )
            if bool(reason) != bool(exit_date):
                problem(sheet, row, _("An exit needs both its date and its reason."))
            channel = line.get("channel", "").lower() or "email"
            if channel not in ("email", "paper"):
                problem(
                    sheet, row, _("Unknown channel %(channel)s (email or paper).", channel=channel)
                )
            newsletter = line.get("newsletter", "").lower()
            if newsletter not in ("", "yes", "no", "oui", "non"):
                problem(sheet, row, _("The newsletter column takes yes or no."))
            members[number] = {
                "row": row,
                "line": line,
                "college": college,
                "country": country,
                "application": application,
                "admission": admission,
                "exit_date": exit_date,
                "birthdate": birthdate,
                "state": EXIT_STATES.get(reason, "member"),
                "channel": channel,
                "newsletter": newsletter in ("yes", "oui"),
            }
        existing_members = {
            m.member_number: m
            for m in Member.search(
                [("company_id", "=", company.id), ("member_number", "!=", False)]
            )
        }

        # --- Operations ----------------------------------------------------
        operations = {}
        for row, line in sheets["operations"]:
            sheet = "operations"
            number = line.get("operation_number", "")
            if not number:
                problem(sheet, row, _("The operation number is empty."))
                continue
            if number in operations:
                problem(
                    sheet,
                    row,
                    _(
                        "Operation number %(number)s appears twice in the file (row %(other)s).",
                        number=number,
                        other=operations[number]["row"],
                    ),
                )
                continue
            op_type = line.get("type", "").lower()
            if op_type not in OPERATION_TYPES:
                problem(
                    sheet,
                    row,
                    _(
                        "Unknown operation type %(type)s (subscription, transfer, redemption "
                        "or conversion).",
                        type=op_type,
                    ),
                )
            date = parse_date(sheet, row, "date", line.get("date"), required=True)
            member_number = line.get("member_number", "")
            if member_number not in members and member_number not in existing_members:
                problem(sheet, row, _("Unknown member %(number)s.", number=member_number))
            share_class = classes.get(line.get("share_class_code", "").upper())
            if not share_class:
                problem(
                    sheet,
                    row,
                    _(
                        "Unknown share class %(code)s in this cooperative.",
                        code=line.get("share_class_code", ""),
                    ),
                )
            quantity = parse_number(sheet, row, "quantity", line.get("quantity", ""))
            if quantity is not None and (quantity <= 0 or not quantity.is_integer()):
                problem(sheet, row, _("The quantity must be a positive whole number of shares."))
                quantity = None
            price = parse_number(sheet, row, "unit_price", line.get("unit_price", ""))
            if (
                price is not None
                and share_class
                and currency.compare_amounts(price, share_class.nominal_value)
            ):
                problem(
                    sheet,
                    row,
                    _(
                        "Unit price %(price)s differs from the nominal value of share class "
                        "%(code)s (%(nominal)s).",
                        price=line.get("unit_price"),
                        code=share_class.code,
                        nominal=currency.format(share_class.nominal_value),
                    ),
                )
            counterpart = line.get("counterpart_member_number", "")
            if op_type == "transfer":
                if counterpart not in members and counterpart not in existing_members:
                    problem(
                        sheet,
                        row,
                        _("Transfer to an unknown member %(number)s.", number=counterpart or "-"),
                    )
                elif counterpart == member_number:
                    problem(sheet, row, _("A member cannot transfer shares to themselves."))
            target = None
            if op_type == "conversion":
                target = classes.get(line.get("target_share_class_code", "").upper())
                if not target or target == share_class:
                    problem(
                        sheet,
                        row,
                        _(
                            "Unknown or unchanged target share class %(code)s.",
                            code=line.get("target_share_class_code", "") or "-",
                        ),
                    )
                elif quantity and share_class:
                    value = quantity * share_class.nominal_value
                    received = round(value / target.nominal_value)
                    if currency.compare_amounts(received * target.nominal_value, value):
                        problem(
                            sheet,
                            row,
                            _(
                                "The conversion does not give a whole number of shares of "
                                "class %(code)s.",
                                code=target.code,
                            ),
                        )
            operations[number] = {
                "row": row,
                "number": number,
                "type": op_type,
                "date": date,
                "member": member_number,
                "class": share_class,
                "quantity": int(quantity or 0),
                "counterpart": counterpart if op_type == "transfer" else "",
                "target": target,
            }

        # --- Already in the database: the same file again, or clashing numbers -------
        existing_ops = {
            op.name: op
            for op in self.env["coop.share.operation"]
            .sudo()  # numbers only: the officer may not read the capital register
            .search([("company_id", "=", company.id), ("name", "in", list(operations))])
        }
        same_file = (
            bool(members or operations)
            and all(number in existing_members for number in members)
            and all(
                number in existing_ops
                and existing_ops[number].quantity == op["quantity"]
                and existing_ops[number].date == op["date"]
                and existing_ops[number].member_id.member_number == op["member"]
                for number, op in operations.items()
            )
        )
        if not same_file:
            for number, member in members.items():
                if number in existing_members:
                    problem(
                        "members",
                        member["row"],
                        _(
                            "Member number %(number)s is already used in this cooperative.",
                            number=number,
                        ),
                    )
            for number, op in operations.items():
                if number in existing_ops:
                    problem(
                        "operations",
                        op["row"],
                        _(
                            "Operation number %(number)s is already used in this cooperative.",
                            number=number,
                        ),
                    )
            self._check_dates_and_holdings(members, existing_members, operations, problem)
        self.env["coop.register.import.problem"].create(problems)
        return {
            "members": members,
            "operations": operations,
            "existing_members": existing_members,
            "already_imported": same_file,
        }

    def _check_dates_and_holdings(self, members, existing_members, operations, problem):
        """Operations within each membership, and no holding below zero at any date."""

        def period(number):
            if number in members:
                return members[number]["admission"], members[number]["exit_date"]
            member = existing_members.get(number)
            return (member.admission_date, member.exit_date) if member else (None, None)

        existing = [existing_members[n].id for n in existing_members]
        holdings = {}
        if existing:
            by_id = {m.id: n for n, m in existing_members.items()}
            for (member_id, class_id), quantity in (
                self.env["coop.share.operation"].sudo()._coop_holdings(existing).items()
            ):
                holdings[(by_id[member_id], class_id)] = quantity
        ordered = sorted(
            (op for op in operations.values() if op["date"] and op["class"]),
            key=lambda op: (op["date"], _number_key(op["number"]), op["number"]),
        )
        for op in ordered:
            for number in filter(None, (op["member"], op["counterpart"])):
                admission, exit_date = period(number)
                if admission and op["date"] < admission:
                    problem(
                        "operations",
                        op["row"],
                        _(
                            "Operation dated %(date)s comes before the admission of member "
                            "%(number)s (%(admission)s).",
                            date=op["date"],
                            number=number,
                            admission=admission,
                        ),
                    )
                if exit_date and op["date"] > exit_date:
                    problem(
                        "operations",
                        op["row"],
                        _(
                            "Operation dated %(date)s comes after the exit of member "
                            "%(number)s (%(exit)s).",
                            date=op["date"],
                            number=number,
                            exit=exit_date,
                        ),
                    )
            quantity = op["quantity"]
            changes = []
            if op["type"] == "subscription":
                changes.append((op["member"], op["class"], quantity))
            elif op["type"] == "redemption":
                changes.append((op["member"], op["class"], -quantity))
            elif op["type"] == "transfer" and op["counterpart"]:
                changes += [
                    (op["member"], op["class"], -quantity),
                    (op["counterpart"], op["class"], quantity),
                ]
            elif op["type"] == "conversion" and op["target"]:
                received = round(quantity * op["class"].nominal_value / op["target"].nominal_value)
                changes += [
                    (op["member"], op["class"], -quantity),
                    (op["member"], op["target"], received),
                ]
            for number, share_class, delta in changes:
                key = (number, share_class.id)
                holdings[key] = holdings.get(key, 0) + delta
                if holdings[key] < 0:
                    problem(
                        "operations",
                        op["row"],
                        _(
                            "On %(date)s member %(number)s would hold %(quantity)s shares of "
                            "class %(code)s: a holding cannot go below zero.",
                            date=op["date"],
                            number=number,
                            quantity=holdings[key],
                            code=share_class.code,
                        ),
                    )

    # ------------------------------------------------------------------
    # Storing
    # ------------------------------------------------------------------
    def _import_register(self, data, progress=None):
        """Store the checked file: members, then operations, then the sequences.

        Privileged path, called only after _check_rights and a check without any problem.
        Historical numbers are kept: the members are admitted and the operations confirmed
        by the same private writes the Admit and Confirm actions end with
        (``_lifecycle_write``, ``_register_write``), since those actions draw new numbers.
        The file's own checks (dates, holdings never negative, nominal values) replace the
        rules of today's memberships (a former member could not receive a transfer today).

        Records are created in sets (one ``create`` per batch of values); the numbers and
        dates each record keeps from the file are written by one statement per table
        (_write_imported_numbers): through the ORM that was one write per record, 2 ms
        each, most of the time of a 150,000-operation import.

        :param progress: called with the number of rows stored so far (members and
            operations), after each batch: the background job shows it to the officer.
        """
        progress = progress or (lambda done: None)
        company = self.company_id
        members = self._import_members(data, progress)
        done = len(members)
        all_members = dict(data["existing_members"], **members)
        Operation = self.env["coop.share.operation"].sudo()
        ordered = sorted(
            data["operations"].values(),
            key=lambda op: (op["date"], _number_key(op["number"]), op["number"]),
        )
        currency = company.currency_id

        def operation_vals(op):
            # The amounts the register's computed fields would give (same arithmetic as
            # _compute_amount, _compute_target_quantity, _compute_signed), passed in:
            # computing them record by record was a third of the ORM's time.
            value = op["class"].nominal_value
            amount = currency.round(op["quantity"] * value)
            target_value = op["target"].nominal_value if op["target"] else 0.0
            received = round(amount / target_value) if op["target"] else 0
            signed = {
                "subscription": (op["quantity"], amount),
                "redemption": (-op["quantity"], -amount),
                "conversion": (
                    received - op["quantity"],
                    currency.round(received * target_value - amount),
                ),
            }.get(op["type"], (0, 0.0))
            return {
                "company_id": company.id,
                "date": op["date"],
                "operation_type": op["type"],
                "member_id": all_members[op["member"]].id,
                "share_class_id": op["class"].id,
                "quantity": op["quantity"],
                "unit_value": value,
                "amount": amount,
                "counterpart_member_id": op["counterpart"] and all_members[op["counterpart"]].id,
                "target_share_class_id": op["target"] and op["target"].id,
                "target_unit_value": target_value,
                "target_quantity": received,
                "signed_quantity": signed[0],
                "signed_amount": signed[1],
            }

        def advance(count):
            nonlocal done
            done += count
            progress(done)

        created = self._create_in_batches(
            Operation, [operation_vals(op) for op in ordered], advance
        )
        if created:
            self._write_imported_numbers(
                "coop_share_operation",
                created,
                {
                    "name": ("varchar", [op["number"] for op in ordered]),
                    "recording_date": ("date", [op["date"] for op in ordered]),
                },
            )
            # One write for the whole set: the holdings of every member are recomputed
            # once, in one query (coop.member._compute_share_holding).
            created._register_write({"state": "confirmed"})
        self._continue_sequence(company._coop_get_member_sequence(), list(data["members"]))
        self._continue_sequence(company._coop_get_share_sequence(), list(data["operations"]))
        # The accounting fields are the accountant's (the officer imports with their
        # defaults): read here by the privileged step.
        if self.sudo().opening_account_id and ordered:
            self.sudo()._book_opening_entry(ordered)

    @api.model
    def _create_in_batches(self, Model, vals_list, on_batch=None):
        """``Model.create`` per batch of IMPORT_BATCH values, the defaults read once a batch.

        The ORM reads the defaults of the fields a row leaves out for every row: on
        res.partner one of them counts the invoice reports, a query per partner. They are
        the same for every row of an import, so they are read once and given. Fields
        whose value is per cooperative (company_dependent) keep following their default.
        """
        records = Model.browse()
        for batch in split_every(IMPORT_BATCH, vals_list, list):
            given = set().union(*batch)
            defaults = Model.default_get(
                [
                    name
                    for name, field in Model._fields.items()
                    if name not in given and not field.automatic and not field.company_dependent
                ]
            )
            records += Model.create([dict(defaults, **vals) for vals in batch])
            if on_batch:
                on_batch(len(batch))
        return records

    def _write_imported_numbers(self, table, records, columns):
        """Write each record's own value of ``columns`` in one UPDATE ... FROM unnest().

        The register numbers and dates of an imported file differ on every row: through
        the ORM that is one UPDATE per record. Raw SQL, but only on records this import
        has just created, after the caller checked the officer's rights and the whole
        file; the columns written have no stored field depending on them, and the cache
        is invalidated so that the ORM reads them back.

        :param columns: {column: (SQL type, [value per record, in the order of records])}
        """
        records.flush_recordset()
        names = list(columns)
        self.env.cr.execute(
            SQL(
                "UPDATE %(table)s AS t SET %(sets)s FROM unnest(%(ids)s::int[], %(arrays)s) "
                "AS v(id, %(names)s) WHERE t.id = v.id",
                table=SQL.identifier(table),
                sets=SQL(", ").join(
                    SQL("%s = v.%s", SQL.identifier(name), SQL.identifier(name)) for name in names
                ),
                ids=records.ids,
                arrays=SQL(", ").join(
                    SQL("%s::%s[]", list(columns[name][1]), SQL(columns[name][0])) for name in names
                ),
                names=SQL(", ").join(SQL.identifier(name) for name in names),
            )
        )
        records.invalidate_recordset(names)

    def _book_opening_entry(self, ordered):
        """One draft entry: the capital the file brings, per share class's capital account."""
        capital = {}
        for op in ordered:
            amount = op["quantity"] * op["class"].nominal_value
            if op["type"] == "subscription":
                capital[op["class"]] = capital.get(op["class"], 0.0) + amount
            elif op["type"] == "redemption":
                capital[op["class"]] = capital.get(op["class"], 0.0) - amount
            elif op["type"] == "conversion":
                capital[op["class"]] = capital.get(op["class"], 0.0) - amount
                capital[op["target"]] = capital.get(op["target"], 0.0) + amount
        currency = self.company_id.currency_id
        capital = {c: a for c, a in capital.items() if not currency.is_zero(a)}
        if not capital:
            return
        missing = [c.code for c in capital if not c.capital_account_id]
        if missing or not self.opening_journal_id:
            raise UserError(
                _(
                    "The opening entry needs a miscellaneous journal and the capital account "
                    "of every share class (missing for: %(classes)s).",
                    classes=", ".join(missing) or "-",
                )
            )
        label = _("Opening capital of the imported register")
        lines = [
            (
                0,
                0,
                {
                    "account_id": share_class.capital_account_id.id,
                    "name": label,
                    "debit": -amount if amount < 0 else 0.0,
                    "credit": amount if amount > 0 else 0.0,
                },
            )
            for share_class, amount in capital.items()
        ]
        total = sum(capital.values())
        lines.append(
            (
                0,
                0,
                {
                    "account_id": self.opening_account_id.id,
                    "name": label,
                    "debit": total if total > 0 else 0.0,
                    "credit": -total if total < 0 else 0.0,
                },
            )
        )
        # Privileged: the officer who imports has no accounting rights; the entry stays a
        # draft, which the accountant checks and posts.
        self.opening_move_id = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "entry",
                    "company_id": self.company_id.id,
                    "journal_id": self.opening_journal_id.id,
                    "date": max(op["date"] for op in ordered),
                    "ref": label,
                    "line_ids": lines,
                }
            )
        )

    def _import_members(self, data, progress=None):
        progress = progress or (lambda done: None)
        company = self.company_id
        # The newsletter column is the person's consent: coop_engagement keeps it on the
        # partner (coop_newsletter_optin) and coop_portal logs it with its source.
        Partner = self.env["res.partner"].with_context(coop_consent_source="import")
        newsletter = "coop_newsletter_optin" in Partner._fields
        items = list(data["members"].items())
        partner_vals = []
        for _number, member in items:
            line = member["line"]
            person = " ".join(filter(None, (line.get("first_name"), line.get("last_name"))))
            vals = {
                "name": line.get("company_name") or person,
                "is_company": bool(line.get("company_name")),
                "email": line.get("email") or False,
                "phone": line.get("phone") or False,
                "street": line.get("street") or False,
                "zip": line.get("zip") or False,
                "city": line.get("city") or False,
                "country_id": member["country"].id if member["country"] else False,
                "coop_birthdate": member["birthdate"] or False,
                "coop_contact_channel": member["channel"],
            }
            if newsletter:
                vals["coop_newsletter_optin"] = member["newsletter"]
            partner_vals.append(vals)
        partners = self._create_in_batches(Partner, partner_vals)
        # An organisation acts through the person named on its row, when there is one.
        representative_vals = {
            partner.id: {
                "name": " ".join(
                    filter(None, (member["line"].get("first_name"), member["line"]["last_name"]))
                ),
                "parent_id": partner.id,
            }
            for (_number, member), partner in zip(items, partners, strict=True)
            if partner.is_company and member["line"].get("last_name")
        }
        representatives = dict(
            zip(
                representative_vals,
                Partner.create(list(representative_vals.values())).ids,
                strict=True,
            )
        )
        member_vals = [
            {
                "partner_id": partner.id,
                "company_id": company.id,
                "college_id": member["college"].id,
                "application_date": member["application"] or member["admission"],
                "representative_id": representatives.get(partner.id, False),
            }
            for (_number, member), partner in zip(items, partners, strict=True)
        ]
        created = [0]

        def advance(count):
            created[0] += count
            progress(created[0])

        records = self._create_in_batches(self.env["coop.member"], member_vals, advance)
        if not records:
            return {}
        # Numbers and dates as the file gives them, in one statement (one write per
        # member through the ORM); then the status in one write per status, since each
        # status change resyncs the cooperative's newsletter and discussions.
        self._write_imported_numbers(
            "coop_member",
            records,
            {
                "member_number": ("varchar", [number for number, _member in items]),
                "admission_date": ("date", [member["admission"] for _number, member in items]),
                "exit_date": ("date", [member["exit_date"] for _number, member in items]),
            },
        )
        by_status = {}
        for (_number, member), record in zip(items, records, strict=True):
            status = (
                member["state"],
                member["exit_date"] and member["line"].get("exit_reason") or False,
            )
            by_status.setdefault(status, []).append(record.id)
        for (state, reason), ids in by_status.items():
            vals = {"state": state}
            if reason:
                vals["exit_reason"] = reason
            records.browse(ids)._lifecycle_write(vals)
        periods, history = [], []
        for (number, member), record in zip(items, records, strict=True):
            exit_type = member["state"] if member["exit_date"] else False
            periods.append(
                {
                    "member_id": record.id,
                    "member_number": number,
                    "date_from": member["admission"],
                    "date_to": member["exit_date"] or False,
                    "exit_type": exit_type,
                }
            )
            history.append(
                {
                    "member_id": record.id,
                    "college_id": member["college"].id,
                    "date_from": member["admission"],
                    "date_to": member["exit_date"] or False,
                }
            )
        # As action_admit does: these lines are written by the register, not by the officer.
        self._create_in_batches(self.env["coop.member.period"].sudo(), periods)
        self._create_in_batches(self.env["coop.member.college.history"].sudo(), history)
        return {number: record for (number, _member), record in zip(items, records, strict=True)}

    @api.model
    def _continue_sequence(self, sequence, numbers):
        """Make the sequence give numbers after the highest imported one."""
        highest = max((_number_key(n) for n in numbers), default=0)
        if highest >= sequence.number_next_actual:
            sequence.sudo().write({"number_next": highest + 1})
