from odoo import fields, http
from odoo.http import request

from .common import coop_members, coop_message_text, coop_partner, coop_try, parse_id

# Names listed on a group's page; the member directory finds the others.
VISIBLE_NAMES = 100


class CoopGroupsPortal(http.Controller):
    """Local groups: a public list and page; members join them and volunteer there."""

    def _coop_group_or_404(self, group_id):
        group = request.env["coop.local.group"].sudo().browse(group_id).exists()
        if not group or not group.active:
            raise request.not_found()
        return group

    @http.route(["/cooperative/groups"], type="http", auth="public", website=True, sitemap=True)
    def coop_groups(self, **kw):
        groups = request.env["coop.local.group"].sudo().search([("active", "=", True)])
        companies = groups.company_id.sorted("name")
        return request.render(
            "coop_portal.coop_groups",
            {
                "groups": groups,
                "companies": companies,
                "map_data": groups._coop_map_data(),
                "main_object": request.website,
            },
        )

    @http.route(["/cooperative/groups/<int:group_id>"], type="http", auth="public", website=True)
    def coop_group(self, group_id, message=None, **kw):
        return self._coop_group_page(self._coop_group_or_404(group_id), message=message)

    def _coop_group_page(self, group, message=None, error=None):
        now = fields.Datetime.now()
        # Events as the visitor: members-only events stay hidden from others (record rules).
        events = request.env["event.event"].search(
            [
                ("coop_local_group_id", "child_of", group.id),
                ("website_published", "=", True),
                ("date_end", ">=", now),
            ],
            order="date_begin",
            limit=10,
        )
        member = False
        if not request.env.user._is_public():
            member = coop_members().filtered(
                lambda m: m.is_active_member and m.company_id == group.company_id
            )
        partner = coop_partner()
        # The reader's role, read once for the page and the templates that extend it
        # (the coordinators' buttons: events, action calls, polls, stands).
        role = group._coop_role_of(partner)
        values = {
            "group": group,
            "events": events,
            "is_member_of_coop": bool(member),
            "in_group": bool(member) and bool(role),
            "is_coordinator": role == "coordinator",
            "message_text": coop_message_text(message),
            "error": error,
        }
        if member:
            # Names are for fellow members of the cooperative who opted in, never public.
            values["visible_members"], values["visible_member_count"] = group._coop_visible_members(
                limit=VISIBLE_NAMES
            )
            values["calls"] = (
                request.env["coop.action.call"]
                .sudo()
                .search(
                    [("local_group_id", "child_of", group.id), ("state", "in", ("open", "full"))],
                    order="date_start",
                )
            )
            values["my_calls"] = (
                values["calls"]
                .volunteer_ids.filtered(lambda v: v.partner_id == partner and v.state != "declined")
                .action_call_id
            )
        return request.render("coop_portal.coop_group", values)

    @http.route(
        ["/cooperative/groups/<int:group_id>/volunteer"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def coop_group_volunteer(self, group_id, call_id=None, **post):
        group = self._coop_group_or_404(group_id)
        call_id = parse_id(call_id)
        _done, error = coop_try(lambda: coop_partner()._coop_portal_volunteer(call_id))
        if error:
            return self._coop_group_page(group, error=error)
        return request.redirect(f"/cooperative/groups/{group.id}?message=volunteered#calls")
