from datetime import datetime

import pytz

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_layout, coop_partner, coop_try, parse_text


def parse_local_datetime(raw, tz, message):
    """A ``datetime-local`` field (YYYY-MM-DDTHH:MM in the member's time zone) in UTC."""
    if not raw:
        return False
    try:
        local = datetime.fromisoformat(raw.strip()).replace(second=0, microsecond=0)
    except (ValueError, AttributeError, TypeError):
        raise UserError(message) from None
    if local.tzinfo:
        raise UserError(message)
    return tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)


def parse_group_event_form(env, post):
    """The "new group event" form as typed values for ``_coop_portal_create_group_event``."""
    tz = pytz.timezone(env.user.tz or "Europe/Paris")
    message = _("Give the start and the end as a date and a time.")
    return {
        "name": parse_text(post.get("name"), _("Title")),
        "date_begin": parse_local_datetime(post.get("date_begin"), tz, message),
        "date_end": parse_local_datetime(post.get("date_end"), tz, message),
        "date_tz": tz.zone,
        "audience": post.get("audience") if isinstance(post.get("audience"), str) else None,
        "description": parse_text(post.get("description"), _("Description"), max_length=4000),
    }


class CoopGroupEvents(CustomerPortal):
    """A local group's coordinators create the group's events from the member space."""

    @http.route(
        ["/cooperative/groups/<int:group_id>/events/new"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_group_event_new(self, group_id, **post):
        group = request.env["coop.local.group"].sudo().browse(group_id).exists()
        if not group or not group.active or not group._coop_is_coordinator(coop_partner()):
            raise request.not_found()
        error, event = None, None
        if request.httprequest.method == "POST":
            event, error = coop_try(
                lambda: group.with_env(request.env)._coop_portal_create_group_event(
                    parse_group_event_form(request.env, post)
                )
            )
        values = coop_layout(
            self,
            "coop_group_event_new",
            group=group,
            event=event,
            error=error,
            post=post if error else {},
            pending=request.env["event.event"]._coop_pending_for_group(group),
        )
        return request.render("coop_portal.portal_coop_group_event_new", values)
