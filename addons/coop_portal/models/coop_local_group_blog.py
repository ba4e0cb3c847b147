from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

NEWS_AUDIENCES = ("public", "members")
NEWS_TITLE_MAX = 200
NEWS_TEXT_MAX = 20000


class CoopLocalGroup(models.Model):
    """A local group's news blog, written by its coordinators (issue #25 §7)."""

    _inherit = "coop.local.group"  # pylint: disable=consider-merging-classes-inherited

    coop_news_allowed = fields.Boolean(
        string="Coordinators Publish News",
        tracking=True,
        # A right the moderators grant to this group: a copy does not inherit it.
        copy=False,
        help="Granted by the cooperative's moderators: the group's coordinators publish "
        "news on the group's blog from the member space.",
    )
    coop_blog_id = fields.Many2one("blog.blog", string="News Blog", compute="_compute_coop_blog_id")
    # Path of the members-only rule of blog.post (see res.company.coop_user_is_member for
    # why a searchable field rather than a domain on the user's groups).
    coop_user_in_group = fields.Boolean(
        compute="_compute_coop_user_in_group",
        search="_search_coop_user_in_group",
        string="Current User Is in the Group",
    )

    @api.model_create_multi
    def create(self, vals_list):
        if any(vals.get("coop_news_allowed") for vals in vals_list):
            self._coop_check_news_right()
        groups = super().create(vals_list)
        self.env["blog.blog"]._coop_create_missing_blogs(
            companies=self.env["res.company"], groups=groups
        )
        return groups

    def write(self, vals):
        if "coop_news_allowed" in vals:
            self._coop_check_news_right()
        return super().write(vals)

    def _coop_check_news_right(self):
        """A right the moderators grant: only they (or the superuser) change it."""
        user = self.env.user
        if not self.env.su and (
            not user.has_group("coop_engagement.group_coop_moderator")
            or self.company_id - user.coop_moderated_company_ids
        ):
            raise AccessError(
                _("Only the moderators of the cooperative let a local group publish news.")
            )

    def _compute_coop_blog_id(self):
        blogs = self.env["blog.blog"].sudo().search([("coop_local_group_id", "in", self.ids)])
        by_group = {blog.coop_local_group_id.id: blog for blog in blogs}
        for group in self:
            group.coop_blog_id = by_group.get(group.id, False)

    @api.depends_context("uid")
    def _compute_coop_user_in_group(self):
        # As superuser: rules evaluate this for portal users, who read no membership.
        mine = (
            self.env["coop.local.group.membership"]
            .sudo()
            .search(
                [
                    ("local_group_id", "in", self.ids),
                    ("partner_id", "=", self.env.user.partner_id.id),
                ]
            )
            .local_group_id
        )
        for group in self:
            group.coop_user_in_group = group in mine

    def _search_coop_user_in_group(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"coop_user_in_group {operator} {value!r}")
        domain = [("membership_ids", "any", [("partner_id", "=", self.env.user.partner_id.id)])]
        return domain if (operator == "=") == value else ["!", *domain]

    def _coop_may_write_news(self, partner):
        """Whether ``partner`` coordinates this active group and the moderators let it
        publish news (read as superuser: coordinators are portal users)."""
        self.ensure_one()
        group = self.sudo()
        return bool(
            group.active and group.coop_news_allowed and group._coop_is_coordinator(partner)
        )

    def _coop_portal_create_news(self, values):
        """A coordinator of this group publishes a news post on the group's blog.

        :param values: typed values from the form: ``name`` (text), ``content`` (plain
            text, line breaks kept), ``audience`` ("public" or "members").
        The post is created as superuser once the caller is checked to coordinate this
        very group, and the group to have the moderators' leave to publish news.
        """
        self.ensure_one()
        if not self._coop_may_write_news(self.env.user.partner_id):
            raise AccessError(
                _(
                    "Only the coordinators of this local group publish its news, once the "
                    "moderators of the cooperative allow it."
                )
            )
        name = values.get("name")
        if not name:
            raise UserError(_("Give the news a title."))
        if len(name) > NEWS_TITLE_MAX:
            raise UserError(
                _("The title is too long (%(max)s characters at most).", max=NEWS_TITLE_MAX)
            )
        content = values.get("content")
        if not content:
            raise UserError(_("Write the text of the news."))
        if len(content) > NEWS_TEXT_MAX:
            raise UserError(
                _("The text is too long (%(max)s characters at most).", max=NEWS_TEXT_MAX)
            )
        audience = values.get("audience") or "public"
        if audience not in NEWS_AUDIENCES:
            raise UserError(_("Choose who may read the news from the list."))
        group = self.sudo()
        blog = group.coop_blog_id or self.env["blog.blog"]._coop_create_missing_blogs(
            companies=self.env["res.company"], groups=group
        )
        return (
            self.env["blog.post"]
            .sudo()
            .create(
                {
                    "blog_id": blog.id,
                    "name": name,
                    "content": plaintext2html(content),
                    "coop_audience": audience,
                    "author_id": self.env.user.partner_id.id,
                    "is_published": True,
                    # Dated when published (as website_blog's publish button does), not at
                    # the start of the transaction that creates it.
                    "published_date": fields.Datetime.now(),
                }
            )
        )
