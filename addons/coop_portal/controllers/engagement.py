from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import (
    coop_layout,
    coop_members,
    coop_partner,
    coop_try,
    parse_bool,
    parse_id,
    parse_ids,
    parse_text,
)


def parse_availability_note(raw):
    """The availability details: one line of text (False when empty)."""
    try:
        return parse_text(raw, "Details")
    except UserError:
        # One message for both faults, as the form shows one short line.
        raise UserError(
            _("Write your availability details in one line (256 characters).")
        ) from None


class CoopEngagementPortal(CustomerPortal):
    """What the member offers (skills, availability, themes) and their local groups."""

    def _coop_engagement_values(self, **extra):
        partner = coop_partner()
        mine, suggested = partner._coop_portal_local_groups()
        members = coop_members().filtered("is_active_member")
        return coop_layout(
            self,
            "coop_engagement",
            partner=partner.sudo(),
            engagements=[(member, member._portal_engagement()) for member in members],
            skills=request.env["coop.skill"].sudo().search([]),
            themes=request.env["coop.engagement.theme"].sudo().search([]),
            availabilities=partner._fields["coop_availability"]._description_selection(request.env),
            my_groups=mine,
            suggested_groups=suggested,
            newsletters=partner._coop_portal_newsletters(),
            **extra,
        )

    @http.route(["/my/engagement"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def coop_engagement(self, message=None, **post):
        error = None
        if request.httprequest.method == "POST":
            form = request.httprequest.form
            _done, error = coop_try(
                lambda: coop_partner()._coop_portal_update_engagement(
                    parse_ids(form.getlist("skill_ids")),
                    parse_ids(form.getlist("theme_ids")),
                    post.get("availability"),
                    parse_availability_note(post.get("availability_note")),
                    parse_bool(post.get("group_visible")),
                )
            )
            message = None if error else "engagement_saved"
        values = self._coop_engagement_values(error=error, message=message)
        return request.render("coop_portal.portal_my_engagement", values)

    @http.route(["/my/engagement/group"], type="http", auth="user", website=True, methods=["POST"])
    def coop_engagement_group(self, group_id=None, leave=None, **post):
        partner = coop_partner()
        group_id = parse_id(group_id)
        if leave:
            _done, error = coop_try(lambda: partner._coop_portal_leave_group(group_id))
            message = "group_left"
        else:
            _done, error = coop_try(lambda: partner._coop_portal_join_group(group_id))
            message = "group_joined"
        if error:
            values = self._coop_engagement_values(error=error)
            return request.render("coop_portal.portal_my_engagement", values)
        if post.get("back") == "group" and group_id:
            return request.redirect(f"/cooperative/groups/{group_id}?message={message}")
        return request.redirect(f"/my/engagement?message={message}#groups")
