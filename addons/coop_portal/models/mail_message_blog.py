from odoo import _, models
from odoo.exceptions import UserError


class MailMessage(models.Model):
    _inherit = "mail.message"

    def action_coop_remove_comment(self):
        """A moderator removes members' comments on a news post (issue #25 §7).

        Odoo's own rule decides: a message is deleted by whoever may write on its
        document, here the moderators of the post's cooperative (blog.post rules).
        """
        if any(m.model != "blog.post" or m.message_type != "comment" for m in self):
            raise UserError(_("Only comments on news posts are removed here."))
        self.unlink()
        return True
