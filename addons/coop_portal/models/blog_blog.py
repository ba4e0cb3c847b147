from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class BlogBlog(models.Model):
    """News of the federation, a cooperative or a local group (issue #25 §7).

    One blog per cooperative (a company with a cooperative legal form; the federation is
    one of them) and one per local group, made in sets: by a data function at each
    install or update for what exists, and on the creation of a group or a cooperative.
    """

    _inherit = "blog.blog"

    coop_company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        index="btree_not_null",
        ondelete="cascade",
        help="The cooperative (or federation) publishing this blog: its moderators "
        "write its posts, its members read its members-only posts.",
    )
    coop_local_group_id = fields.Many2one(
        "coop.local.group",
        string="Local Group",
        index="btree_not_null",
        ondelete="cascade",
        help="The local group publishing this blog: its coordinators write its posts "
        "once the moderators allow it, its members read its members-only posts.",
    )

    _sql_constraints = [
        (
            "coop_local_group_uniq",
            "unique(coop_local_group_id)",
            "A local group has one news blog.",
        ),
    ]

    @api.constrains("coop_company_id", "coop_local_group_id")
    def _check_coop_owner(self):
        for blog in self:
            group = blog.coop_local_group_id
            if group and group.company_id != blog.coop_company_id:
                raise ValidationError(
                    _(
                        "The blog of the local group %(group)s belongs to its cooperative "
                        "%(company)s.",
                        group=group.complete_name,
                        company=group.company_id.name,
                    )
                )
            if blog.coop_company_id and not group:
                twin = self.search_count(
                    [
                        ("id", "!=", blog.id),
                        ("coop_company_id", "=", blog.coop_company_id.id),
                        ("coop_local_group_id", "=", False),
                    ],
                    limit=1,
                )
                if twin:
                    raise ValidationError(
                        _(
                            "%(company)s already has a news blog.",
                            company=blog.coop_company_id.name,
                        )
                    )

    @api.model
    def _coop_create_missing_blogs(self, companies=None, groups=None):
        """Create the news blogs that cooperatives and local groups lack, in one create.

        :param companies: the cooperatives to cover (default: every company with a
            cooperative legal form); ``groups`` likewise (default: every active group).
        Run as superuser (a data function, or after the creation of the group or the
        cooperative, which its creator was allowed to make).
        """
        Blog = self.sudo().with_context(active_test=False)
        if companies is None:
            companies = self.env["res.company"].sudo().search([("coop_legal_form", "!=", False)])
        if groups is None:
            groups = self.env["coop.local.group"].sudo().search([])
        companies = companies.filtered("coop_legal_form")
        have_company = set(
            Blog.search(
                [("coop_company_id", "in", companies.ids), ("coop_local_group_id", "=", False)]
            ).coop_company_id.ids
        )
        have_group = set(
            Blog.search([("coop_local_group_id", "in", groups.ids)]).coop_local_group_id.ids
        )
        vals_list = [
            {
                "name": _("News of %(coop)s", coop=company.name),
                "coop_company_id": company.id,
            }
            for company in companies
            if company.id not in have_company
        ]
        vals_list += [
            {
                "name": _("News of the local group %(group)s", group=group.complete_name),
                "coop_company_id": group.company_id.id,
                "coop_local_group_id": group.id,
            }
            for group in groups
            if group.id not in have_group
        ]
        return Blog.create(vals_list)
