from odoo import http
from odoo.http import request

from .documents import CoopDocuments


class CoopEngagementPortal(CoopDocuments):
    """What the member offers (skills, availability, themes) and their local groups."""

    def _coop_engagement_values(self, **extra):
        partner = self._coop_partner()
        mine, suggested = partner._coop_portal_local_groups()
        members = self._coop_members().filtered("is_active_member")
        return self._coop_layout(
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
            _done, error = self._coop_try(
                lambda: self._coop_partner()._coop_portal_update_engagement(
                    form.getlist("skill_ids"),
                    form.getlist("theme_ids"),
                    post.get("availability"),
                    post.get("availability_note"),
                    post.get("group_visible") == "1",
                )
            )
            message = None if error else "engagement_saved"
        values = self._coop_engagement_values(error=error, message=message)
        return request.render("coop_portal.portal_my_engagement", values)

    @http.route(["/my/engagement/group"], type="http", auth="user", website=True, methods=["POST"])
    def coop_engagement_group(self, group_id=None, leave=None, **post):
        partner = self._coop_partner()
        if leave:
            _done, error = self._coop_try(lambda: partner._coop_portal_leave_group(group_id))
            message = "group_left"
        else:
            _done, error = self._coop_try(lambda: partner._coop_portal_join_group(group_id))
            message = "group_joined"
        if error:
            values = self._coop_engagement_values(error=error)
            return request.render("coop_portal.portal_my_engagement", values)
        back = post.get("back") == "group" and str(group_id).isdigit()
        if back:
            return request.redirect(f"/cooperative/groups/{group_id}?message={message}")
        return request.redirect(f"/my/engagement?message={message}#groups")
