from odoo import _, fields, models
from odoo.exceptions import UserError


class DiscussChannel(models.Model):
    _inherit = "discuss.channel"

    # Set on direct chats started from the member space (res.partner._coop_portal_write_to):
    # their messages follow the members' rules (blocks, text checks), and reports go to
    # the moderators of this cooperative.
    coop_private_chat = fields.Boolean(
        string="Members' Private Chat", readonly=True, index="btree_not_null"
    )
    coop_company_id = fields.Many2one("res.company", string="Cooperative", readonly=True)
    coop_initiator_id = fields.Many2one(
        "res.partner", string="Started By", readonly=True, index="btree_not_null"
    )

    def message_post(self, *, message_type="notification", **kwargs):
        # Blocking must also stop an existing conversation: every post in a members'
        # chat (the Discuss page posts here too) is checked against the other's blocks.
        if len(self) == 1 and message_type == "comment" and self.sudo().coop_private_chat:
            author = self.env["res.partner"].browse(kwargs.get("author_id")).exists()
            author = author or self.env.user.partner_id
            others = self.sudo().channel_member_ids.partner_id - author
            if author in others.sudo().coop_blocked_partner_ids:
                raise UserError(_("This member does not accept messages from you."))
        return super().message_post(message_type=message_type, **kwargs)
