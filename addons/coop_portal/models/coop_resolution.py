from markupsafe import Markup

from odoo import _, fields, models
from odoo.tools import is_html_empty


class CoopResolution(models.Model):
    """A thread per resolution in the cooperative's forum (coop.forum.thread.mixin)."""

    _name = "coop.resolution"
    _inherit = ["coop.resolution", "coop.forum.thread.mixin"]
    _coop_forum_link = "coop_resolution_id"

    coop_forum_post_ids = fields.One2many(
        "forum.post", "coop_resolution_id", string="Forum Thread", readonly=True
    )

    def action_propose(self):
        res = super().action_propose()
        self.filtered(
            lambda r: r.assembly_id.state in ("convened", "open")
        )._coop_open_forum_threads()
        return res

    def _coop_forum_thread_wanted(self):
        # Members discuss a resolution before voting on it. A proposal put on the
        # agenda brings its own thread along (coop.proposal._coop_forum_follow_agenda).
        return self.state not in ("draft", "withdrawn")

    def _coop_forum_thread_values(self, forum):
        return {
            "name": self._coop_forum_thread_name(),
            "content": self._coop_forum_thread_content(),
            "tag_ids": [fields.Command.set(forum._coop_assembly_tag().ids)],
        }

    def _coop_forum_thread_name(self):
        self.ensure_one()
        return _(
            "%(assembly)s – %(resolution)s",
            assembly=self.assembly_id.name,
            resolution=self.name,
        )

    def _coop_forum_thread_content(self):
        self.ensure_one()
        parts = [
            Markup("<p>%s</p>")
            % _(
                "Resolution submitted to the general assembly %(assembly)s of %(date)s. "
                "Discuss it here with the other members before voting in My votes.",
                assembly=self.assembly_id.name,
                date=fields.Date.to_string(
                    fields.Datetime.context_timestamp(self, self.assembly_id.date).date()
                ),
            )
        ]
        if not is_html_empty(self.text):
            parts.append(self.text)
        if not is_html_empty(self.rationale):
            parts += [Markup("<h4>%s</h4>") % _("Explanatory statement"), self.rationale]
        parts.append(Markup('<p><a href="/my/assemblies">%s</a></p>') % _("Vote in My votes"))
        return Markup("").join(parts)
