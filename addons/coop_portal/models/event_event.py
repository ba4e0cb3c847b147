from odoo import _, api, fields, models
from odoo.exceptions import UserError

# Computed seat counters of event, re-read after locking the event row.
SEAT_FIELDS = ["seats_reserved", "seats_used", "seats_available", "seats_taken"]


class EventEvent(models.Model):
    _inherit = "event.event"

    coop_audience = fields.Selection(
        [("public", "Everyone"), ("members", "Members of the cooperatives it is shared with")],
        string="Audience",
        default="public",
        required=True,
        help="Members only: the event is seen and joined on the website only by the "
        "members of the cooperatives it is shared with.",
    )
    coop_shared_company_ids = fields.Many2many(
        "res.company",
        "coop_event_shared_company_rel",
        "event_id",
        "company_id",
        string="Shared with",
        default=lambda self: self.env.company,
        help="Cooperatives whose members see this event. An inter-cooperative event of the "
        "federation has no company and is shared with every regional cooperative.",
    )
    coop_online_url = fields.Char(
        string="Webinar Link",
        groups="event.group_event_registration_desk",
        help="Shown on the event page only to the people registered.",
    )
    coop_waitlist_enabled = fields.Boolean(
        string="Waiting List",
        compute="_compute_coop_waitlist_enabled",
        store=True,
        readonly=False,
        precompute=True,
        help="When the event is full, members join a waiting list on the website; the "
        "first in line is registered and told by email as soon as a seat frees up. "
        "Events with tickets keep no waiting list.",
    )
    coop_waiting_count = fields.Integer(string="Waiting", compute="_compute_coop_waiting_count")

    @api.depends("seats_limited")
    def _compute_coop_waitlist_enabled(self):
        for event in self:
            event.coop_waitlist_enabled = event.seats_limited

    def _compute_coop_waiting_count(self):
        counts = dict(
            self.env["event.registration"]
            .sudo()
            ._read_group(
                [("event_id", "in", self._origin.ids), ("coop_waiting", "=", True)],
                ["event_id"],
                ["__count"],
            )
        )
        for event in self:
            event.coop_waiting_count = counts.get(event._origin, 0)

    @api.model
    def _coop_demo_own_addresses(self, federation_id):
        """Demo data: the cooperatives' events take their cooperative's address and name.

        Events made while the demo loads take the address and organiser of the
        database's main company, Odoo's sample company (in San Francisco). An event of a
        cooperative gets that cooperative's instead; an inter-cooperative event (no
        company) the federation's.
        """
        odoo_sample = self.env.ref("base.main_company")
        federation = self.env["res.company"].browse(federation_id)
        events = self.search([("company_id", "!=", odoo_sample.id)])
        for event in events:
            partner = (event.company_id or federation).partner_id
            values = {
                field: partner.id
                for field in ("address_id", "organizer_id")
                if event[field] == odoo_sample.partner_id
            }
            if values:
                event.write(values)

    def write(self, vals):
        res = super().write(vals)
        if {"seats_max", "seats_limited", "event_type_id"} & set(vals):
            self._coop_seats_changed()
        return res

    def _coop_online_url_for_current_user(self):
        """The webinar link, for the people registered to the event only.

        Checked on the registrations themselves: website_event's ``is_participating``
        also counts website visitors and, for a logged-in user without visitor record,
        any event with a registration.
        """
        self.ensure_one()
        user = self.env.user
        if user._is_public() or not self.sudo().coop_online_url:
            return False
        registered = (
            self.env["event.registration"]
            .sudo()
            .search_count(
                [
                    ("event_id", "=", self.id),
                    ("partner_id", "in", user.partner_id._coop_portal_identities()),
                    ("state", "in", ("open", "done")),
                ],
                limit=1,
            )
        )
        return registered and self.sudo().coop_online_url or False

    # ------------------------------------------------------------------
    # Waiting list
    # ------------------------------------------------------------------
    def _coop_waiting_registrations(self):
        """The waiting registrations of these events, first come first served."""
        return (
            self.env["event.registration"]
            .sudo()
            .search(
                [("event_id", "in", self._origin.ids), ("coop_waiting", "=", True)],
                order="create_date, id",
            )
        )

    def _coop_waiting_ranks(self):
        """{registration id: position on its event's waiting list}, in one query."""
        ranks, counters = {}, {}
        for registration in self._coop_waiting_registrations():
            position = counters[registration.event_id.id] = (
                counters.get(registration.event_id.id, 0) + 1
            )
            ranks[registration.id] = position
        return ranks

    def _coop_is_full(self):
        self.ensure_one()
        return bool(self.seats_limited and self.seats_max and self.seats_available <= 0)

    def _coop_waitlist_offered(self):
        """Whether people may join the waiting list (the event being full or not)."""
        self.ensure_one()
        return bool(
            self.coop_waitlist_enabled
            and self.seats_limited
            and self.seats_max
            and not self.event_ticket_ids
            and self.event_registrations_started
            and not self.is_finished
        )

    def _coop_lock_seats(self):
        """Serialise the transactions that change who holds a seat of these events.

        Odoo runs requests in REPEATABLE READ: a row lock alone would let a second
        transaction count the seats from its older snapshot and over-book. Rewriting
        the row makes it fail with a serialization error instead; Odoo retries the
        request, which then sees the seats taken.
        """
        ids = tuple(self._origin.ids)
        if not ids:
            return
        self.env.cr.execute(
            "SELECT id FROM event_event WHERE id IN %s ORDER BY id FOR NO KEY UPDATE", [ids]
        )
        self.env.cr.execute("UPDATE event_event SET write_date = write_date WHERE id IN %s", [ids])
        self.invalidate_recordset(SEAT_FIELDS)

    def _coop_lock_limited_seats(self):
        self._origin.sudo().filtered("seats_limited")._coop_lock_seats()

    def _coop_seats_changed(self):
        """Seats may have been freed: lock, then serve the waiting lists."""
        self._coop_lock_limited_seats()
        return self._coop_promote_waitlist()

    def _coop_promote_waitlist(self):
        """Register the oldest waiting people, up to the seats free, and tell them.

        One batch per call; the caller holds the lock of the events (see
        ``_coop_seats_changed``) and event's ``_check_seats_availability`` still
        guards the count.
        """
        Registration = self.env["event.registration"].sudo()
        if self.env.context.get("coop_waitlist_promoting"):
            return Registration
        waiting = self._coop_waiting_registrations()
        promoted = Registration
        for event in waiting.event_id.filtered(lambda e: not e.is_finished):
            queue = waiting.filtered(lambda r, event=event: r.event_id == event)
            if event.seats_limited and event.seats_max:
                queue = queue[: max(event.seats_available, 0)]
            promoted |= queue
        if promoted:
            promoted.with_context(coop_waitlist_promoting=True).write({"state": "open"})
            template = self.env.ref(
                "coop_portal.mail_template_event_waitlist_promoted", raise_if_not_found=False
            )
            if template:
                template.sudo().send_mail_batch(promoted.ids)
        return promoted

    def _coop_waitlist_refusal(self, partner):
        """Why ``partner`` may not join the waiting list, or False (read as superuser)."""
        self.ensure_one()
        if self.is_finished:
            return _("Registrations for this event are closed.")
        if not self.event_registrations_started:
            return _("Registrations for this event are not open yet.")
        if not self._coop_waitlist_offered():
            return _("This event has no waiting list.")
        mine = (
            self.env["event.registration"]
            .sudo()
            .search([("event_id", "=", self.id), ("partner_id", "=", partner.id)])
        )
        if mine.filtered(lambda r: r.state in ("open", "done")):
            return _("You are already registered for this event.")
        if mine.filtered("coop_waiting"):
            return _("You are already on the waiting list of this event.")
        if not self._coop_is_full():
            return _("This event still has seats: register on its page.")
        return False

    def _coop_join_waitlist(self, partner):
        """Put ``partner`` on the waiting list of this full event; returns the registration.

        Checked as the calling user first (record rules hide members-only events from
        other cooperatives), then written as superuser: portal users cannot create
        registrations.
        """
        self.ensure_one()
        self.check_access("read")
        event = self.sudo()
        event._coop_lock_seats()
        refusal = event._coop_waitlist_refusal(partner)
        if refusal:
            raise UserError(refusal)
        return (
            self.env["event.registration"]
            .sudo()
            .create(
                {
                    "event_id": event.id,
                    "partner_id": partner.id,
                    "name": partner.name,
                    "email": partner.email,
                    "phone": partner.phone or partner.mobile,
                    "coop_waiting": True,
                }
            )
        )

    def _coop_leave_waitlist(self, partner):
        """Take ``partner`` off the waiting list of this event (their registration is
        cancelled, so the history stays)."""
        self.ensure_one()
        self.check_access("read")
        waiting = (
            self.sudo()._coop_waiting_registrations().filtered(lambda r: r.partner_id == partner)
        )
        if not waiting:
            raise UserError(_("You are not on the waiting list of this event."))
        waiting.action_cancel()
        return waiting

    def _coop_waitlist_for_current_user(self):
        """What the event page shows the visitor about the waiting list.

        :return: ``{"state": "waiting", "position": n}``, ``{"state": "join"}``,
            ``{"state": "login"}`` (public visitor, full event) or ``{}``.
        """
        self.ensure_one()
        event = self.sudo()
        user = self.env.user
        if not user._is_public():
            waiting = event._coop_waiting_registrations().filtered(
                lambda r: r.partner_id == user.partner_id
            )
            if waiting:
                return {"state": "waiting", "position": waiting[0].coop_waiting_position}
        if not (event._coop_waitlist_offered() and event._coop_is_full()):
            return {}
        if user._is_public():
            return {"state": "login"}
        if event._coop_waitlist_refusal(user.partner_id):
            return {}
        return {"state": "join"}

    def action_coop_view_waitlist(self):
        """The event's attendees list, filtered on its waiting list."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "event.act_event_registration_from_event"
        )
        action["domain"] = [("event_id", "=", self.id)]
        action["context"] = {"default_event_id": self.id, "search_default_coop_waiting": 1}
        return action
