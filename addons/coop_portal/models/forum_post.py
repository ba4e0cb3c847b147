from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from odoo.addons.coop_membership.access import missing_error

# Keys of forum.post.write that are moderation, not authorship.
MODERATION_KEYS = {
    "active",
    "closed_reason_id",
    "closed_uid",
    "closed_date",
    "moderator_id",
    "is_correct",
}


class ForumPost(models.Model):
    _inherit = "forum.post"

    coop_resolution_id = fields.Many2one(
        "coop.resolution",
        string="Resolution",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The general assembly resolution this thread discusses.",
    )

    # ------------------------------------------------------------------
    # Rights per role in the cooperatives' forums (see forum.forum)
    # ------------------------------------------------------------------
    @api.depends_context("uid")
    def _compute_post_karma_rights(self):
        super()._compute_post_karma_rights()
        if self.env.su:  # Odoo's own rule: the superuser may do everything
            return
        roles = self.forum_id._coop_roles()
        if not roles:
            return
        user = self.env.user
        for post, post_sudo in zip(self, self.sudo(), strict=True):
            role = roles.get(post_sudo.forum_id.id)
            if role is None:
                continue
            member, moderator = role
            own = post_sudo.create_uid == user
            post.can_ask = post.can_answer = post.can_comment = member
            post.can_post = post.can_flag = post.can_use_full_editor = member
            post.can_upvote = post.can_downvote = member
            post.can_edit = moderator or (member and own)
            post.can_accept = moderator or (member and post_sudo.parent_id.create_uid == user)
            post.can_close = post.can_unlink = post.can_moderate = moderator
            post.can_comment_convert = moderator
            # Authors with no karma are visible: members are known people, not spammers.
            post.can_view = moderator or (member and (post_sudo.active or own))
            forum = post_sudo.forum_id
            post.karma_edit = 0 if post.can_edit else forum.karma_edit_all
            post.karma_close = post.karma_unlink = 0 if moderator else forum.karma_close_all
            post.karma_accept = 0 if post.can_accept else forum.karma_answer_accept_all
            post.karma_comment = 0
            post.karma_comment_convert = 0 if moderator else forum.karma_comment_convert_all
            post.karma_flag = 0

    def _search_can_view(self, operator, value):
        domain = super()._search_can_view(operator, value)
        if self.env.is_admin():
            return domain
        roles = self.env["forum.forum"].sudo().search([("coop_company_id", "!=", False)])
        roles = roles._coop_roles()
        moderated = [fid for fid, (_m, mod) in roles.items() if mod]
        member = [fid for fid, (mem, mod) in roles.items() if mem and not mod]
        coop_visible = expression.OR(
            [
                [("forum_id", "in", moderated)],
                [
                    ("forum_id", "in", member),
                    "|",
                    ("active", "=", True),
                    ("create_uid", "=", self.env.uid),
                ],
            ]
        )
        positive = (operator == "=") == bool(value)
        non_coop = [("forum_id.coop_company_id", "=", False)]
        if positive:
            return expression.OR([expression.AND([non_coop, domain]), coop_visible])
        # "cannot view": Odoo's negative domain for other forums, the complement here.
        return expression.OR(
            [
                expression.AND([non_coop, domain]),
                expression.AND([[("forum_id.coop_company_id", "!=", False)], ["!"] + coop_visible]),
            ]
        )

    def _coop_check(self, need_moderator=False, forum=None):
        """Clear refusals before Odoo's karma messages, which do not apply here.

        A forum the user may not read answers like a missing post and names nothing.
        """
        forums = forum or self.sudo().forum_id
        if not forums.with_env(self.env).has_access("read"):
            raise missing_error(self or forums.with_env(self.env))
        roles = forums.with_env(self.env)._coop_roles()
        for forum_id, (member, moderator) in roles.items():
            forum = self.env["forum.forum"].sudo().browse(forum_id)
            if need_moderator and not moderator:
                raise AccessError(
                    _(
                        "Only the moderators of %(coop)s can moderate its forum.",
                        coop=forum.coop_company_id.name,
                    )
                )
            if not member:
                raise AccessError(
                    _(
                        "Only active members of %(coop)s can write in its forum.",
                        coop=forum.coop_company_id.name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        Forum = self.env["forum.forum"]
        for vals in [] if self.env.su else vals_list:
            forum = Forum.browse(vals.get("forum_id"))
            if not forum and vals.get("parent_id"):
                forum = self.sudo().browse(vals["parent_id"]).forum_id
            self._coop_check(forum=forum)
        return super().create(vals_list)

    def write(self, vals):
        coop = self.filtered(lambda p: p.sudo().forum_id.coop_company_id)
        if coop and not self.env.su:
            moderation = MODERATION_KEYS & set(vals) or (
                vals.get("state") in ("active", "close") and "state" in vals
            )
            if moderation:
                coop._coop_check(need_moderator=True)
            elif set(vals) - {"state", "flag_user_id", "last_activity_date"}:
                # Editing the text or the tags: the author or a moderator.
                for post in coop:
                    post._coop_check(need_moderator=post.sudo().create_uid != self.env.user)
            else:
                coop._coop_check()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _coop_unlink_by_moderators(self):
        self._coop_check_moderation()

    def validate(self):
        self._coop_check_moderation()
        return super().validate()

    def _refuse(self):
        self._coop_check_moderation()
        return super()._refuse()

    def _mark_as_offensive(self, reason_id):
        self._coop_check_moderation()
        return super()._mark_as_offensive(reason_id)

    def _coop_check_moderation(self):
        coop = self.filtered(lambda p: p.sudo().forum_id.coop_company_id)
        if coop and not self.env.su:
            coop._coop_check(need_moderator=True)

    def unlink_comment(self, message_id):
        coop = self.filtered(lambda p: p.sudo().forum_id.coop_company_id)
        if not coop:
            return super().unlink_comment(message_id)
        comment = self.env["mail.message"].sudo().browse(message_id)
        result = []
        for post in self:
            if comment.model != "forum.post" or comment.res_id != post.id:
                result.append(False)
                continue
            own = comment.author_id == self.env.user.partner_id
            post._coop_check(need_moderator=not own)
            result.append(comment.unlink())
        return result
