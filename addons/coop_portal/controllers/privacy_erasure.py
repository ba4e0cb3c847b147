from odoo import _, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_layout, coop_partner, coop_try


class CoopPrivacyErasurePortal(CustomerPortal):
    @http.route(
        ["/my/privacy/erase"], type="http", auth="user", website=True, methods=["GET", "POST"]
    )
    def coop_privacy_erase(self, **post):
        """Erase my data: an explanation and a confirmation (GET), the request (POST).

        The request is always the logged-in person's own: the route reads no id. The
        model decides (at once, postponed to the end of the retention period, refused).
        """
        partner = coop_partner()
        error = None
        if request.httprequest.method == "POST":
            if not post.get("erasure_confirmed"):
                error = _("Tick the box to confirm that you ask for the erasure of your data.")
            else:
                erasure, error = coop_try(partner._coop_portal_request_erasure)
                if erasure and erasure.state == "done":
                    # The login is closed: the session ends with this page.
                    request.session.logout(keep_db=True)
                    return request.render("coop_portal.coop_privacy_erased")
                if erasure:
                    return request.redirect("/my/privacy/erase")
        values = coop_layout(
            self,
            "coop_privacy_erase",
            erasure=partner._coop_portal_erasure_request(),
            error=error,
        )
        return request.render("coop_portal.coop_privacy_erase", values)
