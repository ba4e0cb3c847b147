"""Requests to erase a person's data (GDPR art. 17, issue #26 §2).

A request is made by the person in the member space or by an officer on the contact, and
the retention job records the anonymisations it does as requests too, so that the staff
follow them all in one list. The rules (who is anonymised at once, who waits for the end
of the retention period) live on the partner (``res_partner_erasure``); the request only
applies them and keeps the outcome: done, postponed until a date with the reason told to
the person, or refused with the officer's reason.
"""

import threading

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.coop_membership.models.coop_state_guard_mixin import GuardRule

OPEN_STATES = ("requested", "postponed")


class CoopErasureRequest(models.Model):
    _name = "coop.erasure.request"
    _description = "Personal Data Erasure Request"
    _inherit = ["mail.thread", "coop.state.guard.mixin"]
    _order = "request_date desc, id desc"
    _check_company_auto = True
    _coop_action_fields = frozenset({"state", "postponed_until", "postpone_reason", "done_date"})
    _coop_initial_states = ("requested",)
    # The trace of an erasure is kept: nothing is deleted.
    _coop_deletable_states = ()

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain=[("is_company", "=", False)],
    )
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        help="The cooperative that follows the request.",
    )
    source = fields.Selection(
        [
            ("portal", "Member space"),
            ("back_office", "Back office"),
            ("retention", "Retention period over"),
        ],
        required=True,
        default="back_office",
        readonly=True,
    )
    request_date = fields.Datetime(
        string="Requested On", required=True, default=fields.Datetime.now, readonly=True
    )
    requested_by_id = fields.Many2one(
        "res.users", default=lambda self: self.env.user, readonly=True
    )
    state = fields.Selection(
        [
            ("requested", "Requested"),
            ("postponed", "Postponed"),
            ("done", "Anonymised"),
            ("refused", "Refused"),
        ],
        default="requested",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    postponed_until = fields.Date(readonly=True, copy=False, tracking=True)
    postpone_reason = fields.Text(
        string="Why It Waits",
        readonly=True,
        copy=False,
        help="What the person is told: why their data are kept, and until when.",
    )
    refusal_reason = fields.Text(
        copy=False,
        tracking=True,
        help="Why the cooperative refuses the erasure (for example: a dispute in progress). "
        "Required to refuse.",
    )
    done_date = fields.Datetime(string="Anonymised On", readonly=True, copy=False)

    # ------------------------------------------------------------------
    # Creation and guard
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        Sequence = self.env["ir.sequence"].sudo()
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = Sequence.next_by_code("coop.erasure.request") or "/"
        return super().create(vals_list)

    def _coop_guard_messages(self):
        return {
            "action": _(
                "The status of an erasure request is set only by its actions (Apply, "
                "Refuse) and by the retention job."
            ),
            "create": _("An erasure request starts as requested; its actions carry it on."),
            "unlink": _("Erasure requests are kept as the trace of what was done."),
        }

    def _coop_guard_rules(self):
        return [
            GuardRule(
                frozenset({"partner_id", "company_id"}),
                lambda r: r.state != "requested",
                _("The person and the cooperative of a processed request cannot change."),
            ),
            GuardRule(
                frozenset({"refusal_reason"}),
                lambda r: r.state not in OPEN_STATES,
                _("A closed erasure request cannot change."),
            ),
        ]

    # ------------------------------------------------------------------
    # Actions (officers)
    # ------------------------------------------------------------------
    def _coop_check_open(self):
        closed = self.filtered(lambda r: r.state not in OPEN_STATES)
        if closed:
            raise UserError(
                _(
                    "The erasure request %(names)s is already closed.",
                    names=", ".join(closed.mapped("name")),
                )
            )

    def action_apply(self):
        """Apply the rules now: anonymise, or postpone again with the new date."""
        self.check_access("write")
        self._coop_check_open()
        self._coop_process()
        return True

    def action_refuse(self):
        """Refuse the erasure, with the reason the officer typed."""
        self.check_access("write")
        self._coop_check_open()
        for request in self:
            if not (request.refusal_reason or "").strip():
                raise UserError(_("Give the reason for refusing the erasure request first."))
        self._guarded_write({"state": "refused", "postponed_until": False})
        for request in self:
            request.message_post(
                body=_("Erasure refused: %(reason)s", reason=request.refusal_reason)
            )
        return True

    def action_privacy_lookup(self):
        """Odoo's privacy lookup (administrators): every record naming the person, while
        the request waits (after the erasure, the name and address are gone)."""
        self.ensure_one()
        self.check_access("write")
        if not self.env.user.has_group("base.group_system"):
            raise AccessError(_("Only administrators use the privacy lookup."))
        return self.partner_id.action_privacy_lookup()

    # ------------------------------------------------------------------
    # Processing (private: the caller checked the rights)
    # ------------------------------------------------------------------
    def _coop_process(self):
        """Apply the erasure rules to each open request (see res.partner
        ``_coop_erasure_decision``). Runs with the caller's rights on the request; the
        anonymisation itself runs as superuser."""
        today = fields.Date.context_today(self)
        for request in self.filtered(lambda r: r.state in OPEN_STATES):
            decision, until, reason = request.partner_id._coop_erasure_decision(today)
            if decision == "refuse":
                request.write({"refusal_reason": reason})
                request._guarded_write({"state": "refused", "postponed_until": False})
                request.message_post(body=_("Erasure refused: %(reason)s", reason=reason))
            elif decision == "postpone":
                request._guarded_write(
                    {"state": "postponed", "postponed_until": until, "postpone_reason": reason}
                )
                request.message_post(body=_("Erasure postponed: %(reason)s", reason=reason))
            else:
                request.partner_id.sudo()._coop_anonymise_private()
                request._coop_mark_done()

    def _coop_mark_done(self):
        """Close the requests of people just anonymised (by a request or the job)."""
        requests = self.filtered(lambda r: r.state != "done")
        requests._guarded_write(
            {"state": "done", "done_date": fields.Datetime.now(), "postponed_until": False}
        )
        for request in requests:
            request.message_post(body=_("Personal data anonymised."))

    @api.model
    def _coop_request(self, partner, source, company=None):
        """The open request of ``partner``, or a new one, processed at once.

        Private: the callers (the member's own request, the officer's action) checked
        that they may ask for this person.
        """
        partner.ensure_one()
        request = self.search(
            [("partner_id", "=", partner.id), ("state", "in", OPEN_STATES)], limit=1
        )
        if not request:
            request = self.create(
                {
                    "partner_id": partner.id,
                    "source": source,
                    "company_id": (company or partner._coop_erasure_company()).id,
                }
            )
        request._coop_process()
        return request

    # ------------------------------------------------------------------
    # Retention job
    # ------------------------------------------------------------------
    @api.model
    def _coop_cron_retention(self, batch_size=500, max_batches=20):
        """Anonymise, in sets of ``batch_size``, the people whose data are kept no longer:
        refused or abandoned applicants and former members past the retention period;
        then the postponed requests that are due.

        Each set is committed on its own (outside tests), so that a long run keeps its
        progress; at most ``max_batches`` sets per run, the next run goes on.

        :return: the number of people anonymised.
        """
        Partner = self.env["res.partner"].sudo()
        auto_commit = not getattr(threading.current_thread(), "testing", False)
        done = 0
        for _batch in range(max_batches):
            partner_ids = Partner._coop_retention_due_ids(batch_size)
            if not partner_ids:
                break
            partners = Partner.browse(partner_ids)
            partners._coop_anonymise_private()
            self.sudo()._coop_record_retention(partners)
            done += len(partners)
            if auto_commit:
                self.env.cr.commit()  # pylint: disable=invalid-commit
        due = self.sudo().search(
            [
                ("state", "=", "postponed"),
                ("postponed_until", "<=", fields.Date.context_today(self)),
            ]
        )
        due._coop_process()
        return done

    def _coop_record_retention(self, partners):
        """Close the open requests of ``partners``; one request per person who had none,
        marked done, so that the staff see what the job anonymised."""
        open_requests = self.search(
            [("partner_id", "in", partners.ids), ("state", "in", OPEN_STATES)]
        )
        open_requests._coop_mark_done()
        without = partners - open_requests.partner_id
        created = self.create(
            [
                {
                    "partner_id": partner.id,
                    "source": "retention",
                    "company_id": partner._coop_erasure_company().id,
                }
                for partner in without
            ]
        )
        created._coop_mark_done()
