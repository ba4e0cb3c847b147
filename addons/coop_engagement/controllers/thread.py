from odoo.http import request

from odoo.addons.mail.controllers.thread import ThreadController


class CoopThreadController(ThreadController):
    def _is_message_editable(self, message, **kwargs):
        """Discuss lets authors change their messages; a local group's coordinators may
        also remove others' from the group's discussion. Removing is what Discuss's
        delete button sends (no text, no attachment): coordinators never rewrite
        anyone's words."""
        if super()._is_message_editable(message, **kwargs):
            return True
        params = request.params
        if params.get("body") or params.get("attachment_ids"):
            return False
        message = message.sudo()
        if message.model != "discuss.channel" or message.message_type != "comment":
            return False
        # Read as the user: a channel she is not in is not found.
        channel = request.env["discuss.channel"].search([("id", "=", message.res_id)])
        return bool(channel) and channel._coop_can_moderate()
