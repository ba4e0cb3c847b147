"""OCA cooperator's CSV exports, mapped onto the register template's columns.

OCA ``cooperator`` (Odoo 12 to 16) keeps its register in ``subscription.register`` (one
line per share movement) and its members on ``res.partner`` (12-13) or their
``cooperative.membership`` (14-16, with the same field names shown on the partner). A
cooperative leaving it exports both lists from Odoo's list views with "I want to update
data (import-compatible export)" ticked, which names the columns by their technical
names:

- register (``subscription.register``): ``register_number_operation`` (or ``name``),
  ``date``, ``type`` (subscription / transfer / sell_back / convert),
  ``partner_id/cooperator_register_number``, ``share_short_name`` or ``share_product_id``,
  ``quantity``, ``share_unit_price``, ``partner_id_to/cooperator_register_number``
  (transfers), ``share_to_short_name`` or ``share_to_product_id`` (conversions);
- members (``res.partner``): ``cooperator_register_number``, ``firstname``, ``lastname``
  (OCA partner_firstname) or ``name``, ``is_company``, ``email``, ``phone``, ``street``,
  ``zip``, ``city``, ``country_id`` (name) or ``country_id/code``, ``birthdate_date`` (or
  ``birthdate``), ``effective_date``, ``member``, ``old_member``.

The files are recognised by their header. cooperator has no colleges (the wizard's
default college applies), no exit dates (a former member leaves on the date of their
last operation, by resignation) and gives the same operation number to the lines of one
invoice with several share types (the second one gets "-2", and so on).
"""

COOPERATOR_TYPES = {
    "subscription": "subscription",
    "transfer": "transfer",
    "sell_back": "redemption",
    "sell back": "redemption",
    "convert": "conversion",
    "conversion": "conversion",
}
TRUE_VALUES = ("1", "true", "yes", "oui", "vrai")


def is_cooperator_register(header):
    return "register_number_operation" in header or "partner_id/cooperator_register_number" in (
        header
    )


def is_cooperator_members(header):
    return "cooperator_register_number" in header and "member_number" not in header


def _first(line, *columns):
    for column in columns:
        if line.get(column):
            return line[column]
    return ""


def _number(value):
    """cooperator's integers: "12", "12.0" (a spreadsheet) or "0" / "False" for none."""
    value = (value or "").strip()
    if value.endswith(".0"):
        value = value[:-2]
    return "" if value in ("0", "false", "False") else value


def map_operations(rows):
    """[(row, cooperator register line)] -> [(row, template operation line)]."""
    mapped, seen = [], {}
    for row, line in rows:
        number = _number(_first(line, "register_number_operation", "name"))
        if number:
            seen[number] = seen.get(number, 0) + 1
            if seen[number] > 1:
                number = f"{number}-{seen[number]}"
        kind = line.get("type", "").strip().lower()
        mapped.append(
            (
                row,
                {
                    "operation_number": number,
                    "date": line.get("date", ""),
                    "type": COOPERATOR_TYPES.get(kind, kind),
                    "member_number": _number(line.get("partner_id/cooperator_register_number")),
                    "share_class_code": _first(line, "share_short_name", "share_product_id"),
                    "quantity": line.get("quantity", ""),
                    "unit_price": line.get("share_unit_price", ""),
                    "counterpart_member_number": _number(
                        line.get("partner_id_to/cooperator_register_number")
                    ),
                    "target_share_class_code": _first(
                        line, "share_to_short_name", "share_to_product_id"
                    ),
                },
            )
        )
    return mapped


def map_members(rows, operations, country_codes):
    """[(row, cooperator partner line)] -> [(row, template member line)].

    Contacts without a cooperator number (candidates never admitted, other contacts) are
    not in the register and are left out.

    :param operations: the mapped operation lines, for the exit dates
    :param country_codes: {lower-case country name: ISO code}
    """
    last_date = {}
    for _row, op in operations:
        for number in (op["member_number"], op["counterpart_member_number"]):
            if number and op["date"] > last_date.get(number, ""):
                last_date[number] = op["date"]
    mapped = []
    for row, line in rows:
        number = _number(line.get("cooperator_register_number"))
        if not number:
            continue
        is_company = line.get("is_company", "").strip().lower() in TRUE_VALUES
        name = line.get("name", "")
        lastname = line.get("lastname", "")
        member = line.get("member", "").strip().lower() in TRUE_VALUES
        left = not member and line.get("old_member", "").strip().lower() in TRUE_VALUES
        country = line.get("country_id/code") or country_codes.get(
            line.get("country_id", "").strip().lower(), line.get("country_id", "")
        )
        exit_date = last_date.get(number, "") if left else ""
        mapped.append(
            (
                row,
                {
                    "member_number": number,
                    "last_name": "" if is_company else (lastname or name),
                    "first_name": "" if is_company else line.get("firstname", ""),
                    "company_name": name if is_company else "",
                    "email": line.get("email", ""),
                    "phone": _first(line, "phone", "mobile"),
                    "street": line.get("street", ""),
                    "zip": line.get("zip", ""),
                    "city": line.get("city", ""),
                    "country_code": country,
                    "birthdate": _first(line, "birthdate_date", "birthdate"),
                    "college_code": "",
                    "application_date": "",
                    "admission_date": line.get("effective_date", ""),
                    "exit_date": exit_date or (line.get("effective_date", "") if left else ""),
                    "exit_reason": "resignation" if left else "",
                    "channel": "",
                    "newsletter": "",
                },
            )
        )
    return mapped
