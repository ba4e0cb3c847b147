from odoo import _, http
from odoo.http import request

from odoo.addons.website_event.controllers.main import WebsiteEventController

from .common import REFUSALS


class CoopEventWaitlist(WebsiteEventController):
    """The waiting list of full events, joined and left from the event page."""

    def _prepare_event_register_values(self, event, **post):
        values = super()._prepare_event_register_values(event, **post)
        # A confirmation after a redirect (?coop_waitlist=code), never free text.
        values["coop_waitlist_message"] = {
            "joined": _(
                "You are on the waiting list. We will email you as soon as a seat is free for you."
            ),
            "left": _("You left the waiting list."),
        }.get(post.get("coop_waitlist"))
        return values

    def _coop_event_or_404(self, event_id):
        # As the visitor: a members-only event of another cooperative is not found.
        event = request.env["event.event"].browse(event_id).exists()
        if not event or not event.has_access("read"):
            raise request.not_found()
        return event

    @http.route(
        ["/event/<int:event_id>/coop/waitlist"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def coop_waitlist_join(self, event_id, **post):
        event = self._coop_event_or_404(event_id)
        return self._coop_waitlist_do(event, event._coop_join_waitlist, "joined")

    @http.route(
        ["/event/<int:event_id>/coop/waitlist/leave"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def coop_waitlist_leave(self, event_id, **post):
        event = self._coop_event_or_404(event_id)
        return self._coop_waitlist_do(event, event._coop_leave_waitlist, "left")

    def _coop_waitlist_do(self, event, action, done_code):
        """Run ``action`` for the user in a savepoint; a refusal is shown on the page."""
        try:
            with request.env.cr.savepoint():
                action(request.env.user.partner_id)
        except REFUSALS as e:
            values = self._prepare_event_register_values(event)
            values["coop_waitlist_error"] = e.args[0] if e.args else str(e)
            return request.render("website_event.event_description_full", values)
        slug = request.env["ir.http"]._slug(event)
        return request.redirect(f"/event/{slug}/register?coop_waitlist={done_code}#coop_waitlist")
