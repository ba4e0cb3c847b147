import re

from odoo import _, fields, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_layout, coop_partner, coop_try, parse_date, parse_text

_COUNT = re.compile(r"[0-9]{1,6}", re.ASCII)


def parse_count(raw, label):
    """A number of people typed in a form: a whole number, 0 when left empty."""
    text = raw.strip() if isinstance(raw, str) else ""
    if not text:
        return 0
    if not _COUNT.fullmatch(text):
        raise UserError(_("Give %(field)s as a whole number of people (0 or more).", field=label))
    return int(text)


def parse_stand_form(post):
    """The stand report form as values for ``coop.stand.report._coop_coordinator_record``."""
    place = parse_text(post.get("place"), _("Place"))
    if not place:
        raise UserError(_("Say where the stand was held."))
    return {
        "place": place,
        "date": parse_date(post.get("date"), _("Give the date of the stand as a date."))
        or fields.Date.context_today(request.env.user),
        "visitor_count": parse_count(post.get("visitor_count"), _("the visitors")),
        "contact_count": parse_count(post.get("contact_count"), _("the contacts collected")),
        "pledge_count": parse_count(post.get("pledge_count"), _("the memberships promised")),
        "note": parse_text(post.get("note"), _("Notes"), max_length=2000),
    }


class CoopGroupStands(CustomerPortal):
    """A local group's coordinators report the stands the group held."""

    @http.route(
        ["/cooperative/groups/<int:group_id>/stands/new"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_group_stand_new(self, group_id, saved=None, **post):
        group = request.env["coop.local.group"].sudo().browse(group_id).exists()
        if not group or not group.active or not group._coop_is_coordinator(coop_partner()):
            raise request.not_found()
        error = None
        if request.httprequest.method == "POST":
            _stand, error = coop_try(
                lambda: request.env["coop.stand.report"]._coop_coordinator_record(
                    group.with_env(request.env), parse_stand_form(post)
                )
            )
            if not error:
                return request.redirect(f"/cooperative/groups/{group.id}/stands/new?saved=1")
        values = coop_layout(
            self,
            "coop_group_stand_new",
            group=group,
            today=fields.Date.context_today(request.env.user),
            saved=bool(saved) and not error,
            error=error,
            post=post if error else {},
        )
        return request.render("coop_portal.portal_coop_group_stand_new", values)
