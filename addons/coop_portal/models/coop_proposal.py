from markupsafe import Markup

from odoo import _, fields, models
from odoo.tools import is_html_empty


class CoopProposal(models.Model):
    """A proposal's discussion (coop.forum.thread.mixin): a thread of its cooperative's
    members' forum, opened when the proposal is published for co-signature, taken over
    by the resolution it becomes on an agenda, hidden with it by moderation."""

    _name = "coop.proposal"
    _inherit = ["coop.proposal", "coop.forum.thread.mixin"]
    _coop_forum_link = "coop_proposal_id"

    coop_forum_post_ids = fields.One2many(
        "forum.post", "coop_proposal_id", string="Forum Thread", readonly=True
    )

    def _coop_forum_thread_wanted(self):
        return self.state in ("published", "threshold")

    def _coop_forum_thread_values(self, forum):
        return {
            "name": _("Proposal: %(title)s", title=self.name),
            "content": self._coop_forum_thread_content(),
        }

    def _coop_forum_thread_content(self):
        self.ensure_one()
        deadline = fields.Datetime.context_timestamp(self, self.deadline).date()
        parts = [
            Markup("<p>%s</p>")
            % _(
                "Proposal of members of %(coop)s, open for co-signature until %(date)s. "
                "Discuss it here with the other members; co-sign it in the member space.",
                coop=self.company_id.name,
                date=fields.Date.to_string(deadline),
            )
        ]
        if not is_html_empty(self.body):
            parts.append(self.body)
        if not is_html_empty(self.rationale):
            parts += [Markup("<h4>%s</h4>") % _("Rationale"), self.rationale]
        parts.append(
            Markup('<p><a href="/my/proposals/%s">%s</a></p>')
            % (self.id, _("Read and co-sign the proposal"))
        )
        return Markup("").join(parts)

    def _member_publish(self, member):
        res = super()._member_publish(member)
        # The author's check is done: the thread is opened on the cooperative's behalf.
        self.sudo()._coop_open_forum_threads()
        return res

    def action_put_on_agenda(self):
        res = super().action_put_on_agenda()
        self.sudo()._coop_forum_follow_agenda()
        return res

    def _coop_forum_follow_agenda(self):
        """The resolution a proposal became takes over the proposal's thread: one
        discussion, under the resolution's name and the general assembly tag, where
        the members' earlier messages stay. Private: called by the board's action."""
        threads = self._coop_forum_threads()
        taken = self.resolution_id._coop_forum_threads()
        for proposal in self:
            thread = threads.get(proposal.id)
            resolution = proposal.resolution_id
            if not thread or not resolution or resolution.id in taken:
                continue
            tag = thread.forum_id._coop_assembly_tag()
            thread.write(
                {
                    "coop_resolution_id": resolution.id,
                    "name": resolution._coop_forum_thread_name(),
                    "tag_ids": [fields.Command.link(t.id) for t in tag],
                }
            )
        for records in (self, self.resolution_id):
            records.invalidate_recordset(["coop_forum_post_id", "coop_forum_answer_count"])

    def _hide(self, reason):
        res = super()._hide(reason)
        # Hidden with the proposal, by its moderators: members no longer read or answer
        # it (an archived question takes no answer). A thread the proposal's resolution
        # took over belongs to the assembly's agenda and stays.
        threads = self._coop_forum_threads()
        self.env["forum.post"].sudo().browse([t.id for t in threads.values()]).filtered(
            lambda t: t.active and not t.coop_resolution_id
        ).write({"active": False})
        self.invalidate_recordset(["coop_forum_post_id", "coop_forum_answer_count"])
        return res
