from markupsafe import Markup

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError


class EventEvent(models.Model):
    """Events proposed by a local group's coordinators go live on the moderator's word.

    The study's "local rights": an event a coordinator creates from the member space waits
    for the approval of its cooperative's moderators, unless they granted the group the
    right to publish at once (``coop.local.group.coop_publish_events_directly``). Events
    created by the staff in the back office are not concerned (no approval state).
    """

    _inherit = "event.event"  # pylint: disable=consider-merging-classes-inherited

    coop_approval_state = fields.Selection(
        [
            ("pending", "Waiting for approval"),
            ("approved", "Approved"),
            ("refused", "Refused"),
        ],
        string="Approval",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="Events proposed by the coordinators of a local group from the member space.",
    )
    coop_proposed_by_id = fields.Many2one(
        "res.partner", string="Proposed by", readonly=True, copy=False
    )
    coop_refusal_reason = fields.Text(
        string="Reason for Refusal",
        copy=False,
        help="Told to the coordinator who proposed the event.",
    )

    # ------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------
    def _coop_apply_publication_rule(self):
        """Publish the proposed events whose group may publish at once; submit the others
        to the moderators of their cooperative (an activity each). The one place where
        the "local rights" rule lives; called as superuser once the proposer is checked."""
        direct = self.filtered(lambda e: e.coop_local_group_id.coop_publish_events_directly)
        direct.write({"coop_approval_state": "approved", "website_published": True})
        pending = self - direct
        pending.write({"coop_approval_state": "pending", "website_published": False})
        pending._coop_schedule_approval_activities()
        return direct

    def _coop_event_moderators(self):
        """The moderators of the event's cooperative (a recordset of users)."""
        self.ensure_one()
        by_company = self.env["res.users"]._coop_moderators_by_company(self.company_id)
        return self.env["res.users"].union(*by_company.get(self.company_id.id, []))

    def _coop_schedule_approval_activities(self):
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        for event in self:
            for user in event._coop_event_moderators():
                event.activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=user.id,
                    summary=_("Event to approve: %(event)s", event=event.name),
                    note=_(
                        "Proposed by %(person)s for the local group %(group)s.",
                        person=event.coop_proposed_by_id.name,
                        group=event.coop_local_group_id.complete_name,
                    ),
                )

    def _coop_check_event_moderator(self):
        """Raise unless the current user moderates the cooperative of every event of self.

        Another region's moderator gets the answer of a missing record: she must not learn
        what other regions prepare.
        """
        user = self.env.user
        if not self.env.su and (
            not user.has_group("coop_engagement.group_coop_moderator")
            or self.company_id - user.coop_moderated_company_ids
        ):
            raise MissingError(_("Record does not exist or has been deleted."))

    # ------------------------------------------------------------------
    # The moderator's actions
    # ------------------------------------------------------------------
    def action_coop_approve(self):
        """The moderator approves proposed events: they go live on the website."""
        self._coop_check_event_moderator()
        if any(event.coop_approval_state != "pending" for event in self):
            raise UserError(_("Only an event waiting for approval can be approved."))
        events = self.sudo()
        events.write({"coop_approval_state": "approved", "website_published": True})
        events._coop_close_approval()
        return True

    def action_coop_refuse(self):
        """The moderator refuses proposed events, with a reason told to the coordinator."""
        self._coop_check_event_moderator()
        if any(event.coop_approval_state != "pending" for event in self):
            raise UserError(_("Only an event waiting for approval can be refused."))
        if any(not (event.coop_refusal_reason or "").strip() for event in self):
            raise UserError(_("Give the reason for the refusal: the coordinator reads it."))
        events = self.sudo()
        events.write({"coop_approval_state": "refused", "website_published": False})
        events._coop_close_approval()
        return True

    def _coop_close_approval(self):
        """Mark the moderators' activities done and tell the coordinator."""
        person = self.env.user.partner_id.name
        for event in self:
            if event.coop_approval_state == "approved":
                message = _("Event approved and published by %(person)s.", person=person)
                body = Markup("<p>%s</p>") % message
            else:
                message = _("Event refused by %(person)s.", person=person)
                body = Markup("<p>%s</p><p>%s</p>") % (message, event.coop_refusal_reason)
            event.activity_feedback(["mail.mail_activity_data_todo"], feedback=message)
            event.message_post(
                body=body,
                partner_ids=event.coop_proposed_by_id.ids,
                subtype_xmlid="mail.mt_comment",
            )

    @api.model
    def _coop_pending_for_group(self, group):
        """The group's proposed events not yet live, for its coordinators' page."""
        return self.sudo().search(
            [
                ("coop_local_group_id", "=", group.id),
                ("coop_approval_state", "in", ("pending", "refused")),
                ("date_end", ">=", fields.Datetime.now()),
            ],
            order="date_begin",
        )

    def write(self, vals):
        # Publishing a proposed event is the moderator's decision, through her action.
        if (
            ("website_published" in vals or "is_published" in vals)
            and not self.env.su
            and any(e.coop_approval_state == "pending" for e in self)
        ):
            raise AccessError(_("Approve the event to publish it."))
        return super().write(vals)
