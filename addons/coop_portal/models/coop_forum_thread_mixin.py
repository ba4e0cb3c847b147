from odoo import api, fields, models


class CoopForumThreadMixin(models.AbstractModel):
    """A record its cooperative's members discuss in a thread of their forum.

    One mechanism for the resolutions of the general assemblies and the members'
    proposals: the thread is a question of the cooperative's members-only forum
    (``res.company._coop_forum``), so the forum's rules decide who reads it (the active
    members and the staff of that cooperative, nobody else). A model using it:

    - adds a Many2one to itself on ``forum.post`` and names it in ``_coop_forum_link``;
    - declares ``coop_forum_post_ids``, the One2many back through that field;
    - says when a record wants a thread (``_coop_forum_thread_wanted``) and what the
      thread says (``_coop_forum_thread_values``).

    A thread may carry several links (a proposal's thread becomes its resolution's).
    """

    _name = "coop.forum.thread.mixin"
    _description = "Discussed in the Members' Forum"

    # The forum.post field pointing to the record (set by each model).
    _coop_forum_link = None

    coop_forum_post_id = fields.Many2one(
        "forum.post", compute="_compute_coop_forum_post_id", string="Discussion"
    )
    coop_forum_answer_count = fields.Integer(
        compute="_compute_coop_forum_post_id", string="Messages in the Discussion"
    )

    @api.depends(
        lambda self: (
            ("coop_forum_post_ids", "coop_forum_post_ids.active", "coop_forum_post_ids.child_ids")
            if self._coop_forum_link
            else ()
        )
    )
    def _compute_coop_forum_post_id(self):
        # The thread lives in a members-only forum: read as superuser, shown as a link
        # only. A hidden (archived) thread is no longer offered.
        threads = self._coop_forum_threads()
        for record in self:
            thread = threads.get(record.id, self.env["forum.post"])
            thread = thread.filtered("active")
            record.coop_forum_post_id = thread
            record.coop_forum_answer_count = thread.child_count

    def _coop_forum_threads(self):
        """{record id: its thread, archived or not}, in one query."""
        if not self._coop_forum_link or not self.ids:
            return {}
        link = self._coop_forum_link
        posts = (
            self.env["forum.post"]
            .sudo()
            .with_context(active_test=False)
            .search([(link, "in", self.ids), ("parent_id", "=", False)], order="id")
        )
        threads = {}
        for post in posts:
            threads.setdefault(post[link].id, post)
        return threads

    def _coop_forum_thread_wanted(self):
        """Whether the record should have a thread now. To override."""
        return False

    def _coop_forum_thread_values(self, forum):
        """Name, content and tags of the record's thread in ``forum``. To override."""
        raise NotImplementedError

    def _coop_open_forum_threads(self):
        """Open a thread per record that wants one in its cooperative's forum.

        Private: the callers are the records' own actions, after their checks.
        Idempotent: records that have a thread, even a hidden one, are skipped.
        """
        threads = self._coop_forum_threads()
        todo = self.filtered(lambda r: r._coop_forum_thread_wanted() and r.id not in threads)
        if not todo:
            return self.env["forum.post"]
        vals_list = []
        for record in todo:
            forum = record.company_id.sudo()._coop_forum()
            vals_list.append(
                {
                    **record._coop_forum_thread_values(forum),
                    "forum_id": forum.id,
                    self._coop_forum_link: record.id,
                }
            )
        posts = self.env["forum.post"].sudo().create(vals_list)
        todo.invalidate_recordset(["coop_forum_post_id", "coop_forum_answer_count"])
        return posts

    def action_coop_open_forum_thread(self):
        self.ensure_one()
        # The thread is found as superuser: its address (the title in its slug) is only
        # for those who may read the record itself.
        self.check_access("read")
        return {
            "type": "ir.actions.act_url",
            "url": self.coop_forum_post_id.website_url,
            "target": "new",
        }
