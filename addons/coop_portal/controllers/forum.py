import werkzeug

from odoo import http

from odoo.addons.website_forum.controllers.website_forum import WebsiteForum


class CoopWebsiteForum(WebsiteForum):
    """A cooperative's forum lets everybody pass Odoo's karma gates (thresholds at 0):
    the moderation pages check the moderator role of that cooperative instead."""

    def _coop_moderator_or_404(self, forum):
        if forum.coop_company_id and not forum._coop_roles().get(forum.id, (0, 0))[1]:
            raise werkzeug.exceptions.NotFound()

    @http.route()
    def validation_queue(self, forum, **kwargs):
        self._coop_moderator_or_404(forum)
        return super().validation_queue(forum, **kwargs)

    @http.route()
    def flagged_queue(self, forum, **kwargs):
        self._coop_moderator_or_404(forum)
        return super().flagged_queue(forum, **kwargs)

    @http.route()
    def offensive_posts(self, forum, **kwargs):
        self._coop_moderator_or_404(forum)
        return super().offensive_posts(forum, **kwargs)

    @http.route()
    def closed_posts(self, forum, **kwargs):
        self._coop_moderator_or_404(forum)
        return super().closed_posts(forum, **kwargs)

    @http.route()
    def post_http_ask_for_mark_as_offensive(self, forum, post, **kwargs):
        self._coop_moderator_or_404(forum)
        return super().post_http_ask_for_mark_as_offensive(forum, post, **kwargs)
