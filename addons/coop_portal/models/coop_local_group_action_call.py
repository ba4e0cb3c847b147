from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

# A group's call for volunteers asks for at most this many people from the member space.
MAX_VOLUNTEERS = 200


class CoopLocalGroup(models.Model):
    """A local group's coordinators open action calls ("fiches action") for their group."""

    _inherit = "coop.local.group"  # pylint: disable=consider-merging-classes-inherited

    def _coop_portal_create_action_call(self, values):
        """A coordinator of this group opens a call for volunteers from the member space.

        :param values: typed values from the form: ``name``, ``date_start`` (naive UTC
            datetime or False), ``place``, ``volunteers_needed`` (int), ``description``
            (plain text or False).
        Created and opened as superuser once the caller is checked to coordinate this very
        group; the group's members see it on the group page and volunteer there.
        """
        self.ensure_one()
        partner = self.env.user.partner_id
        group = self.sudo()
        if not group.active or not group._coop_is_coordinator(partner):
            raise AccessError(
                _("Only the coordinators of this local group create its action calls.")
            )
        if not values.get("name"):
            raise UserError(_("Give the action call a title."))
        date_start = values.get("date_start")
        if date_start and date_start <= fields.Datetime.now():
            raise UserError(_("The action takes place after now."))
        needed = values.get("volunteers_needed")
        if not isinstance(needed, int) or not 1 <= needed <= MAX_VOLUNTEERS:
            raise UserError(
                _(
                    "Ask for 1 to %(max)s volunteers.",
                    max=MAX_VOLUNTEERS,
                )
            )
        call = (
            self.env["coop.action.call"]
            .sudo()
            .create(
                {
                    "name": values["name"],
                    "company_id": group.company_id.id,
                    "local_group_id": group.id,
                    "organizer_id": partner.id,
                    "date_start": date_start or False,
                    "place": values.get("place") or False,
                    "volunteers_needed": needed,
                    "description": plaintext2html(values["description"])
                    if values.get("description")
                    else False,
                }
            )
        )
        call.message_post(
            body=_(
                "Action call created by %(person)s, coordinator of the local group.",
                person=partner.name,
            ),
            subtype_xmlid="mail.mt_note",
        )
        call.action_open()
        return call
