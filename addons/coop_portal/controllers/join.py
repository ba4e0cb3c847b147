from odoo import http
from odoo.http import request

from ..models.coop_subscription_request import JOIN_CONSENT_VERSION
from .portal import REFUSALS


class CoopJoin(http.Controller):
    """Public application to become a member: a submitted request the office accepts."""

    def _join_values(self, **extra):
        Request = request.env["coop.subscription.request"]
        companies = Request._portal_join_companies()
        classes = (
            request.env["coop.share.class"]
            .sudo()
            .search([("company_id", "in", companies.ids)], order="company_id, sequence, id")
        )
        return {
            "companies": companies,
            "share_classes": classes,
            "channels": Request._fields["contact_channel"]._description_selection(request.env),
            "legal_forms": Request._fields["legal_form"]._description_selection(request.env),
            "post": {},
            "consent_version": JOIN_CONSENT_VERSION,
            "error": None,
            **extra,
        }

    @http.route(
        ["/cooperative/join"],
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=True,
    )
    def join(self, **post):
        if request.httprequest.method != "POST":
            return request.render("coop_portal.coop_join", self._join_values())
        # Honeypot: people never fill a field they cannot see; robots do. They get the
        # same thank-you page and nothing is stored.
        if post.get("website_url"):
            return request.render("coop_portal.coop_join_thanks")
        Request = request.env["coop.subscription.request"]
        ip = request.httprequest.remote_addr
        try:
            # Counted outside the application's savepoint: a refused form counts too.
            Request._portal_join_count_attempt(ip)
            with request.env.cr.savepoint():
                Request._portal_join(post, ip=ip, counted=True)
        except REFUSALS as e:
            values = self._join_values(post=post, error=e.args[0] if e.args else str(e))
            return request.render("coop_portal.coop_join", values)
        # The same page whether the address was new or already had an application: the
        # reference goes by email, never on a page anyone can ask for any address.
        return request.render("coop_portal.coop_join_thanks")
