"""SIREN / SIRET numbers of French organisations (INSEE): shape and checksum.

Not a model: plain functions shared by the subscription request and the organisation
contact (res.partner), which both validate the number typed by a person.
"""

# La Poste's establishments outgrew the Luhn key: INSEE numbers them so that the sum of
# the SIRET's digits is a multiple of 5 instead.
LA_POSTE_SIREN = "356000000"

LEGAL_FORMS = [
    ("local_authority", "Local authority"),
    ("public_body", "Other public body"),
    ("association", "Association"),
    ("cooperative", "Cooperative (SCOP, SCIC, SCA…)"),
    ("sa", "Public limited company (SA)"),
    ("sas", "Simplified joint-stock company (SAS, SASU)"),
    ("sarl", "Limited liability company (SARL, EURL)"),
    ("sole_trader", "Sole trader"),
    ("other", "Other"),
]


def normalize_siret(value):
    """The number without the spaces, dots and dashes people type in it."""
    if not value:
        return value
    return "".join(ch for ch in value if ch not in " .-\u00a0\u202f")


def _luhn_ok(digits):
    total = 0
    for index, char in enumerate(reversed(digits)):
        digit = int(char)
        if index % 2:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_is_valid(value):
    """True for a well-formed SIREN (9 digits) or SIRET (14 digits) with a valid key."""
    value = normalize_siret(value) or ""
    if not (value.isascii() and value.isdigit()) or len(value) not in (9, 14):
        return False
    if len(value) == 14 and value[:9] == LA_POSTE_SIREN:
        return _luhn_ok(value[:9]) and sum(int(c) for c in value) % 5 == 0
    return _luhn_ok(value)
