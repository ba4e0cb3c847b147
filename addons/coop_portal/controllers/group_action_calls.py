import re

import pytz

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_layout, coop_partner, coop_try, parse_text
from .group_events import parse_local_datetime


def parse_group_call_form(env, post):
    """The "new action call" form as typed values for ``_coop_portal_create_action_call``."""
    tz = pytz.timezone(env.user.tz or "Europe/Paris")
    raw = post.get("volunteers_needed")
    text = raw.strip() if isinstance(raw, str) else ""
    # ASCII digits only; the model says how many it accepts.
    if not re.fullmatch(r"[0-9]{1,6}", text, re.ASCII):
        raise UserError(_("Give the number of volunteers as a whole number."))
    needed = int(text)
    return {
        "name": parse_text(post.get("name"), _("Title")),
        "date_start": parse_local_datetime(
            post.get("date_start"), tz, _("Give the date as a date and a time.")
        ),
        "place": parse_text(post.get("place"), _("Place")),
        "volunteers_needed": needed,
        "description": parse_text(post.get("description"), _("Description"), max_length=4000),
    }


class CoopGroupActionCalls(CustomerPortal):
    """A local group's coordinators open action calls for the group's members."""

    @http.route(
        ["/cooperative/groups/<int:group_id>/calls/new"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_group_call_new(self, group_id, **post):
        group = request.env["coop.local.group"].sudo().browse(group_id).exists()
        if not group or not group.active or not group._coop_is_coordinator(coop_partner()):
            raise request.not_found()
        error = None
        if request.httprequest.method == "POST":
            _call, error = coop_try(
                lambda: group.with_env(request.env)._coop_portal_create_action_call(
                    parse_group_call_form(request.env, post)
                )
            )
            if not error:
                return request.redirect(f"/cooperative/groups/{group.id}#calls")
        values = coop_layout(
            self, "coop_group_call_new", group=group, error=error, post=post if error else {}
        )
        return request.render("coop_portal.portal_coop_group_call_new", values)
