from odoo import _, models
from odoo.exceptions import UserError


class MailMessage(models.Model):
    _inherit = "mail.message"

    def _coop_check_news_comments(self):
        if any(m.model != "blog.post" or m.message_type != "comment" for m in self):
            raise UserError(_("Only comments on news posts are moderated here."))

    def action_coop_hide_comment(self):
        """A moderator hides members' comments on a news post (issue #25 §7), which she
        may show again: Odoo's own "internal" flag, so that members and visitors no
        longer read them while staff still do.

        Odoo's own rule decides who may: a message is changed by whoever may write on
        its document, here the moderators of the post's cooperative (blog.post rules).
        """
        self._coop_check_news_comments()
        self.write({"is_internal": True})
        return True

    def action_coop_show_comment(self):
        """Show hidden comments again to the post's readers."""
        self._coop_check_news_comments()
        self.write({"is_internal": False})
        return True

    def action_coop_remove_comment(self):
        """A moderator removes members' comments on a news post for good (same rule)."""
        self._coop_check_news_comments()
        self.unlink()
        return True
