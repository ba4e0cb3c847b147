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

    def _message_create(self, values_list):
        # Blocking must also stop an existing conversation: every message stored in a
        # members' chat (the Discuss page posts through message_post, which stores here)
        # is checked against the blocks of the other member. A private hook rather than
        # message_post: nothing more is callable over RPC.
        for values in values_list:
            if values.get("message_type") != "comment":
                continue
            channel = self.browse(values.get("res_id")).sudo()
            if values.get("model") != self._name or not channel.coop_private_chat:
                continue
            author = self.env["res.partner"].browse(values.get("author_id")).exists()
            author = author or self.env.user.partner_id
            others = channel.channel_member_ids.partner_id - author
            if author in others.coop_blocked_partner_ids:
                raise UserError(_("This member does not accept messages from you."))
        return super()._message_create(values_list)
