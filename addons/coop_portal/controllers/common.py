"""What every coop_portal controller shares, in one place each controller file imports.

Each controller subclasses Odoo's own controller (``CustomerPortal``, ``http.Controller``,
...) directly; Odoo merges the subclasses of one controller class into one, so helpers
live here as plain functions rather than in a base class the others must inherit.

The parsers are the one way form values are read: the controllers turn the browser's
strings into typed values (ids, numbers of shares, dates, booleans, text) with a clear
message for what cannot be read, and the models receive those and keep the rules.
"""

import re

from odoo import _, fields, http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

# A refused action stores nothing and tells the member why, in their language.
REFUSALS = (UserError, ValidationError, AccessError, MissingError)
# PostgreSQL integer columns (record ids) hold at most this.
MAX_ID = 2**31 - 1
# Above this, a member is asked to contact the cooperative: typing errors (an extra
# zero) are more likely than a real subscription of that size from a form.
PORTAL_MAX_SHARES = 10000
# ASCII digits only: str.isdigit() also accepts "²" or "١", which int() refuses or reads
# as another number.
_WHOLE_NUMBER = re.compile(r"[+-]?[0-9]+", re.ASCII)
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
# A text of several lines keeps its line breaks and tabs; other control characters are
# refused (PostgreSQL refuses NUL, the others are invisible in the page).
_CONTROL_IN_LINES = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


# ----------------------------------------------------------------------------------------
# Parsers: form strings to typed values
# ----------------------------------------------------------------------------------------
def parse_id(raw):
    """A record id sent by a form, or None for anything else (which matches nothing).

    The caller says what is wrong in its own words ("Choose a cooperative..."), once it
    has looked the id up among the records the user may choose.
    """
    if isinstance(raw, bool) or not isinstance(raw, (str, int)):
        return None
    raw = str(raw).strip()
    if not raw.isascii() or not raw.isdigit() or len(raw) > 10:
        return None
    value = int(raw)
    return value if 0 < value <= MAX_ID else None


def parse_ids(raws):
    """The ids of a multiple choice (``form.getlist``): one ``parse_id`` per value, None
    kept in place of an unreadable one so that the caller can refuse or drop it."""
    if isinstance(raws, (str, int)):
        raws = [raws]
    if not isinstance(raws, (list, tuple)):
        return []
    return [parse_id(raw) for raw in raws]


def parse_quantity(raw, maximum=PORTAL_MAX_SHARES):
    """A number of shares typed in a form: a whole number from 1 to ``maximum``."""
    text = str(raw).strip() if isinstance(raw, (str, int)) and not isinstance(raw, bool) else ""
    if not _WHOLE_NUMBER.fullmatch(text):
        raise UserError(_("Give the number of shares as a whole number."))
    quantity = int(text)
    if quantity <= 0:
        raise UserError(_("The number of shares must be at least 1."))
    if quantity > maximum:
        raise UserError(
            _(
                "%(quantity)s shares is more than the member space accepts (%(max)s): "
                "contact your cooperative.",
                quantity=quantity,
                max=maximum,
            )
        )
    return quantity


def parse_text(raw, label, max_length=256, multiline=False):
    """A text field: stripped, without control characters, not too long.

    :param label: the field's name as the form shows it, for the message.
    :param multiline: a text area: line breaks and tabs are kept.
    :return: the text, or False when empty.
    """
    text = raw.strip() if isinstance(raw, str) else ""
    if (_CONTROL_IN_LINES if multiline else _CONTROL).search(text):
        raise UserError(_("Remove the control characters from %s.", label))
    if len(text) > max_length:
        raise UserError(
            _(
                "%(field)s is too long (%(max)s characters at most).",
                field=label,
                max=max_length,
            )
        )
    return text or False


def search_text(raw, max_length=100):
    """What a member typed in a search box, control characters dropped (they mean
    nothing in a search, and PostgreSQL refuses NUL): never refused."""
    text = raw if isinstance(raw, str) else ""
    return _CONTROL.sub("", text).strip()[:max_length]


def parse_bool(raw):
    """A checkbox: sent ("on", or the value the form gives it) when ticked, absent otherwise."""
    return raw in (True, "1", "on", "true")


def parse_date(raw, message):
    """A date field (YYYY-MM-DD, as browsers send it), False when empty, else ``message``."""
    if not raw:
        return False
    if not isinstance(raw, str):
        raise UserError(message)
    try:
        return fields.Date.to_date(raw.strip())
    except ValueError:
        raise UserError(message) from None


# ----------------------------------------------------------------------------------------
# The member and their records
# ----------------------------------------------------------------------------------------
def coop_partner():
    return request.env.user.partner_id


def coop_members():
    """The user's memberships, searched once per request (route, layout, counters).

    The one ownership check of the portal is res.partner._coop_portal_members(): every
    route browses from these records.
    """
    members = getattr(request, "_coop_portal_members", None)
    if members is None:
        members = request._coop_portal_members = coop_partner()._coop_portal_members()
    return members


def coop_member_or_404(member_id):
    member = coop_members().filtered(lambda m: m.id == member_id)
    if not member:
        raise request.not_found()
    return member


def coop_voter_or_404(voter_id):
    voters = request.env["coop.assembly.voter"]._portal_voters(coop_members())
    voter = voters.filtered(lambda v: v.id == voter_id)
    if not voter:
        raise request.not_found()
    return voter


# ----------------------------------------------------------------------------------------
# Answers
# ----------------------------------------------------------------------------------------
def coop_try(action):
    """Run ``action`` in a savepoint: (result, None) or (None, error message)."""
    try:
        with request.env.cr.savepoint():
            return action(), None
    except REFUSALS as e:
        return None, e.args[0] if e.args else str(e)


def coop_pdf(report_ref, records, filename, data=None):
    """A report the caller checked ownership for, rendered as superuser."""
    Report = request.env["ir.actions.report"].sudo()
    pdf, _type = Report.with_context(lang=request.env.lang)._render_qweb_pdf(
        report_ref, records.ids, data=data
    )
    return request.make_response(
        pdf,
        headers=[
            ("Content-Type", "application/pdf"),
            ("Content-Length", len(pdf)),
            ("Content-Disposition", http.content_disposition(filename)),
        ],
    )


def coop_message_text(code):
    """The confirmation shown after a redirect (?message=code), never free text."""
    return {
        "subscribed": _(
            "Your subscription is recorded. The call for payment is on its way to you; "
            "the shares are yours once it is paid."
        ),
        "redemption": _(
            "Your redemption request is recorded. The board decides on it; you will be "
            "refunded within the statutory delay."
        ),
        "proxy_given": _("Your proxy is recorded. You can withdraw it until the vote."),
        "proxy_withdrawn": _("Your proxy is withdrawn: you can vote yourself again."),
        "answered": _("Thank you, your answer is recorded."),
        "engagement_saved": _("Your skills and availability are saved."),
        "group_joined": _("Welcome to the local group."),
        "group_left": _("You left the local group."),
        "volunteered": _("Thank you for volunteering: the organisers confirm and write to you."),
    }.get(code)


def coop_layout(controller, page_name, message=None, **values):
    """The values of a member-space page: the portal's layout (through ``controller``,
    so that every module's ``_prepare_portal_layout_values`` runs) and the member's."""
    result = controller._prepare_portal_layout_values()
    result.update(
        page_name=page_name,
        coop_members=coop_members(),
        message_text=coop_message_text(message),
        **values,
    )
    return result
