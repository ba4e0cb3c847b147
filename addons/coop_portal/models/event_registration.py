from odoo import api, fields, models

# Registrations holding a seat (event's own seat count).
SEAT_STATES = ("open", "done")


class EventRegistration(models.Model):
    _inherit = "event.registration"

    coop_waiting = fields.Boolean(
        string="On Waiting List",
        index=True,
        copy=False,
        readonly=True,
        help="Waiting for a seat of a full event: kept unconfirmed, so it takes no seat "
        "and counts as no engagement, and confirmed automatically, first come first "
        "served, when a seat frees up.",
    )
    coop_waiting_position = fields.Integer(
        string="Waiting Position",
        compute="_compute_coop_waiting_position",
        help="Rank on the event's waiting list, first come first served.",
    )

    @api.depends("coop_waiting", "event_id")
    def _compute_coop_waiting_position(self):
        ranks = self.event_id._coop_waiting_ranks()
        for registration in self:
            registration.coop_waiting_position = ranks.get(registration._origin.id, 0)

    @api.model_create_multi
    def create(self, vals_list):
        taking = set()
        for vals in vals_list:
            if vals.get("coop_waiting"):
                vals["state"] = "draft"
            elif vals.get("state", "open") in SEAT_STATES:
                taking.add(vals.get("event_id") or self.env.context.get("default_event_id"))
        # Locked before the seat check: event's own mail scheduler may commit
        # in the middle of create (outside tests), which would release a later lock.
        self.env["event.event"].browse(filter(None, taking))._coop_lock_limited_seats()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("state", "draft") != "draft":
            # Confirmed, attended or cancelled by hand or by the promotion: off the list.
            vals = dict(vals, coop_waiting=False)
        elif vals.get("coop_waiting"):
            vals = dict(vals, state="draft")
        seats_touched = {"state", "active", "event_id"} & set(vals)
        events = self.event_id if seats_touched else None
        if vals.get("state") in SEAT_STATES or vals.get("active") or vals.get("event_id"):
            (
                events | self.env["event.event"].browse(vals.get("event_id"))
            )._coop_lock_limited_seats()
        res = super().write(vals)
        if seats_touched:
            (events | self.event_id)._coop_seats_changed()
        return res

    def unlink(self):
        events = self.event_id
        res = super().unlink()
        events.exists()._coop_seats_changed()
        return res
