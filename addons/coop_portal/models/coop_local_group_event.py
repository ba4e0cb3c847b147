from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import plaintext2html

EVENT_AUDIENCES = ("public", "members")


class CoopLocalGroup(models.Model):
    """A local group's coordinators propose events for their group (issue #25 §4)."""

    _inherit = "coop.local.group"  # pylint: disable=consider-merging-classes-inherited

    coop_publish_events_directly = fields.Boolean(
        string="Publishes its Events at Once",
        tracking=True,
        help="Granted by the cooperative's moderators: the events its coordinators create "
        "from the member space go live without waiting for a moderator's approval.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        groups = super().create(vals_list)
        if any(vals.get("coop_publish_events_directly") for vals in vals_list):
            groups.filtered("coop_publish_events_directly")._coop_check_publication_right()
        return groups

    def write(self, vals):
        if "coop_publish_events_directly" in vals:
            self._coop_check_publication_right()
        return super().write(vals)

    def _coop_check_publication_right(self):
        """A right the moderators grant: only they (or the superuser) change it."""
        user = self.env.user
        if not self.env.su and (
            not user.has_group("coop_engagement.group_coop_moderator")
            or self.company_id - user.coop_moderated_company_ids
        ):
            raise AccessError(
                _(
                    "Only the moderators of the cooperative let a local group publish "
                    "its events at once."
                )
            )

    def _coop_portal_create_group_event(self, values):
        """A coordinator of this group creates an event for it from the member space.

        :param values: typed values from the form: ``name``, ``date_begin`` and
            ``date_end`` (naive UTC datetimes), ``date_tz``, ``audience`` ("public" or
            "members"), ``description`` (plain text or False).
        The event is created as superuser once the caller is checked to coordinate this
        very group (coordinators are members, not staff); whether it goes live at once is
        the publication rule's decision (``event.event._coop_apply_publication_rule``).
        """
        self.ensure_one()
        partner = self.env.user.partner_id
        # Coordinators are portal users, who read no local group: checked as superuser.
        group = self.sudo()
        if not group.active or not group._coop_is_coordinator(partner):
            raise AccessError(_("Only the coordinators of this local group create its events."))
        if not values.get("name"):
            raise UserError(_("Give the event a title."))
        begin, end = values.get("date_begin"), values.get("date_end")
        if not begin or not end:
            raise UserError(_("Give the start and the end of the event."))
        if begin <= fields.Datetime.now():
            raise UserError(_("The event starts after now."))
        if end <= begin:
            raise UserError(_("The event ends after it starts."))
        audience = values.get("audience") or "public"
        if audience not in EVENT_AUDIENCES:
            raise UserError(_("Choose who may see the event from the list."))
        event = (
            self.env["event.event"]
            .sudo()
            .with_company(group.company_id)
            .create(
                {
                    "name": values["name"],
                    "date_begin": begin,
                    "date_end": end,
                    "date_tz": values.get("date_tz") or "Europe/Paris",
                    "company_id": group.company_id.id,
                    "coop_shared_company_ids": [fields.Command.set(group.company_id.ids)],
                    "coop_local_group_id": group.id,
                    "coop_audience": audience,
                    "organizer_id": partner.id,
                    "coop_proposed_by_id": partner.id,
                    "description": plaintext2html(values["description"])
                    if values.get("description")
                    else False,
                    "website_published": False,
                }
            )
        )
        event._coop_apply_publication_rule()
        return event
