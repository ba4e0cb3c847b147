import hashlib
import math
from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

# Attendance values that count for the quorum (a postal ballot counts as attending).
ATTENDING = ("present", "remote", "represented", "postal")
GENESIS_HASH = "0" * 64
#: First key of the advisory lock that serialises the linking of an assembly's ballots.
CHAIN_LOCK = 7_431_001
# Set only by the assembly's actions (see _action_write).
ACTION_FIELDS = {
    "state",
    "convened_date",
    "opened_at",
    "closed_at",
    "minutes_number",
    "audit_head",
    "chair_signed_on",
    "secretary_signed_on",
}


class CoopAssembly(models.Model):
    _name = "coop.assembly"
    _description = "General Assembly"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

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

    # Minutes (procès-verbal).
    chair_id = fields.Many2one("res.partner", tracking=True)
    secretary_id = fields.Many2one("res.partner", tracking=True)
    minutes_number = fields.Char(readonly=True, copy=False, index="btree_not_null")
    minutes_notes = fields.Html()
    audit_head = fields.Char(
        readonly=True,
        copy=False,
        help="SHA-256 of the last ballot of the audit chain; written in the minutes at closing.",
    )
    chair_signed_on = fields.Datetime(string="Signed by the Chair", readonly=True, copy=False)
    secretary_signed_on = fields.Datetime(
        string="Signed by the Secretary", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "minutes_number_uniq",
            "unique(company_id, minutes_number)",
            "A minutes number is given once in the register of deliberations.",
        ),
    ]

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
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if (ACTION_FIELDS - {"state"}) & set(vals) or vals.get("state", "draft") != "draft":
                raise UserError(_("An assembly starts as a draft; its actions move it on."))
        return super().create(vals_list)

    def write(self, vals):
        if ACTION_FIELDS & set(vals):
            raise UserError(
                _(
                    "The status, minutes number and audit chain of an assembly change only "
                    "through its actions (convene, open, close...)."
                )
            )
        frozen = {"company_id", "national", "assembly_type", "census_date"}
        if frozen & set(vals) and any(a.state != "draft" for a in self):
            raise UserError(
                _("The cooperative, type and census of a convened assembly cannot change.")
            )
        if "date" in vals and any(a.state in ("open", "closed") for a in self):
            raise UserError(_("The date of an assembly that was held cannot change."))
        locked = {"minutes_notes", "chair_id", "secretary_id", "name", "agenda", "place"}
        if locked & set(vals) and any(
            a.state == "closed" and (a.chair_signed_on or a.secretary_signed_on) for a in self
        ):
            raise UserError(_("Signed minutes cannot be changed."))
        return super().write(vals)

    def _action_write(self, vals):
        """Write the fields only actions set, once they checked their rules.

        Private, so not callable over RPC; access rights still apply.
        """
        return super().write(vals)  # pylint: disable=super-method-mismatch

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(a.state != "draft" for a in self):
            raise UserError(_("Only draft assemblies can be deleted; cancel the others."))

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
            assembly._action_write({"state": "convened", "convened_date": today})
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
        self._action_write({"state": "open", "opened_at": fields.Datetime.now()})
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
            )._action_write({"state": "withdrawn"})
            number = assembly.company_id._coop_get_deliberation_sequence().next_by_id()
            assembly._link_ballots()
            assembly._action_write(
                {
                    "state": "closed",
                    "closed_at": fields.Datetime.now(),
                    "minutes_number": number,
                    "audit_head": assembly._audit_chain_head(),
                }
            )

    def action_cancel(self):
        self._check_assembly_state(("draft", "convened"), _("Cancelling"))
        self._action_write({"state": "cancelled"})
        return True

    def action_draft(self):
        """Back to draft a cancelled assembly that was never convened."""
        self._check_assembly_state(("cancelled",), _("Resetting to draft"))
        if any(a.convened_date for a in self):
            raise UserError(_("A convened assembly cannot go back to draft; create a new one."))
        self._action_write({"state": "draft"})
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
        self.resolution_ids._action_write({"state": "withdrawn"})
        self.write({"quorum_failed": True})
        self.action_close()
        return {
            "type": "ir.actions.act_window",
            "res_model": "coop.assembly",
            "res_id": second.id,
            "view_mode": "form",
        }

    def action_sign_chair(self):
        self._sign("chair")
        return True

    def action_sign_secretary(self):
        self._sign("secretary")
        return True

    def _sign(self, role):
        for assembly in self:
            if assembly.state != "closed":
                raise UserError(_("Minutes are signed once the assembly is closed."))
            person = assembly.chair_id if role == "chair" else assembly.secretary_id
            if not person:
                raise UserError(_("Name the chair and the secretary before signing."))
            if assembly[f"{role}_signed_on"]:
                raise UserError(_("These minutes are already signed."))
            assembly._action_write({f"{role}_signed_on": fields.Datetime.now()})
            assembly.message_post(
                body=_(
                    "Minutes %(number)s signed by %(person)s.",
                    number=assembly.minutes_number,
                    person=person.name,
                )
            )

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

    def action_print_minutes(self):
        """Print the minutes; while the assembly is open they print as a marked draft."""
        self.ensure_one()
        if self.state not in ("open", "closed"):
            raise UserError(_("The minutes are printed once the assembly is open (as a draft)."))
        return self.env.ref("coop_governance.action_report_minutes").report_action(self)

    def _minutes_attendance(self):
        """Attendance by college (and a total line) for the minutes, in one query."""
        self.ensure_one()
        groups = (
            self.env["coop.assembly.voter"]
            .sudo()
            ._read_group([("assembly_id", "=", self.id)], ["college_id", "attendance"], ["__count"])
        )
        lines = {}
        for college, attendance, count in groups:
            name = college.name if college else _("No college")
            line = lines.setdefault(
                name,
                {
                    "college": name,
                    "census": 0,
                    "present": 0,
                    "remote": 0,
                    "represented": 0,
                    "postal": 0,
                    "attending": 0,
                    "total_line": False,
                },
            )
            line["census"] += count
            if attendance != "absent":
                line[attendance] += count
                line["attending"] += count
        result = sorted(lines.values(), key=lambda line: line["college"])
        total = {"college": _("Total"), "total_line": True}
        for key in ("census", "present", "remote", "represented", "postal", "attending"):
            total[key] = sum(line[key] for line in result)
        return [*result, total]

    # ------------------------------------------------------------------
    # Audit chain
    # ------------------------------------------------------------------
    @api.model
    def _hash_link(self, previous, content):
        return hashlib.sha256((previous + content).encode()).hexdigest()

    def _link_ballots(self):
        """Link the ballots committed since the last run into each assembly's chain.

        One linker at a time per assembly (advisory lock, not a lock of the assembly's row:
        every ballot being cast checks that row's key, and a row updated or locked for
        update under it would make it wait or fail), in the order ballots were stored.
        Runs every minute (cron), when a vote closes and before the chain is verified.
        Return the number linked.
        """
        Ballot = self.env["coop.ballot"]
        Ballot.flush_model()
        cr = self.env.cr
        linked = 0
        for assembly in self:
            cr.execute("SELECT pg_advisory_xact_lock(%s, %s)", [CHAIN_LOCK, assembly.id])
            index, previous = assembly._audit_chain_tail()
            cr.execute(
                """
                SELECT id, resolution_id, voter_id, COALESCE(choice, ''), channel,
                       COALESCE(cast_by_id, 0), college_id, COALESCE(approvals, '')
                  FROM coop_ballot
                 WHERE assembly_id = %s AND chain_index IS NULL
              ORDER BY id
                """,
                [assembly.id],
            )
            rows = []
            for ballot_id, *content in cr.fetchall():
                index += 1
                digest = self._hash_link(previous, Ballot._canonical(assembly.id, index, *content))
                rows.append((ballot_id, index, previous, digest))
                previous = digest
            if not rows:
                continue
            # SQL on purpose: the ORM refuses any write on a ballot; the chain fields are
            # filled here once, where they are still empty.
            cr.execute(
                """
                UPDATE coop_ballot b SET chain_index = v.idx, prev_hash = v.prev, hash = v.hash
                  FROM (SELECT unnest(%s::int[]) id, unnest(%s::int[]) idx,
                               unnest(%s::varchar[]) prev, unnest(%s::varchar[]) hash) v
                 WHERE b.id = v.id AND b.chain_index IS NULL
                """,
                [list(column) for column in zip(*rows, strict=True)],
            )
            linked += len(rows)
        Ballot.invalidate_model(["chain_index", "prev_hash", "hash"])
        return linked

    @api.model
    def _cron_link_ballots(self):
        """Scheduled action: link the new ballots of every assembly that has some."""
        self.env["coop.ballot"].flush_model()
        # Open assemblies only: closing links the rest, and a ballot of a closed assembly
        # left out of its chain is an anomaly the verification must report, not hide.
        self.env.cr.execute(
            """
            SELECT DISTINCT b.assembly_id FROM coop_ballot b
              JOIN coop_assembly a ON a.id = b.assembly_id
             WHERE b.chain_index IS NULL AND a.state = 'open'
            """
        )
        assemblies = self.browse([row[0] for row in self.env.cr.fetchall()])
        return assemblies._link_ballots()

    def _audit_chain_tail(self):
        """(index, hash) of the last linked ballot; (0, genesis) for an empty chain."""
        self.ensure_one()
        self.env["coop.ballot"].flush_model()
        self.env.cr.execute(
            "SELECT chain_index, hash FROM coop_ballot "
            "WHERE assembly_id = %s AND chain_index IS NOT NULL "
            "ORDER BY chain_index DESC LIMIT 1",
            [self.id],
        )
        return self.env.cr.fetchone() or (0, GENESIS_HASH)

    def _audit_chain_head(self):
        return self._audit_chain_tail()[1]

    def verify_audit_chain(self):
        """Recompute the chain; return {'ok', 'broken_ballot', 'message'}.

        Checks each ballot's link to the previous one and its content hash, the
        chain head written in the minutes, the seal of each secret urn and the seal of
        the results stored when each vote closed.
        """
        self.ensure_one()
        self.env["coop.ballot"].flush_model()
        if self.state != "closed":
            self._link_ballots()  # a closed assembly's chain is only read
        self.env.cr.execute(
            """
            SELECT id, chain_index, prev_hash, hash, receipt, resolution_id, voter_id,
                   COALESCE(choice, ''), channel, COALESCE(cast_by_id, 0), college_id,
                   COALESCE(approvals, '')
              FROM coop_ballot
             WHERE assembly_id = %s
          ORDER BY chain_index NULLS LAST, id
            """,
            [self.id],
        )
        Ballot = self.env["coop.ballot"]
        previous = GENESIS_HASH
        expected_index = 1
        for row in self.env.cr.fetchall():
            ballot_id, index, prev_hash, stored, receipt, *content = row
            link = Ballot.browse(ballot_id)
            if index is None:
                return self._audit_failure(
                    link, _("ballot %(id)s is not in the chain", id=ballot_id)
                )
            if index != expected_index:
                return self._audit_failure(
                    link, _("ballot #%(index)s is missing from the chain", index=expected_index)
                )
            computed = self._hash_link(previous, Ballot._canonical(self.id, index, *content))
            if prev_hash != previous or computed != stored:
                return self._audit_failure(
                    link, _("ballot #%(index)s does not match its hash", index=index)
                )
            if receipt and receipt != Ballot._receipt(self.id, *content):
                return self._audit_failure(
                    link, _("ballot #%(index)s does not match its receipt", index=index)
                )
            previous = stored
            expected_index += 1
        if self.audit_head and self.audit_head != previous:
            return self._audit_failure(
                Ballot, _("the chain head differs from the one written in the minutes")
            )
        for resolution in self.resolution_ids.filtered(lambda r: r.secret and r.urn_seal):
            if resolution._urn_seal() != resolution.urn_seal:
                return self._audit_failure(
                    Ballot,
                    _(
                        "the secret urn of resolution %(resolution)s was altered",
                        resolution=resolution.display_name,
                    ),
                )
        for resolution in self.resolution_ids.filtered("result_seal"):
            if resolution._result_seal() != resolution.result_seal:
                return self._audit_failure(
                    Ballot,
                    _(
                        "the results of resolution %(resolution)s were altered after its "
                        "vote closed",
                        resolution=resolution.display_name,
                    ),
                )
        return {
            "ok": True,
            "broken_ballot": False,
            "message": _(
                "Audit chain intact: %(count)s ballots, head %(head)s.",
                count=expected_index - 1,
                head=previous,
            ),
        }

    def _audit_failure(self, ballot, reason):
        return {
            "ok": False,
            "broken_ballot": ballot.id or False,
            "message": _("Audit chain broken: %(reason)s.", reason=reason),
        }

    def action_verify_audit_chain(self):
        self.ensure_one()
        result = self.verify_audit_chain()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": _("Audit chain"),
                "message": result["message"],
                "type": "success" if result["ok"] else "danger",
                "sticky": not result["ok"],
            },
        }

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
