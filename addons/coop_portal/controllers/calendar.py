from odoo import _, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_layout


def ics_response(content, private=False):
    return request.make_response(
        content,
        headers=[
            ("Content-Type", "text/calendar; charset=utf-8"),
            ("Content-Disposition", 'inline; filename="calendar.ics"'),
            # A private feed is the member's: no shared cache keeps it.
            ("Cache-Control", "private, no-store" if private else "public, max-age=900"),
        ],
    )


class CoopCalendar(CustomerPortal):
    """iCalendar feeds: a private one per member (behind a secret link), a public one per
    cooperative and per local group, for Mobilizon, Nextcloud or Thunderbird."""

    def _coop_base_url(self):
        return request.httprequest.url_root.rstrip("/")

    # The member's own link ------------------------------------------------------------

    @http.route(["/my/calendar"], type="http", auth="user", website=True)
    def coop_my_calendar(self, **kw):
        return self._coop_calendar_page()

    def _coop_calendar_page(self, token=None, message=None):
        user = request.env.user
        values = coop_layout(
            self,
            "coop_calendar",
            feed_url=token and f"{self._coop_base_url()}/my/calendar/{token}.ics",
            link_date=user._coop_calendar_link_date(),
            calendar_message=message,
        )
        return request.render("coop_portal.portal_my_calendar", values)

    @http.route(
        ["/my/calendar/regenerate"], type="http", auth="user", website=True, methods=["POST"]
    )
    def coop_my_calendar_regenerate(self, **post):
        token = request.env.user._coop_calendar_regenerate()
        return self._coop_calendar_page(token=token)

    @http.route(["/my/calendar/revoke"], type="http", auth="user", website=True, methods=["POST"])
    def coop_my_calendar_revoke(self, **post):
        request.env.user._coop_calendar_revoke()
        return self._coop_calendar_page(message=_("Your calendar link no longer works."))

    # Feeds --------------------------------------------------------------------------------

    @http.route(["/my/calendar/<string:token>.ics"], type="http", auth="public", sitemap=False)
    def coop_private_feed(self, token, **kw):
        # A wrong, revoked or old token: the same 404 (no hint that a link ever existed).
        user = request.env["res.users"]._coop_calendar_user(token)
        if not user or not user.active:
            raise request.not_found()
        Event = request.env["event.event"]
        events = Event._coop_private_feed_events(user)
        name = _("My cooperative events (%(name)s)", name=user.partner_id.name)
        return ics_response(events._coop_ics(name, self._coop_base_url()), private=True)

    @http.route(
        ["/cooperative/<int:company_id>/calendar.ics"], type="http", auth="public", sitemap=False
    )
    def coop_company_feed(self, company_id, **kw):
        company = request.env["res.company"].sudo().browse(company_id).exists()
        if not company:
            raise request.not_found()
        events = request.env["event.event"]._coop_public_feed_events(
            ["|", ("company_id", "=", company.id), ("coop_shared_company_ids", "in", company.ids)]
        )
        return ics_response(events._coop_ics(company.name, self._coop_base_url()))

    @http.route(
        ["/cooperative/groups/<int:group_id>/calendar.ics"],
        type="http",
        auth="public",
        sitemap=False,
    )
    def coop_group_feed(self, group_id, **kw):
        group = request.env["coop.local.group"].sudo().browse(group_id).exists()
        if not group or not group.active:
            raise request.not_found()
        events = request.env["event.event"]._coop_public_feed_events(
            [("coop_local_group_id", "child_of", group.id)]
        )
        return ics_response(events._coop_ics(group.complete_name, self._coop_base_url()))
