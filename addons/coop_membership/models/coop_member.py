from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError, ValidationError

# A person counts as a member from admission until the exit is confirmed.
ACTIVE_STATES = ("member", "resigning")
# Register fields only the life-cycle actions may change (see _lifecycle_write).
LIFECYCLE_FIELDS = {
    "state",
    "member_number",
    "admission_date",
    "exit_request_date",
    "exit_date",
    "exit_reason",
}
EXITED_STATES = ("resigned", "excluded", "deceased")


class CoopMember(models.Model):
    _name = "coop.member"
    _description = "Cooperative Membership"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, member_number, id"
    _rec_names_search = ["member_number", "partner_id.name", "partner_id.email"]
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    member_number = fields.Char(readonly=True, copy=False, index="btree_not_null", tracking=True)
    college_id = fields.Many2one("coop.college", index=True, check_company=True, tracking=True)
    state = fields.Selection(
        [
            ("candidate", "Candidate"),
            ("member", "Member"),
            ("resigning", "Resigning"),
            ("resigned", "Resigned"),
            ("excluded", "Excluded"),
            ("deceased", "Deceased"),
        ],
        default="candidate",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    is_active_member = fields.Boolean(
        compute="_compute_is_active_member", store=True, string="Active Member"
    )
    application_date = fields.Date(default=fields.Date.context_today, tracking=True)
    admission_date = fields.Date(readonly=True, copy=False, tracking=True)
    exit_request_date = fields.Date(readonly=True, copy=False, tracking=True)
    exit_date = fields.Date(readonly=True, copy=False, tracking=True)
    exit_reason = fields.Text(readonly=True, copy=False, tracking=True)
    period_ids = fields.One2many("coop.member.period", "member_id", string="Membership Periods")
    college_history_ids = fields.One2many("coop.member.college.history", "member_id")
    # An organisation acts through one person per cooperative (it may be a member of two
    # cooperatives with different representatives): they vote, receive the convocations,
    # give or hold proxies and use the member space for it. Changes are tracked in the
    # chatter and dated in the history (who represented it at an assembly's date).
    is_organisation = fields.Boolean(related="partner_id.is_company", string="Organisation")
    representative_id = fields.Many2one(
        "res.partner",
        string="Representative",
        index="btree_not_null",
        ondelete="restrict",
        tracking=True,
        domain=[("is_company", "=", False)],
        help="The person who votes, receives the convocations and uses the member space "
        "for this organisation.",
    )
    representative_history_ids = fields.One2many(
        "coop.member.representative.history", "member_id", string="Representatives"
    )
    # Related for lists, search and the kanban card.
    email = fields.Char(related="partner_id.email")
    phone = fields.Char(related="partner_id.phone")
    city = fields.Char(related="partner_id.city", store=True)
    zip = fields.Char(related="partner_id.zip", store=True, index=True)
    image_128 = fields.Image(related="partner_id.image_128")

    _sql_constraints = [
        (
            "partner_company_uniq",
            "unique(partner_id, company_id)",
            "This person already has a membership in this cooperative.",
        ),
        (
            "number_company_uniq",
            "unique(company_id, member_number)",
            "A member number is never given twice in a cooperative.",
        ),
    ]

    def init(self):
        # Registry searches filter on company + college + state together.
        tools.create_index(
            self.env.cr,
            "coop_member_company_college_state_idx",
            self._table,
            ["company_id", "college_id", "state"],
        )

    @api.model
    def _coop_check_partner_merge(self, partners):
        """Refuse to merge contacts who are members of the same cooperative.

        Odoo's merge moves each membership to the kept contact; where the
        (person, cooperative) pair is unique it DELETES the membership it cannot move,
        and with it the member's register lines. Two memberships of one person are a
        register correction (a transfer of shares, then an exit) the officer makes first.
        """
        members = (
            self.sudo().with_context(active_test=False).search([("partner_id", "in", partners.ids)])
        )
        for company in members.company_id:
            twins = members.filtered(lambda m, c=company: m.company_id == c)
            if len(twins) > 1:
                raise UserError(
                    _(
                        "%(people)s are each a member of %(company)s (%(numbers)s): merging "
                        "them would delete a membership and its register lines. Transfer the "
                        "shares of one membership to the other and close it first.",
                        people=", ".join(twins.partner_id.mapped("name")),
                        company=company.name,
                        numbers=", ".join(str(n) for n in twins.mapped("member_number") if n)
                        or _("no number yet"),
                    )
                )

    @api.depends("state")
    def _compute_is_active_member(self):
        for member in self:
            member.is_active_member = member.state in ACTIVE_STATES

    @api.depends("partner_id.name", "member_number")
    def _compute_display_name(self):
        for member in self:
            name = member.partner_id.name or ""
            member.display_name = (
                f"{member.member_number} - {name}" if member.member_number else name
            )

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "candidate") != "candidate" or vals.get("member_number"):
                raise UserError(
                    _(
                        "A membership starts as a candidate; use the Admit action to "
                        "give it a member number."
                    )
                )
        # The application date and the admission tracking tell the story; a
        # "created" log line per person costs a mail.message each on bulk imports.
        members = super(CoopMember, self.with_context(mail_create_nolog=True)).create(vals_list)
        members = members.with_env(self.env)
        members._check_college_company()
        members._check_representative()
        for member in members.filtered("representative_id"):
            member._open_representative_line(member.representative_id)
        return members

    def write(self, vals):
        locked = LIFECYCLE_FIELDS.intersection(vals)
        if locked:
            raise UserError(
                _(
                    "The membership status, number and dates change only through the "
                    "admission and exit actions (fields: %(fields)s).",
                    fields=", ".join(sorted(locked)),
                )
            )
        if {"partner_id", "company_id"}.intersection(vals) and any(
            m.state != "candidate" for m in self
        ):
            raise UserError(
                _(
                    "The person and the cooperative of an admitted membership cannot be "
                    "changed; record an exit and a new membership instead."
                )
            )
        if "college_id" in vals:
            self._track_college_change(vals["college_id"])
        changed_representative = (
            self.filtered(lambda m: m.representative_id.id != vals["representative_id"])
            if "representative_id" in vals
            else self.browse()
        )
        res = super().write(vals)
        if "college_id" in vals or "company_id" in vals:
            self._check_college_company()
        if changed_representative or "partner_id" in vals:
            self._check_representative()
        changed_representative._track_representative_change()
        return res

    def _check_representative(self):
        for member in self.filtered("representative_id"):
            if not member.partner_id.is_company:
                raise ValidationError(
                    _(
                        "%(person)s is a person, not an organisation: only an organisation "
                        "acts through a representative.",
                        person=member.partner_id.name,
                    )
                )
            if member.representative_id.is_company:
                raise ValidationError(
                    _(
                        "The representative of %(organisation)s must be a person, not an "
                        "organisation (%(representative)s).",
                        organisation=member.partner_id.name,
                        representative=member.representative_id.name,
                    )
                )

    def _track_representative_change(self):
        """Close the current representative line of each member and open the new one."""
        History = self.env["coop.member.representative.history"].sudo()
        today = fields.Date.context_today(self)
        History.search([("member_id", "in", self.ids), ("date_to", "=", False)]).write(
            {"date_to": today}
        )
        for member in self.filtered("representative_id"):
            member._open_representative_line(member.representative_id, today)

    def _open_representative_line(self, partner, date_from=None):
        self.ensure_one()
        self.env["coop.member.representative.history"].sudo().create(
            {
                "member_id": self.id,
                "partner_id": partner.id,
                "date_from": date_from or fields.Date.context_today(self),
            }
        )

    def _representative_at(self, date):
        """The person who represented this organisation on ``date`` (empty if none)."""
        self.ensure_one()
        line = self.representative_history_ids.filtered(
            lambda h: h.date_from <= date and (not h.date_to or h.date_to > date)
        )[:1]
        return line.partner_id if line else self.representative_id

    def _coop_acting_partner(self):
        """The person who acts for this membership: the organisation's representative,
        or the member themselves (an organisation with no representative acts through its
        own address until one is named)."""
        self.ensure_one()
        return self.representative_id or self.partner_id

    def _lifecycle_write(self, vals):
        """Write register fields once the calling action has checked its rules.

        Private, so not callable over RPC; the caller's write access is still checked.
        """
        # Skips only our own guard in write(); the rest of the MRO (tracking) runs.
        return super().write(vals)  # pylint: disable=super-method-mismatch

    @api.ondelete(at_uninstall=False)
    def _unlink_only_candidates(self):
        if any(m.member_number or m.state != "candidate" for m in self):
            raise UserError(
                _(
                    "A membership that was ever admitted belongs to the legal register "
                    "and cannot be deleted; record an exit instead."
                )
            )

    def _check_college_company(self):
        for member in self:
            if member.college_id and member.college_id.company_id != member.company_id:
                raise ValidationError(
                    _(
                        "College %(college)s belongs to %(college_company)s, not to %(company)s.",
                        college=member.college_id.name,
                        college_company=member.college_id.company_id.name,
                        company=member.company_id.name,
                    )
                )

    def _track_college_change(self, new_college_id):
        """Close the open college history lines and open new ones.

        History starts at admission: a candidate's college may change freely.
        """
        today = fields.Date.context_today(self)
        changed = self.filtered(
            lambda m: m.state in ACTIVE_STATES and m.college_id.id != new_college_id
        )
        if not changed:
            return
        History = self.env["coop.member.college.history"].sudo()
        open_lines = History.search([("member_id", "in", changed.ids), ("date_to", "=", False)])
        open_lines.write({"date_to": today})
        if new_college_id:
            History.create(
                [
                    {"member_id": m.id, "college_id": new_college_id, "date_from": today}
                    for m in changed
                ]
            )

    # ------------------------------------------------------------------
    # Life-cycle actions: one place per rule.
    # ------------------------------------------------------------------
    def _check_state(self, allowed, action_label):
        for member in self:
            if member.state == "deceased":
                raise UserError(
                    _(
                        "%(person)s is recorded as deceased: %(action)s is not possible.",
                        person=member.partner_id.name,
                        action=action_label,
                    )
                )
            if member.state not in allowed:
                state_label = dict(self._fields["state"]._description_selection(self.env))[
                    member.state
                ]
                raise UserError(
                    _(
                        "%(action)s is not possible for %(person)s, whose membership is %(state)s.",
                        action=action_label,
                        person=member.partner_id.name,
                        state=state_label,
                    )
                )

    def action_admit(self, admission_date=None):
        """Admit candidates (or re-admit former members) with a new member number."""
        self._check_state(("candidate", "resigned", "excluded"), _("Admission"))
        for member in self:
            if not member.college_id:
                raise UserError(
                    _("Choose a college for %s before admitting them.", member.partner_id.name)
                )
        date = fields.Date.to_date(admission_date) or fields.Date.context_today(self)
        for company in self.company_id:
            members = self.filtered(lambda m, c=company: m.company_id == c)
            numbers = company._coop_get_member_sequence()._coop_next_numbers(len(members))
            for member, number in zip(members, numbers, strict=True):
                member._lifecycle_write({"member_number": number})
        self._lifecycle_write(
            {
                "state": "member",
                "admission_date": date,
                "exit_request_date": False,
                "exit_date": False,
                "exit_reason": False,
            }
        )
        self.env["coop.member.period"].sudo().create(
            [{"member_id": m.id, "member_number": m.member_number, "date_from": date} for m in self]
        )
        History = self.env["coop.member.college.history"].sudo()
        with_open_line = History.search(
            [("member_id", "in", self.ids), ("date_to", "=", False)]
        ).member_id
        History.create(
            [
                {"member_id": m.id, "college_id": m.college_id.id, "date_from": date}
                for m in self - with_open_line
            ]
        )
        return True

    def action_request_exit(self, request_date=None, reason=None):
        """Record a member's resignation request; the exit is confirmed later."""
        self._check_state(("member",), _("An exit request"))
        self._lifecycle_write(
            {
                "state": "resigning",
                "exit_request_date": fields.Date.to_date(request_date)
                or fields.Date.context_today(self),
                "exit_reason": reason or False,
            }
        )
        return True

    def action_cancel_exit_request(self):
        self._check_state(("resigning",), _("Withdrawing an exit request"))
        self._lifecycle_write({"state": "member", "exit_request_date": False, "exit_reason": False})
        return True

    def action_confirm_exit(self, exit_date=None):
        """Confirm a resignation: the member leaves the cooperative at exit_date."""
        self._check_state(("resigning",), _("Confirming an exit"))
        self._close_membership("resigned", exit_date)
        return True

    def action_exclude(self, exit_date=None, reason=None):
        """Exclude a member; the board's reason is mandatory."""
        self._check_state(("member", "resigning"), _("An exclusion"))
        for member in self:
            if not (reason or member.exit_reason):
                raise UserError(
                    _("Give the board's reason for excluding %s.", member.partner_id.name)
                )
        self._close_membership("excluded", exit_date, reason)
        return True

    def action_record_death(self, death_date=None, note=None):
        """Record the death of a candidate or member; the heirs' refund follows."""
        self._check_state(("candidate", "member", "resigning"), _("Recording a death"))
        self._close_membership("deceased", death_date, note)
        return True

    def _close_membership(self, state, exit_date=None, reason=None):
        date = fields.Date.to_date(exit_date) or fields.Date.context_today(self)
        for member in self:
            if member.admission_date and date < member.admission_date:
                raise UserError(
                    _(
                        "The exit date of %(person)s cannot precede the admission date (%(date)s).",
                        person=member.partner_id.name,
                        date=member.admission_date,
                    )
                )
            vals = {"state": state, "exit_date": date}
            if reason:
                vals["exit_reason"] = reason
            member._lifecycle_write(vals)
        self.env["coop.member.period"].sudo().search(
            [("member_id", "in", self.ids), ("date_to", "=", False)]
        ).write({"date_to": date, "exit_type": state})
        self.env["coop.member.college.history"].sudo().search(
            [("member_id", "in", self.ids), ("date_to", "=", False)]
        ).write({"date_to": date})

    def action_open_exit_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Record an exit"),
            "res_model": "coop.member.exit.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_member_id": self.id,
                "default_exit_type": self.env.context.get("exit_type", "request"),
            },
        }

    # ------------------------------------------------------------------
    # Set-based helpers for the other modules.
    # ------------------------------------------------------------------
    @api.model
    def _college_at_date(self, member_ids, date):
        """Return {member_id: college_id} at ``date`` in one query (census, reports)."""
        if not member_ids:
            return {}
        self.env["coop.member.college.history"].flush_model()
        self.env.cr.execute(
            """
            SELECT DISTINCT ON (member_id) member_id, college_id
              FROM coop_member_college_history
             WHERE member_id = ANY(%s)
               AND date_from <= %s
               AND (date_to IS NULL OR date_to > %s)
          ORDER BY member_id, date_from DESC, id DESC
            """,
            [list(member_ids), date, date],
        )
        return dict(self.env.cr.fetchall())
