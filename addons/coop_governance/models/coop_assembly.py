import math
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.coop_membership.models.coop_state_guard_mixin import GuardRule

# Attendance values that count for the quorum (a postal ballot counts as attending).
ATTENDING = ("present", "remote", "represented", "postal")
# Set only by the assembly's actions (see coop.state.guard.mixin).
ACTION_FIELDS = frozenset(
    {
        "state",
        "convened_date",
        "opened_at",
        "closed_at",
        "minutes_number",
        "audit_head",
        "chair_signed_on",
        "secretary_signed_on",
    }
)
# Who is convened, and to what: fixed once convened.
CONVENED_FIELDS = frozenset({"company_id", "national", "assembly_type", "census_date"})


class CoopAssembly(models.Model):
    _name = "coop.assembly"
    _description = "General Assembly"
    _inherit = ["mail.thread", "mail.activity.mixin", "coop.state.guard.mixin", "coop.audit.chain"]
    _order = "date desc, id desc"
    _check_company_auto = True
    _coop_action_fields = ACTION_FIELDS

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    national = fields.Boolean(
        string="National Assembly",
        help="Assembly of the members of every cooperative under this company (federation).",
    )
    assembly_type = fields.Selection(
        [
            ("ordinary", "Ordinary"),
            ("extraordinary", "Extraordinary"),
            ("mixed", "Ordinary and Extraordinary"),
        ],
        string="Type",
        required=True,
        default="ordinary",
        tracking=True,
    )
    date = fields.Datetime(required=True, tracking=True)
    place = fields.Char(tracking=True)
    online_url = fields.Char(string="Online Meeting Link")
    agenda = fields.Html()
    document_ids = fields.Many2many("ir.attachment", string="Documents")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("convened", "Convened"),
            ("open", "Open"),
            ("closed", "Closed"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    convocation = fields.Integer(
        default=1,
        readonly=True,
        copy=False,
        help="1 for the first convocation, 2 when the first one failed its quorum.",
    )
    first_assembly_id = fields.Many2one(
        "coop.assembly",
        string="First Convocation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        check_company=True,
    )
    second_assembly_ids = fields.One2many(
        "coop.assembly", "first_assembly_id", string="Second Convocation"
    )
    quorum_failed = fields.Boolean(readonly=True, copy=False, tracking=True)
    census_date = fields.Date(
        string="Census Cutoff",
        copy=False,
        help="The census lists the members at this date; defaults to the convening day.",
    )
    convened_date = fields.Date(readonly=True, copy=False)
    convocation_sent = fields.Boolean(readonly=True, copy=False)
    opened_at = fields.Datetime(readonly=True, copy=False)
    closed_at = fields.Datetime(readonly=True, copy=False)
    voter_ids = fields.One2many("coop.assembly.voter", "assembly_id", string="Census")
    resolution_ids = fields.One2many("coop.resolution", "assembly_id", string="Resolutions")
    ballot_ids = fields.One2many("coop.ballot", "assembly_id", string="Ballots")

    # Live attendance and quorum (not stored: always read from the census).
    voter_count = fields.Integer(compute="_compute_attendance", string="Voters")
    present_count = fields.Integer(compute="_compute_attendance", string="Present")
    remote_count = fields.Integer(compute="_compute_attendance", string="Remote")
    represented_count = fields.Integer(compute="_compute_attendance", string="Represented")
    postal_count = fields.Integer(compute="_compute_attendance", string="Postal")
    attending_count = fields.Integer(compute="_compute_attendance", string="Attending")
    quorum_percent = fields.Float(compute="_compute_attendance", string="Quorum (%)")
    quorum_required = fields.Integer(compute="_compute_attendance", string="Quorum (voters)")
    quorum_reached = fields.Boolean(compute="_compute_attendance")
    attendance_percent = fields.Float(compute="_compute_attendance", string="Attendance (%)")
    resolution_count = fields.Integer(compute="_compute_resolution_count")
    ballot_count = fields.Integer(compute="_compute_ballot_count")
    secret_disclosure_warning = fields.Text(
        compute="_compute_secret_disclosure_warning",
        help="Shown before convening when a secret resolution's census has a college "
        "smaller than the cooperative's threshold for publishing a college.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.depends("voter_ids.attendance", "assembly_type", "convocation", "company_id")
    def _compute_attendance(self):
        groups = self.env["coop.assembly.voter"]._read_group(
            [("assembly_id", "in", self.ids)], ["assembly_id", "attendance"], ["__count"]
        )
        counts = {}
        for assembly, attendance, count in groups:
            counts.setdefault(assembly.id, {})[attendance] = count
        for assembly in self:
            by_state = counts.get(assembly.id, {})
            total = sum(by_state.values())
            attending = sum(by_state.get(a, 0) for a in ATTENDING)
            percent = assembly.company_id._coop_quorum_percent(
                assembly.assembly_type, assembly.convocation
            )
            required = math.ceil(total * percent / 100.0 - 1e-9)
            assembly.voter_count = total
            assembly.present_count = by_state.get("present", 0)
            assembly.remote_count = by_state.get("remote", 0)
            assembly.represented_count = by_state.get("represented", 0)
            assembly.postal_count = by_state.get("postal", 0)
            assembly.attending_count = attending
            assembly.quorum_percent = percent
            assembly.quorum_required = required
            assembly.quorum_reached = bool(total) and attending >= required
            assembly.attendance_percent = 100.0 * attending / total if total else 0.0

    @api.depends(
        "resolution_ids.secret",
        "resolution_ids.state",
        "voter_ids.college_id",
        "company_id.coop_secret_min_voters",
    )
    def _compute_secret_disclosure_warning(self):
        for assembly in self:
            small = assembly._secret_small_colleges()
            assembly.secret_disclosure_warning = (
                _(
                    "Secret vote: the college(s) %(colleges)s have fewer than %(threshold)s "
                    "voters in the census. Their results will only be published merged with "
                    "other colleges, but the weighted result itself may still reveal how such "
                    "a college voted (with a single voter, that person's vote). The statutes "
                    "can provide for it: merge colleges for this vote, or vote without "
                    "weighting by college.",
                    colleges=", ".join(small),
                    threshold=assembly.company_id.coop_secret_min_voters,
                )
                if small
                else False
            )

    def _secret_small_colleges(self):
        """Names of the colleges with 1 to N-1 voters, when a resolution is secret.

        Before convening the census does not exist yet: the members who would make it
        (members and resigning members of the census companies) are counted instead.
        Colleges match by code, as in the results of a national assembly.
        """
        self.ensure_one()
        if not self.resolution_ids.filtered(lambda r: r.secret and r.state != "withdrawn"):
            return []
        if self.voter_ids:
            groups = (
                self.env["coop.assembly.voter"]
                .sudo()
                ._read_group([("assembly_id", "=", self.id)], ["college_id"], ["__count"])
            )
        else:
            groups = (
                self.env["coop.member"]
                .sudo()
                ._read_group(
                    [
                        ("company_id", "in", self._census_companies().ids),
                        ("state", "in", ("member", "resigning")),
                    ],
                    ["college_id"],
                    ["__count"],
                )
            )
        sizes = {}
        for college, count in groups:
            sizes[college.code or ""] = sizes.get(college.code or "", 0) + count
        names = {c.code: c.name for c in self.company_id.sudo().coop_college_ids}
        threshold = self.company_id.coop_secret_min_voters
        return [
            names.get(code) or code or _("No college")
            for code, count in sizes.items()
            if 0 < count < threshold
        ]

    def _compute_resolution_count(self):
        counts = dict(
            self.env["coop.resolution"]._read_group(
                [("assembly_id", "in", self.ids)], ["assembly_id"], ["__count"]
            )
        )
        for assembly in self:
            assembly.resolution_count = counts.get(assembly, 0)

    def _compute_ballot_count(self):
        counts = dict(
            self.env["coop.ballot"]._read_group(
                [("assembly_id", "in", self.ids)], ["assembly_id"], ["__count"]
            )
        )
        for assembly in self:
            assembly.ballot_count = counts.get(assembly, 0)

    # ------------------------------------------------------------------
    # State guard (coop.state.guard.mixin)
    # ------------------------------------------------------------------
    def _coop_guard_messages(self):
        return {
            "action": _(
                "The status, minutes number and audit chain of an assembly change only "
                "through its actions (convene, open, close...)."
            ),
            "create": _("An assembly starts as a draft; its actions move it on."),
            "unlink": _("Only draft assemblies can be deleted; cancel the others."),
        }

    def _coop_guard_rules(self):
        return [
            GuardRule(
                CONVENED_FIELDS,
                lambda a: a.state != "draft",
                _("The cooperative, type and census of a convened assembly cannot change."),
            ),
            GuardRule(
                frozenset({"date"}),
                lambda a: a.state in ("open", "closed"),
                _("The date of an assembly that was held cannot change."),
            ),
        ]

    # ------------------------------------------------------------------
    # Life cycle
    # ------------------------------------------------------------------
    def _check_assembly_state(self, allowed, action_label):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for assembly in self:
            if assembly.state not in allowed:
                raise UserError(
                    _(
                        "%(action)s is not possible: assembly %(assembly)s is %(state)s.",
                        action=action_label,
                        assembly=assembly.name,
                        state=labels[assembly.state],
                    )
                )

    def _census_companies(self):
        self.ensure_one()
        if self.national:
            return self.company_id._coop_federation_companies()
        return self.company_id

    def action_convene(self):
        """Convene: check the statutes, the convocation delay, then freeze the census."""
        self._check_assembly_state(("draft",), _("Convening"))
        today = fields.Date.context_today(self)
        for assembly in self:
            assembly.company_id._coop_check_colleges()
            if not assembly.resolution_ids:
                raise UserError(
                    _(
                        "Put at least one resolution on the agenda of %(assembly)s.",
                        assembly=assembly.name,
                    )
                )
            delay = (
                assembly.company_id.coop_convocation_delay
                if assembly.convocation == 1
                else assembly.company_id.coop_convocation_delay_second
            )
            assembly_day = fields.Datetime.context_timestamp(assembly, assembly.date).date()
            if (assembly_day - today).days < delay:
                raise UserError(
                    _(
                        "Assembly %(assembly)s must be convened at least %(delay)s days "
                        "ahead: convene it by %(deadline)s at the latest or move its date.",
                        assembly=assembly.name,
                        delay=delay,
                        deadline=assembly_day - timedelta(days=delay),
                    )
                )
            cutoff = assembly.census_date or today
            if cutoff > today:
                raise UserError(_("The census cutoff date cannot be in the future."))
            assembly.write({"census_date": cutoff})
            assembly._freeze_census()
            if not assembly.voter_ids:
                raise UserError(
                    _("Assembly %(assembly)s has no member in its census.", assembly=assembly.name)
                )
            assembly._guarded_write({"state": "convened", "convened_date": today})
            assembly.resolution_ids.filtered(lambda r: r.state == "draft").action_propose()
        return True

    def _census_share_clause(self):
        """At least one confirmed share held at the cutoff (see _freeze_census)."""
        return SQL("AND m.share_count - COALESCE(later.quantity, 0) >= 1")

    def _freeze_census(self):
        """Create one voter per member at the cutoff date, with the college at that date.

        Set-based (one INSERT ... SELECT): a member counts when a membership period
        covers the cutoff date (members and resigning members, whose exit is not
        confirmed yet), who is not recorded as deceased since, and who held at least
        one confirmed share at the cutoff: the stored holding minus the register
        movements dated after the cutoff (few, since the cutoff is never in the future).
        """
        self.ensure_one()
        self.env["coop.member"].flush_model()
        self.env["coop.member.period"].flush_model()
        self.env["coop.member.college.history"].flush_model()
        self.env["coop.share.operation"].flush_model()
        self.env.cr.execute(
            SQL(
                """
                DELETE FROM coop_assembly_voter WHERE assembly_id = %(assembly)s;
                INSERT INTO coop_assembly_voter
                       (assembly_id, member_id, partner_id, company_id, college_id,
                        member_number, attendance, proxy_count,
                        create_uid, write_uid, create_date, write_date)
                SELECT %(assembly)s, m.id, m.partner_id, m.company_id,
                       COALESCE(h.college_id, m.college_id), p.member_number, 'absent', 0,
                       %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', now() AT TIME ZONE 'UTC'
                  FROM coop_member m
                  JOIN coop_member_period p
                    ON p.member_id = m.id
                   AND p.date_from <= %(cutoff)s
                   AND (p.date_to IS NULL OR p.date_to > %(cutoff)s)
             LEFT JOIN LATERAL (
                        SELECT ch.college_id
                          FROM coop_member_college_history ch
                         WHERE ch.member_id = m.id
                           AND ch.date_from <= %(cutoff)s
                           AND (ch.date_to IS NULL OR ch.date_to > %(cutoff)s)
                      ORDER BY ch.date_from DESC, ch.id DESC
                         LIMIT 1
                       ) h ON TRUE
             LEFT JOIN (
                        SELECT mv.member_id, SUM(mv.quantity) AS quantity
                          FROM coop_share_movement mv
                         WHERE mv.date > %(cutoff)s
                           AND mv.company_id = ANY(%(companies)s)
                      GROUP BY mv.member_id
                       ) later ON later.member_id = m.id
                 WHERE m.company_id = ANY(%(companies)s)
                   AND m.state != 'deceased'
                   %(share_clause)s
                """,
                assembly=self.id,
                uid=self.env.uid,
                cutoff=self.census_date,
                companies=self._census_companies().ids,
                share_clause=self._census_share_clause(),
            )
        )
        self.env["coop.assembly.voter"].invalidate_model()
        self.invalidate_recordset(["voter_ids"])

    def action_open(self):
        self._check_assembly_state(("convened",), _("Opening"))
        self._guarded_write({"state": "open", "opened_at": fields.Datetime.now()})
        return True

    def action_close(self):
        """Close: end the votes still open, number the minutes, store the chain head.

        The governance officer of the assembly's cooperative closes; what the law
        requires then (results, seals, minutes number, chain head) is written by the
        system, since nobody may write it by hand.
        """
        self._check_can_close()
        self._check_assembly_state(("open",), _("Closing"))
        self.sudo()._close()
        return True

    def _check_can_close(self):
        """Raise unless the user runs the assemblies of these assemblies' cooperatives."""
        if self.env.su:
            return
        if not self.env.user.has_group("coop_governance.group_governance_officer"):
            raise AccessError(
                _(
                    "Only the secretary of the general assemblies (Governance Officer) "
                    "closes votes and assemblies."
                )
            )
        # Write access: the assembly's cooperative is one of the user's (a national
        # assembly is closed by the federation's officers).
        self.check_access("write")
        self.resolution_ids.check_access("write")

    def _close(self):
        """Close the assemblies; privileged, called after ``_check_can_close``."""
        for assembly in self:
            voting = assembly.resolution_ids.filtered(lambda r: r.state == "voting")
            voting._close_vote()
            assembly.resolution_ids.filtered(
                lambda r: r.state in ("draft", "proposed")
            )._guarded_write({"state": "withdrawn"})
            assembly._link_ballots()
            assembly._guarded_write(
                {
                    "state": "closed",
                    "closed_at": fields.Datetime.now(),
                    **assembly._minutes_values_at_close(),
                }
            )

    def action_cancel(self):
        self._check_assembly_state(("draft", "convened"), _("Cancelling"))
        self._guarded_write({"state": "cancelled"})
        return True

    def action_draft(self):
        """Back to draft a cancelled assembly that was never convened."""
        self._check_assembly_state(("cancelled",), _("Resetting to draft"))
        if any(a.convened_date for a in self):
            raise UserError(_("A convened assembly cannot go back to draft; create a new one."))
        self._guarded_write({"state": "draft"})
        return True

    def action_second_convocation(self):
        """The quorum failed: close this assembly without votes, convene a second one."""
        self.ensure_one()
        self._check_assembly_state(("open",), _("A second convocation"))
        if self.convocation != 1:
            raise UserError(_("A second convocation can only follow a first one."))
        if self.quorum_reached:
            raise UserError(
                _(
                    "The quorum is reached (%(attending)s of %(required)s): hold the votes.",
                    attending=self.attending_count,
                    required=self.quorum_required,
                )
            )
        if self.ballot_ids:
            raise UserError(_("Votes were cast: this assembly cannot fail its quorum now."))
        delay = self.company_id.coop_convocation_delay_second
        second = self.copy(
            {
                "name": _("%(name)s (second convocation)", name=self.name),
                "convocation": 2,
                "first_assembly_id": self.id,
                "date": self.date + timedelta(days=max(delay, 1)),
            }
        )
        for resolution in self.resolution_ids.filtered(lambda r: not r.parent_id):
            new = resolution.copy({"assembly_id": second.id, "state": "draft"})
            for amendment in resolution.amendment_ids:
                amendment.copy({"assembly_id": second.id, "parent_id": new.id, "state": "draft"})
        self.resolution_ids._guarded_write({"state": "withdrawn"})
        self.write({"quorum_failed": True})
        self.action_close()
        return {
            "type": "ir.actions.act_window",
            "res_model": "coop.assembly",
            "res_id": second.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Convocations
    # ------------------------------------------------------------------
    def _convocation_split(self):
        """Split the census by the legal contact rule: {'email': voters, 'paper': voters}.

        The rule applies to the person convened: an organisation's representative (their
        own email or postal address), never the organisation's mailbox.
        """
        self.ensure_one()
        voters = self.voter_ids
        split = voters.contact_partner_id._coop_contact_split("legal")
        paper_ids = set(split["paper"].ids)
        paper = voters.filtered(lambda v: v.contact_partner_id.id in paper_ids)
        return {"email": voters - paper, "paper": paper}

    def action_send_convocations(self):
        """Email the convocation to members reachable by email, list the paper ones."""
        self._check_assembly_state(("convened",), _("Sending convocations"))
        template = self.env.ref("coop_governance.mail_template_assembly_convocation")
        for assembly in self:
            split = assembly._convocation_split()
            split["email"].write({"convocation_channel": "email"})
            split["paper"].write({"convocation_channel": "paper"})
            # Rendered in batches and queued: the mail queue sends them.
            template.send_mail_batch(split["email"].ids, force_send=False)
            assembly.convocation_sent = True
            assembly.message_post(
                body=_(
                    "Convocations: %(email)s by email, %(paper)s by post.",
                    email=len(split["email"]),
                    paper=len(split["paper"]),
                )
            )
        return True

    def action_print_paper_convocations(self):
        self.ensure_one()
        if not self.convocation_sent:
            raise UserError(_("Send the convocations first: it sorts the members by channel."))
        paper = self.voter_ids.filtered(lambda v: v.convocation_channel == "paper")
        if not paper:
            raise UserError(_("Every member of this census is convened by email."))
        return self.env.ref("coop_governance.action_report_convocation").report_action(paper)

    # ------------------------------------------------------------------
    # Smart buttons
    # ------------------------------------------------------------------
    def action_view_voters(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coop_governance.coop_assembly_voter_action"
        )
        action["domain"] = [("assembly_id", "=", self.id)]
        action["context"] = {"default_assembly_id": self.id}
        return action

    def action_view_resolutions(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coop_governance.coop_resolution_action"
        )
        action["domain"] = [("assembly_id", "=", self.id)]
        action["context"] = {"default_assembly_id": self.id}
        return action

    def action_view_ballots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("coop_governance.coop_ballot_action")
        action["domain"] = [("assembly_id", "=", self.id)]
        return action

    def action_open_checkin(self):
        self.ensure_one()
        self._check_assembly_state(("convened", "open"), _("Checking in"))
        return {
            "type": "ir.actions.act_window",
            "name": _("Check-in"),
            "res_model": "coop.assembly.checkin.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_assembly_id": self.id},
        }

    @api.constrains("national", "company_id")
    def _check_national(self):
        for assembly in self:
            if assembly.national and not assembly.company_id.child_ids:
                raise ValidationError(
                    _("A national assembly is held by a federation with member cooperatives.")
                )

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _demo_replay_past_assembly(self, company_xmlid, assembly_xmlid):
        """Demo: hold last year's assembly through the real flow, then date it back.

        The flow refuses past dates (convocation delay), so the assembly is held as if
        it came, then its dates are moved one year back.
        """
        company = self.env.ref(company_xmlid)
        members = self.env["coop.member"].search(
            [("company_id", "=", company.id), ("state", "in", ("member", "resigning"))]
        )
        self._demo_give_shares(members)
        assembly = self.env.ref(assembly_xmlid)
        assembly.action_convene()
        assembly.action_send_convocations()
        assembly.action_open()
        voters = assembly.voter_ids
        absent = voters[-1:]
        holder = voters[:1]
        (voters - absent).action_check_in()
        if len(voters) > 3:
            voters[-2].action_mark_absent()
            voters[-2].action_give_proxy(holder)
        for number, resolution in enumerate(assembly.resolution_ids):
            resolution.action_start_vote()
            for i, voter in enumerate(voters - absent):
                choice = "no" if (i + number) % 4 == 3 else "yes"
                if voter.attendance == "represented":
                    resolution.cast_vote(voter, choice, "proxy", cast_by=voter.proxy_holder_id)
                else:
                    resolution.cast_vote(voter, choice, "in_room")
            resolution.action_close_vote()
        assembly.action_close()
        assembly.action_sign_chair()
        assembly.action_sign_secretary()
        self.env.flush_all()
        self.env.cr.execute(
            """
            UPDATE coop_assembly
               SET date = date - interval '1 year',
                   census_date = census_date - interval '1 year',
                   convened_date = convened_date - interval '1 year' - interval '20 days',
                   opened_at = date - interval '1 year',
                   closed_at = date - interval '1 year' + interval '3 hours',
                   chair_signed_on = date - interval '1 year' + interval '1 day',
                   secretary_signed_on = date - interval '1 year' + interval '1 day'
             WHERE id = %s
            """,
            [assembly.id],
        )
        self.env.invalidate_all()
        return True

    @api.model
    def _demo_give_shares(self, members):
        """Demo members vote only with a confirmed share (when the capital part is there)."""
        if "share_count" not in members._fields:
            return
        without = members.filtered(lambda m: m.share_count < 1)
        for company in without.company_id:
            share_class = self.env["coop.share.class"].search(
                [("company_id", "=", company.id)], limit=1
            ) or self.env["coop.share.class"].create(
                {"name": "Part sociale", "code": "A", "company_id": company.id,
                 "nominal_value": 50.0}
            )  # fmt: skip
            operations = self.env["coop.share.operation"].create(
                [
                    {
                        "member_id": member.id,
                        "company_id": company.id,
                        "share_class_id": share_class.id,
                        "operation_type": "subscription",
                        "quantity": 1,
                    }
                    for member in without.filtered(lambda m, c=company: m.company_id == c)
                ]
            )
            operations.action_confirm()
