from odoo import _, api, fields, models
from odoo.exceptions import AccessError
from odoo.osv import expression

from odoo.addons.coop_membership.access import missing_error
from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES

# What members do in their cooperative's forum, as engagement activities (one per person
# and thread): asking a question, and answering or commenting in a thread.
FORUM_ACTIVITY_TYPES = ("question_asked", "debate")
# Writes that change who said what where, or whether it is seen: re-count the threads.
FORUM_ACTIVITY_KEYS = {"active", "parent_id", "forum_id"}

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
    _name = "forum.post"
    _inherit = ["forum.post", "coop.engagement.feed.mixin"]

    # Activities belong to threads and are re-counted when a post or comment comes or
    # goes (_coop_forum_engagement_sync), not logged per post created.
    _coop_engagement_log_on_create = False

    coop_resolution_id = fields.Many2one(
        "coop.resolution",
        string="Resolution",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The general assembly resolution this thread discusses.",
    )
    coop_proposal_id = fields.Many2one(
        "coop.proposal",
        string="Member Proposal",
        index="btree_not_null",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="The members' proposal this thread discusses; the resolution it becomes on "
        "an agenda keeps the same thread.",
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
        posts = super().create(vals_list)
        posts._coop_forum_engagement_sync()
        return posts

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
        if not FORUM_ACTIVITY_KEYS & set(vals):
            return super().write(vals)
        threads = self._coop_forum_thread_ids()
        res = super().write(vals)
        self.browse(set(threads + self._coop_forum_thread_ids()))._coop_forum_resync_threads()
        return res

    def unlink(self):
        threads = self._coop_forum_thread_ids()
        res = super().unlink()
        # Deleted threads lose their activities; the others are re-counted.
        self.browse(threads)._coop_forum_resync_threads()
        return res

    def _message_post_after_hook(self, message, msg_vals):
        res = super()._message_post_after_hook(message, msg_vals)
        if message.message_type == "comment":
            self._coop_forum_engagement_sync()
        return res

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
        coop._coop_forum_engagement_sync()
        return result

    # ------------------------------------------------------------------
    # Engagement: questions and debates of the members (coop.engagement.feed.mixin)
    # ------------------------------------------------------------------
    def _coop_forum_thread_ids(self):
        """Ids of the threads (questions) of the cooperative forums ``self`` belongs to."""
        if not self.ids:
            return []
        self.flush_recordset(["parent_id", "forum_id"])
        # SQL: also right for posts being deleted, whose rows are still there.
        self.env.cr.execute(
            """
            SELECT DISTINCT COALESCE(p.parent_id, p.id)
              FROM forum_post p
              JOIN forum_forum f ON f.id = p.forum_id
             WHERE p.id = ANY(%s) AND f.coop_company_id IS NOT NULL
            """,
            [list(self.ids)],
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def _coop_forum_engagement_sync(self):
        """Re-count the questions and debates of the threads ``self`` belongs to.

        Private: called after a post or comment is stored, moved, hidden or deleted,
        whoever did it (the forum checked their rights).
        """
        self.browse(self._coop_forum_thread_ids())._coop_forum_resync_threads()

    def _coop_forum_resync_threads(self):
        """Re-count the activities of the threads ``self`` (deleted ones lose theirs).
        Set-based: a few queries for the whole batch."""
        if self:
            self.sudo()._coop_engagement_resync(FORUM_ACTIVITY_TYPES)

    def _coop_engagement_activity_values(self):
        """A question asked by a member, and a debate per member who answered or
        commented in the thread, for each visible thread of ``self`` in a cooperative
        forum. Threads opened by the cooperative (for a resolution or a proposal) are
        no question of anyone's; staff and people who are not active members of the
        forum's cooperative count for nothing; hidden (archived) posts and threads
        count for nothing either (``_coop_engagement_resync`` takes them back)."""
        Post = self.env["forum.post"].sudo()
        threads = (
            Post.with_context(active_test=False)
            .browse(self.exists().ids)
            .filtered(lambda p: p.active and not p.parent_id and p.forum_id.coop_company_id)
        )
        if not threads:
            return []
        answers = Post.search([("parent_id", "in", threads.ids)])
        comments = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "forum.post"),
                    ("res_id", "in", (threads | answers).ids),
                    ("message_type", "=", "comment"),
                    ("author_id", "!=", False),
                ]
            )
        )
        posts = {post.id: post for post in threads | answers}
        # (thread, kind, author's partner, date)
        facts = [
            (thread, "question_asked", thread.create_uid.partner_id, thread.create_date)
            for thread in threads
            if not thread.coop_resolution_id and not thread.coop_proposal_id
        ]
        facts += [
            (answer.parent_id, "debate", answer.create_uid.partner_id, answer.create_date)
            for answer in answers
        ]
        for comment in comments:
            post = posts[comment.res_id]
            facts.append((post.parent_id or post, "debate", comment.author_id, comment.date))
        members = self._coop_forum_members(
            {partner for _t, _k, partner, _d in facts}, threads.forum_id.coop_company_id
        )
        first = {}
        for thread, kind, partner, date in facts:
            company = thread.forum_id.coop_company_id
            for member in members.get((partner.id, company.id), ()):
                key = (thread.id, kind, member.partner_id.id, company.id)
                first[key] = min(first.get(key, date), date)
        return [
            {
                "partner_id": partner_id,
                "company_id": company_id,
                "activity_type": kind,
                "res_model": self._name,
                "res_id": thread_id,
                "date": date.date(),
            }
            for (thread_id, kind, partner_id, company_id), date in first.items()
        ]

    @api.model
    def _coop_forum_members(self, partners, companies):
        """{(author's partner id, company id): active memberships it speaks for}: the
        person's own membership, else those they represent (a legal person's
        representative), in one query."""
        partner_ids = [partner.id for partner in partners if partner]
        members = (
            self.env["coop.member"]
            .sudo()
            .search(
                [
                    ("company_id", "in", companies.ids),
                    ("state", "in", ACTIVE_STATES),
                    "|",
                    ("partner_id", "in", partner_ids),
                    ("representative_id", "in", partner_ids),
                ]
            )
        )
        own, represented = {}, {}
        for member in members:
            key = (member.partner_id.id, member.company_id.id)
            own[key] = member
            if member.representative_id:
                key = (member.representative_id.id, member.company_id.id)
                represented[key] = represented.get(key, member.browse()) | member
        return {
            key: own[key] if key in own else represented[key] for key in set(own) | set(represented)
        }
