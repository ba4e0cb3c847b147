from datetime import datetime, time

import pytz

from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.misc import format_datetime

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import (
    coop_layout,
    coop_members,
    coop_partner,
    coop_try,
    parse_date,
    parse_id,
    parse_text,
)

# Slots a coordinator may propose at once (rows of the form).
POLL_SLOT_ROWS = 5


def parse_group_poll_form(env, post):
    """The "find a date" form as typed values for ``_coop_portal_create_poll``.

    Slots are ``datetime-local`` fields (YYYY-MM-DDTHH:MM, in the member's time zone),
    stored in UTC and named in the member's language; empty rows are skipped.
    """
    title = parse_text(post.get("name"), _("Title"))
    close_day = parse_date(post.get("date_close"), _("Give the closing date as a date."))
    tz = pytz.timezone(env.user.tz or "Europe/Paris")
    slots = []
    for row in range(1, POLL_SLOT_ROWS + 1):
        raw = post.get(f"slot_{row}")
        if not raw:
            continue
        try:
            local = datetime.fromisoformat(raw.strip()).replace(second=0, microsecond=0)
        except (ValueError, AttributeError, TypeError):
            raise UserError(_("Give each slot as a date and a time.")) from None
        if local.tzinfo:
            raise UserError(_("Give each slot as a date and a time."))
        utc = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        name = format_datetime(env, utc, tz=tz.zone, dt_format="EEEE d MMMM y, HH:mm")
        slots.append({"name": name, "slot": utc})
    if len(slots) < 2:
        raise UserError(_("Propose at least two slots."))
    date_close = (
        tz.localize(datetime.combine(close_day, time(23, 59))).astimezone(pytz.utc)
        if close_day
        else False
    )
    return {
        "name": title,
        "date_close": date_close.replace(tzinfo=None) if date_close else False,
        "options": slots,
    }


class CoopGroupPolls(CustomerPortal):
    """A local group's coordinators find a date with the group's members (time poll)."""

    def _coop_coordinated_group_or_404(self, group_id):
        group = request.env["coop.local.group"].sudo().browse(group_id).exists()
        if not group or not group.active or not group._coop_is_coordinator(coop_partner()):
            raise request.not_found()
        return group

    @http.route(
        ["/cooperative/groups/<int:group_id>/polls/new"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_group_poll_new(self, group_id, **post):
        group = self._coop_coordinated_group_or_404(group_id)
        error = None
        if request.httprequest.method == "POST":

            def create():
                values = parse_group_poll_form(request.env, post)
                return group.with_env(request.env)._coop_portal_create_poll(
                    values["name"], "time", values["date_close"], values["options"]
                )

            poll, error = coop_try(create)
            if not error:
                member = coop_members().filtered(lambda m: m.company_id == group.company_id)[:1]
                if member:
                    return request.redirect(f"/my/polls/{poll.id}/{member.id}")
                return request.redirect(f"/cooperative/groups/{group.id}")
        values = coop_layout(
            self,
            "coop_group_poll_new",
            group=group,
            rows=range(1, POLL_SLOT_ROWS + 1),
            today=fields.Date.context_today(request.env.user),
            error=error,
            post=post if error else {},
        )
        return request.render("coop_portal.portal_coop_group_poll_new", values)

    @http.route(["/my/polls/<int:poll_id>/close"], type="http", auth="user", website=True,
                methods=["POST"])  # fmt: skip
    def coop_group_poll_close(self, poll_id, member_id=None, **post):
        """A coordinator closes their group's poll (any other user: not found)."""
        poll = request.env["coop.poll"].sudo().browse(poll_id).exists()
        group = poll.local_group_id
        if not group or not group._coop_is_coordinator(coop_partner()):
            raise request.not_found()
        _done, error = coop_try(lambda: poll.with_env(request.env)._coop_portal_close())
        member = coop_members().filtered(lambda m: m.id == parse_id(member_id))
        if member and not error:
            return request.redirect(f"/my/polls/{poll.id}/{member.id}")
        return request.redirect(f"/cooperative/groups/{group.id}")
