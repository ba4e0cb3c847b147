from werkzeug.exceptions import NotFound

from odoo import _, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.website_blog.controllers.main import WebsiteBlog

from ..models.coop_local_group_blog import NEWS_TEXT_MAX, NEWS_TITLE_MAX
from .common import coop_layout, coop_members, coop_partner, coop_try, parse_text


def parse_news_form(post):
    """The "news of the group" form as typed values for ``_coop_portal_create_news``."""
    audience = post.get("audience")
    return {
        "name": parse_text(post.get("name"), _("Title"), max_length=NEWS_TITLE_MAX),
        "content": parse_text(post.get("content"), _("Text"), NEWS_TEXT_MAX, multiline=True),
        "audience": audience if isinstance(audience, str) else None,
    }


class CoopGroupNews(CustomerPortal):
    """A local group's coordinators publish the group's news from the member space."""

    @http.route(
        ["/cooperative/groups/<int:group_id>/news/new"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_group_news_new(self, group_id, **post):
        group = request.env["coop.local.group"].sudo().browse(group_id).exists()
        if not group or not group._coop_may_write_news(coop_partner()):
            raise request.not_found()
        error, news = None, None
        if request.httprequest.method == "POST":
            news, error = coop_try(
                lambda: group.with_env(request.env)._coop_portal_create_news(parse_news_form(post))
            )
        values = coop_layout(
            self,
            "coop_group_news_new",
            group=group,
            news=news,
            error=error,
            post=post if error else {},
        )
        return request.render("coop_portal.portal_coop_group_news_new", values)

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "coop_news" in counters:
            values["coop_news"] = request.env["blog.post"]._coop_member_news(
                coop_partner(), coop_members().company_id
            )
        return values

    @http.route()
    def home(self, **kw):
        response = super().home(**kw)
        # Members only, as the "My cooperative" block (a response without qcontext, a
        # redirect, is left alone).
        if coop_members() and hasattr(response, "qcontext"):
            response.qcontext.update(self._prepare_home_portal_values(["coop_news"]))
        return response


class CoopWebsiteBlog(WebsiteBlog):
    """A post one may not read answers 404, as a missing one: a members-only post of
    another cooperative or group, or an unpublished one, is named nowhere."""

    @http.route()
    def blog_post(self, blog, blog_post, tag_id=None, page=1, enable_editor=None, **post):
        if not blog_post.exists() or not blog_post.has_access("read"):
            raise NotFound()
        return super().blog_post(
            blog, blog_post, tag_id=tag_id, page=page, enable_editor=enable_editor, **post
        )
