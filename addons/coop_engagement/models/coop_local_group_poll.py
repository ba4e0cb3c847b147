from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError

PORTAL_POLL_TYPES = ("single", "multiple", "ranked", "score", "time", "consent")


class CoopLocalGroup(models.Model):
    _inherit = "coop.local.group"

    poll_ids = fields.One2many("coop.poll", "local_group_id", string="Polls")

    def _coop_is_coordinator(self, partner):
        return self._coop_role_of(partner) == "coordinator"

    def _coop_portal_create_poll(self, name, choice_type, date_close, options, anonymous=False):
        """A coordinator of this group opens a poll of its members from the member space.

        :param options: ``[{"name": str, "slot": datetime or False}]`` (none for consent).
        The poll is created and opened as superuser once the caller is checked to
        coordinate this very group: coordinators are members, not staff.
        """
        self.ensure_one()
        if not self._coop_is_coordinator(self.env.user.partner_id):
            raise AccessError(_("Only the coordinators of this local group create its polls."))
        if choice_type not in PORTAL_POLL_TYPES:
            raise UserError(_("Choose a type of poll from the list."))
        if not name:
            raise UserError(_("Give the poll a title."))
        now = fields.Datetime.now()
        if not date_close or date_close <= now:
            raise UserError(_("The poll closes after now."))
        group = self.sudo()
        poll = (
            self.env["coop.poll"]
            .sudo()
            .create(
                {
                    "name": name,
                    "company_id": group.company_id.id,
                    "local_group_id": group.id,
                    "choice_type": choice_type,
                    "anonymous": anonymous,
                    "date_open": now,
                    "date_close": date_close,
                    "option_ids": [
                        (0, 0, {"name": o["name"], "slot": o.get("slot") or False, "sequence": i})
                        for i, o in enumerate(options or [])
                    ],
                }
            )
        )
        poll.message_post(
            body=_("Poll created by %(person)s, coordinator of the local group.",
                   person=self.env.user.partner_id.name),
            subtype_xmlid="mail.mt_note",
        )  # fmt: skip
        poll.action_open()
        return poll
