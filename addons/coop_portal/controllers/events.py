from odoo import fields, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_layout, coop_partner


class CoopEventsPortal(CustomerPortal):
    """The events a member registered for, coming (or waiting for a seat) and past."""

    @http.route(["/my/events"], type="http", auth="user", website=True)
    def coop_my_events(self, **kw):
        partner = coop_partner()
        registrations = (
            request.env["event.registration"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partner._coop_portal_identities()),
                    "|",
                    ("state", "in", ("open", "done")),
                    ("coop_waiting", "=", True),
                ],
                order="id desc",
                limit=100,
            )
        )
        now = fields.Datetime.now()
        coming = registrations.filtered(lambda r: r.event_id.date_end >= now).sorted(
            lambda r: r.event_id.date_begin
        )
        # A waiting list of a past event is of no use to show.
        past = (registrations - coming).filtered(lambda r: not r.coop_waiting)
        values = coop_layout(self, "coop_events", coming=coming, past=past)
        return request.render("coop_portal.portal_my_events", values)
