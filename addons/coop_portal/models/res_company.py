from odoo import _, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Paths for record rules: "member of this cooperative" is then evaluated in SQL at
    # each query, never frozen in the rule cache of a user (ir.rule caches per uid).
    coop_member_ids = fields.One2many("coop.member", "company_id", string="Members")
    coop_forum_id = fields.Many2one(
        "forum.forum",
        string="Members' Forum",
        readonly=True,
        copy=False,
        help="The forum of the cooperative's members, created with the first general "
        "assembly convened or from this button.",
    )

    def _coop_forum(self):
        """The cooperative's forum, created on first use (one per cooperative)."""
        self.ensure_one()
        if not self.coop_forum_id:
            forum = self.env["forum.forum"].sudo()._coop_create_for(self)
            self.sudo().coop_forum_id = forum
        return self.coop_forum_id

    def action_coop_open_forum(self):
        self.ensure_one()
        forum = self._coop_forum()
        return {
            "type": "ir.actions.act_window",
            "name": _("Members' Forum"),
            "res_model": "forum.forum",
            "res_id": forum.id,
            "view_mode": "form",
        }
