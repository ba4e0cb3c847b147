from odoo import http
from odoo.http import request

from odoo.addons.mail.controllers.thread import ThreadController
from odoo.addons.mail.tools.discuss import Store


class CoopThreadController(ThreadController):
    @http.route()
    def mail_message_update_content(
        self, message_id, body, attachment_ids, attachment_tokens=None, partner_ids=None, **kwargs
    ):
        """A local group's coordinator removes someone else's message from the group's
        discussion: Discuss's delete button sends no text and no attachment. Anything
        else, and anyone else, goes Discuss's way (authors edit their own messages)."""
        message = request.env["mail.message"].sudo().browse(int(message_id)).exists()
        if (
            message
            and not body
            and not attachment_ids
            and message.model == "discuss.channel"
            and not message.is_current_user_or_guest_author
        ):
            # Read as the user: a channel she is not in is not found.
            channel = request.env["discuss.channel"].search([("id", "=", message.res_id)])
            if channel and channel._coop_can_moderate():
                channel._coop_moderator_remove_message(message)
                return Store(message, for_current_user=True).get_result()
        return super().mail_message_update_content(
            message_id, body, attachment_ids, attachment_tokens, partner_ids, **kwargs
        )
