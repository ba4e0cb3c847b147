from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.tools import is_html_empty


class CoopResolution(models.Model):
    _inherit = "coop.resolution"

    coop_forum_post_ids = fields.One2many(
        "forum.post", "coop_resolution_id", string="Forum Thread", readonly=True
    )
    coop_forum_post_id = fields.Many2one(
        "forum.post", compute="_compute_coop_forum_post_id", string="Discussion"
    )
    coop_forum_answer_count = fields.Integer(
        compute="_compute_coop_forum_post_id", string="Messages in the Discussion"
    )

    @api.depends("coop_forum_post_ids")
    def _compute_coop_forum_post_id(self):
        # Threads live in a members-only forum: read as superuser, shown as a link only.
        for resolution in self:
            thread = resolution.sudo().coop_forum_post_ids.filtered(lambda p: not p.parent_id)[:1]
            resolution.coop_forum_post_id = thread
            resolution.coop_forum_answer_count = thread.child_count

    def action_propose(self):
        res = super().action_propose()
        self.filtered(
            lambda r: r.assembly_id.state in ("convened", "open")
        )._coop_open_forum_threads()
        return res

    def _coop_open_forum_threads(self):
        """A thread per resolution in the cooperative's forum, where members discuss it
        before voting. Idempotent: resolutions that have one are skipped."""
        todo = self.filtered(
            lambda r: r.state not in ("draft", "withdrawn") and not r.coop_forum_post_id
        )
        if not todo:
            return self.env["forum.post"]
        Post = self.env["forum.post"].sudo()
        vals_list = []
        for resolution in todo:
            forum = resolution.company_id._coop_forum()
            tag = forum.tag_ids.filtered(lambda t, f=forum: t.name == f._coop_assembly_tag_name())
            vals_list.append(
                {
                    "forum_id": forum.id,
                    "name": _(
                        "%(assembly)s – %(resolution)s",
                        assembly=resolution.assembly_id.name,
                        resolution=resolution.name,
                    ),
                    "content": resolution._coop_forum_thread_content(),
                    "tag_ids": [fields.Command.set(tag.ids)],
                    "coop_resolution_id": resolution.id,
                }
            )
        return Post.create(vals_list)

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

    def action_coop_open_forum_thread(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_url",
            "url": self.coop_forum_post_id.website_url,
            "target": "new",
        }
