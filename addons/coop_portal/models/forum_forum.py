from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

# A cooperative's forum gates rights on roles (member, moderator of the cooperative),
# not on karma: members start at 0 karma and a moderator's karma is global, which would
# let a moderator of region A moderate region B. Karma thresholds of the member actions
# are therefore 0 (Odoo's own checks pass) and forum.post computes the rights per role.
COOP_FORUM_KARMA = {
    "karma_ask": 0,
    "karma_answer": 0,
    "karma_edit_own": 0,
    "karma_edit_retag": 0,
    "karma_upvote": 0,
    "karma_downvote": 0,
    "karma_comment_own": 0,
    "karma_comment_all": 0,
    "karma_comment_unlink_own": 0,
    "karma_flag": 0,
    "karma_post": 0,
    "karma_editor": 0,
    "karma_moderate": 0,
}


class ForumForum(models.Model):
    _inherit = "forum.forum"

    coop_company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        index="btree_not_null",
        ondelete="restrict",
        readonly=True,
        help="Members' forum of this cooperative: only its active members read and write "
        "there, only its moderators moderate.",
    )

    _sql_constraints = [
        (
            "coop_company_uniq",
            "unique(coop_company_id)",
            "A cooperative has one members' forum.",
        ),
    ]

    @api.constrains("coop_company_id", "privacy", "authorized_group_id")
    def _check_coop_members_only(self):
        for forum in self.filtered("coop_company_id"):
            if forum.privacy != "private" or forum.authorized_group_id:
                raise ValidationError(
                    _(
                        "The forum of %(coop)s is for its members only: it cannot be made "
                        "public or opened to a user group.",
                        coop=forum.coop_company_id.name,
                    )
                )

    @api.model
    def _coop_create_for(self, company):
        forum = self.create(
            {
                "name": _("Members' forum – %(coop)s", coop=company.name),
                "coop_company_id": company.id,
                "privacy": "private",
                "authorized_group_id": False,
                "mode": "discussions",
                "description": _(
                    "Discuss the cooperative's themes and the resolutions of its general "
                    "assemblies with the other members."
                ),
                **COOP_FORUM_KARMA,
            }
        )
        forum._coop_sync_theme_tags()
        return forum

    def _coop_sync_theme_tags(self):
        """A tag per engagement theme, plus the general assembly tag, in each forum."""
        forums = self.filtered("coop_company_id")
        if not forums:
            return
        names = self.env["coop.engagement.theme"].sudo().search([]).mapped("name")
        names.append(self._coop_assembly_tag_name())
        Tag = self.env["forum.tag"].sudo()
        existing = {
            (tag.forum_id.id, tag.name)
            for tag in Tag.search([("forum_id", "in", forums.ids), ("name", "in", names)])
        }
        Tag.create(
            [
                {"forum_id": forum.id, "name": name}
                for forum in forums
                for name in names
                if (forum.id, name) not in existing
            ]
        )

    @api.model
    def _coop_assembly_tag_name(self):
        return _("General assembly")

    def _coop_assembly_tag(self):
        """The general assembly tag of this cooperative forum (if it has one)."""
        self.ensure_one()
        name = self._coop_assembly_tag_name()
        return self.sudo().tag_ids.filtered(lambda t: t.name == name)

    # ------------------------------------------------------------------
    # Roles
    # ------------------------------------------------------------------
    def _coop_roles(self, user=None):
        """{forum id: (may write, may moderate)} for the cooperative forums of self."""
        user = user or self.env.user
        forums = self.sudo().filtered("coop_company_id")
        if not forums:
            return {}
        if user._is_superuser() or user.has_group("base.group_system"):
            return dict.fromkeys(forums.ids, (True, True))
        member_of = user.sudo().coop_member_company_ids
        staff_of = user.company_ids if user._is_internal() else self.env["res.company"]
        moderated = self.env["res.company"]
        if user.has_group("coop_engagement.group_coop_moderator"):
            moderated |= user.sudo().coop_moderated_company_ids
        if user.has_group("coop_membership.group_coop_manager"):
            moderated |= user.company_ids
        roles = {}
        for forum in forums:
            company = forum.coop_company_id
            moderator = company in moderated
            roles[forum.id] = (moderator or company in member_of or company in staff_of, moderator)
        return roles

    @api.model
    def _coop_demo_post(
        self, company_id, user_id, content, name=None, resolution_id=None, tag=None
    ):
        """Demo data: a member writes in the forum of a cooperative, as themselves."""
        company = self.env["res.company"].browse(company_id)
        forum = company._coop_forum()
        vals = {"forum_id": forum.id, "content": content}
        if resolution_id:
            thread = self.env["coop.resolution"].browse(resolution_id).coop_forum_post_id
            vals["parent_id"] = thread.id
        else:
            vals["name"] = name
            tags = forum.tag_ids.filtered(lambda t: t.name == tag)
            vals["tag_ids"] = [fields.Command.set(tags.ids)]
        user = self.env["res.users"].browse(user_id)
        return self.env["forum.post"].with_user(user).with_company(company).create(vals)
