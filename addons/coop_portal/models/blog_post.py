from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import html_sanitize

MEMBER_NEWS_LIMIT = 5


class BlogPost(models.Model):
    """Public or members-only news (issue #25 §7).

    Members-only posts are read by the members of the blog's cooperative, or of its
    local group for a group's blog: a global record rule for portal and public users
    (security/coop_blog_security.xml); staff keep their usual rules.
    """

    _inherit = "blog.post"

    coop_audience = fields.Selection(
        [("public", "Everyone"), ("members", "Members only")],
        string="Who May Read It",
        default="public",
        required=True,
        help="Members only: the members of the blog's cooperative (or of its local group, "
        "for a group's blog) read it; visitors and other members do not even see it "
        "listed.",
    )
    coop_company_id = fields.Many2one(
        related="blog_id.coop_company_id", store=True, index="btree_not_null"
    )
    coop_local_group_id = fields.Many2one(
        related="blog_id.coop_local_group_id", store=True, index="btree_not_null"
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._coop_sanitize_content(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._coop_sanitize_content(vals)
        return super().write(vals)

    def _coop_sanitize_content(self, vals):
        """Odoo stores a post's HTML as it comes (website designers place snippets and
        scripts). Moderators write news from the back office, not the website builder:
        their HTML is sanitized like any other rich text."""
        if (
            vals.get("content")
            and not self.env.su
            and not self.env.user.has_group("website.group_website_designer")
        ):
            vals["content"] = html_sanitize(vals["content"])

    def _check_for_publication(self, vals):
        # Odoo announces a new post on its blog's chatter. A moderator may write the post
        # (her rules passed on the write that publishes it), not the blog: the notice is
        # posted as superuser, still in her name.
        return super(BlogPost, self.sudo())._check_for_publication(vals)

    @api.constrains("coop_audience", "blog_id")
    def _check_coop_audience(self):
        for post in self:
            if post.coop_audience == "members" and not post.blog_id.coop_company_id:
                raise ValidationError(
                    _(
                        "Only the blog of a cooperative or of a local group has "
                        "members-only posts: %(blog)s has no members.",
                        blog=post.blog_id.name,
                    )
                )

    @api.model
    def _coop_member_news(self, partner, companies, limit=MEMBER_NEWS_LIMIT):
        """The latest published news of ``partner``'s cooperatives (and their federation)
        and local groups, public or members-only, in one search.

        Searched as the current user: the record rules keep out the members-only posts
        she may not read. Her groups are read as superuser (a portal user reads no
        membership), in one query.
        """
        group_ids = (
            self.env["coop.local.group.membership"]
            .sudo()
            .search([("partner_id", "=", partner.id)])
            .local_group_id.ids
        )
        return self.search(
            [
                ("website_published", "=", True),
                ("post_date", "<=", fields.Datetime.now()),
                "|",
                "&",
                ("coop_local_group_id", "=", False),
                ("coop_company_id", "in", (companies | companies.parent_id).ids),
                ("coop_local_group_id", "in", group_ids),
            ],
            order="post_date desc, id desc",
            limit=limit,
        )
