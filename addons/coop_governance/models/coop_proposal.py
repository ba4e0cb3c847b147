from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import html2plaintext

from odoo.addons.coop_membership.models.coop_state_guard_mixin import GuardRule

OFFICER = "coop_governance.group_governance_officer"
TODO = "mail.mail_activity_data_todo"
# Members who propose, sign and count for the threshold.
ACTIVE_MEMBER_STATES = ("member", "resigning")
# What members of the cooperative read (besides their own drafts and hidden proposals).
PUBLIC_STATES = ("published", "threshold", "agenda", "answered", "expired")
# Set only by the proposal's actions (see coop.state.guard.mixin).
ACTION_FIELDS = frozenset(
    {
        "state",
        "deadline",
        "published_date",
        "threshold_date",
        "resolution_id",
        "answer",
        "hidden_reason",
    }
)
# What the authors wrote: theirs while a draft, locked once published.
TEXT_FIELDS = frozenset(
    {
        "name",
        "body",
        "rationale",
        "author_id",
        "coauthor_ids",
        "company_id",
        "amended_resolution_id",
    }
)
# Published proposals past their deadline closed per scheduled run (one write each batch).
EXPIRE_BATCH = 500


class CoopProposal(models.Model):
    """A resolution drafted by members, co-signed by members, sent to the board.

    draft → published (co-signature open until the deadline) → threshold (sent to the
    board) → agenda (a resolution of an assembly) or answered (refused, with a published
    reason); expired when the deadline passes below the threshold (scheduled job); a
    published proposal may be hidden by the cooperative's moderators, with a reason its
    authors see.

    An amendment is a proposal with an ``amended_resolution_id``: drafted while its
    assembly's amendment window is open (``coop.resolution._coop_amendment_refusal``),
    co-signed until the window closes, accepted by the board as an amendment resolution
    (``parent_id``) of the same assembly, or rejected with a published reason.

    The texts keep every version (``html.field.history.mixin``) and lock once published.

    Members act through the ``_member_*`` methods: private (not callable over RPC), each
    checks that the acting membership belongs to the current user before writing as
    superuser.
    """

    _name = "coop.proposal"
    _description = "Member Proposal"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "html.field.history.mixin",
        "coop.state.guard.mixin",
        "coop.role.activity.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _coop_action_fields = ACTION_FIELDS
    _coop_initial_states = ("draft",)

    name = fields.Char(string="Title", required=True, tracking=True)
    body = fields.Html(string="Text", sanitize=True)
    rationale = fields.Html(sanitize=True)
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    author_id = fields.Many2one(
        "coop.member", required=True, index=True, check_company=True, tracking=True
    )
    coauthor_ids = fields.Many2many(
        "coop.member",
        "coop_proposal_coauthor_rel",
        "proposal_id",
        "member_id",
        string="Co-authors",
        check_company=True,
    )
    amended_resolution_id = fields.Many2one(
        "coop.resolution",
        index="btree_not_null",
        check_company=True,
        help="Set for an amendment: the resolution of a convened assembly it amends.",
    )
    kind = fields.Selection(
        [("proposal", "Proposal"), ("amendment", "Amendment")],
        compute="_compute_kind",
        store=True,
    )
    signature_ids = fields.One2many(
        "coop.proposal.signature", "proposal_id", string="Signatures", readonly=True
    )
    signature_count = fields.Integer(compute="_compute_signature_count", string="Signed")
    signature_required = fields.Integer(
        compute="_compute_signature_count", string="Signatures Required"
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("published", "Open for Co-signature"),
            ("threshold", "Sent to the Board"),
            ("agenda", "On an Assembly's Agenda"),
            ("answered", "Answered by the Board"),
            ("hidden", "Hidden by Moderation"),
            ("expired", "Closed without Enough Signatures"),
        ],
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    published_date = fields.Datetime(readonly=True, copy=False)
    deadline = fields.Datetime(
        string="Co-signature Deadline",
        readonly=True,
        copy=False,
        help="Members sign, and may withdraw their signature, until then.",
    )
    threshold_date = fields.Datetime(string="Threshold Reached On", readonly=True, copy=False)
    assembly_id = fields.Many2one(
        "coop.assembly",
        check_company=True,
        domain="[('state', 'in', ('draft', 'convened'))]",
        help="The assembly whose agenda receives the proposal.",
    )
    resolution_id = fields.Many2one(
        "coop.resolution", readonly=True, copy=False, index="btree_not_null", check_company=True
    )
    answer_draft = fields.Html(
        string="Board's Answer",
        sanitize=True,
        help="Why the board does not put the proposal on an agenda; published with it.",
    )
    answer = fields.Html(string="Published Answer", sanitize=True, readonly=True, copy=False)
    hidden_reason = fields.Text(string="Reason for Hiding", readonly=True, copy=False)

    @api.depends("amended_resolution_id")
    def _compute_kind(self):
        for proposal in self:
            proposal.kind = "amendment" if proposal.amended_resolution_id else "proposal"

    def _get_versioned_fields(self):
        return [CoopProposal.body.name, CoopProposal.rationale.name]

    # ------------------------------------------------------------------
    # Counting
    # ------------------------------------------------------------------
    def _signature_counts(self):
        """{proposal id: signatures}, one query whatever the number of signatures."""
        if not self.ids:
            return {}
        self.env["coop.proposal.signature"].flush_model(["proposal_id"])
        self.env.cr.execute(
            "SELECT proposal_id, count(*) FROM coop_proposal_signature "
            "WHERE proposal_id = ANY(%s) GROUP BY proposal_id",
            [list(self.ids)],
        )
        return dict(self.env.cr.fetchall())

    def _compute_signature_count(self):
        counts = self._signature_counts()
        required = {c: c._coop_proposal_threshold() for c in self.company_id}
        for proposal in self:
            proposal.signature_count = counts.get(proposal.id, 0)
            proposal.signature_required = required.get(proposal.company_id, 0)

    # ------------------------------------------------------------------
    # Guard
    # ------------------------------------------------------------------
    def _coop_guard_messages(self):
        return {
            "action": _(
                "The status, deadline, answer and agenda of a proposal change only through "
                "its actions (publish, sign, put on an agenda, answer, hide)."
            ),
            "create": _("A proposal starts as a draft; its actions set the rest."),
            "unlink": _("Only draft proposals can be deleted."),
        }

    def _coop_guard_rules(self):
        return [
            GuardRule(
                TEXT_FIELDS,
                lambda p: p.state != "draft",
                _("A published proposal cannot be edited: its text is locked."),
            ),
            GuardRule(
                frozenset({"assembly_id", "answer_draft"}),
                lambda p: p.state != "threshold",
                _("The board decides on a proposal once it has reached its threshold."),
            ),
        ]

    # ------------------------------------------------------------------
    # Members (called by the member space with the user's own memberships)
    # ------------------------------------------------------------------
    def _member_check(self, member):
        """Raise unless ``member`` is a membership of the current user that may act."""
        member.ensure_one()
        partner = self.env.user.partner_id
        member = member.sudo()
        if not self.env.su and partner not in (member.partner_id | member.representative_id):
            raise AccessError(_("This membership is not yours."))
        if member.state not in ACTIVE_MEMBER_STATES:
            raise UserError(
                _(
                    "Your membership of %(company)s has ended: you can no longer propose or sign.",
                    company=member.company_id.name,
                )
            )
        return member

    def _member_check_text(self, vals):
        name = (vals.get("name") or "").strip()
        if not name:
            raise UserError(_("Give your proposal a title."))
        return {
            "name": name,
            "body": vals.get("body") or False,
            "rationale": vals.get("rationale") or False,
        }

    @api.model
    def _member_create(self, member, vals):
        """A new draft by ``member`` in their cooperative (title, body, rationale), or an
        amendment when ``vals`` names the ``amended_resolution_id``."""
        member = self._member_check(member)
        values = self._member_check_text(vals)
        if vals.get("amended_resolution_id"):
            resolution = self._member_check_amendable(member, vals["amended_resolution_id"])
            values["amended_resolution_id"] = resolution.id
        return (
            self.sudo()
            .with_company(member.company_id)
            .create({**values, "company_id": member.company_id.id, "author_id": member.id})
        )

    @api.model
    def _member_check_amendable(self, member, resolution_id):
        """The resolution ``member`` may amend now: of their cooperative's convened
        assembly, during its amendment window, and not an amendment itself."""
        resolution = self.env["coop.resolution"].sudo().browse(resolution_id).exists()
        if not resolution or resolution.company_id != member.company_id:
            raise UserError(
                _("Only members of the assembly's cooperative may amend its resolutions.")
            )
        resolution._coop_check_amendable()
        return resolution

    def _member_check_author(self, member):
        self.ensure_one()
        member = self._member_check(member)
        proposal = self.sudo()
        if member not in proposal.author_id | proposal.coauthor_ids:
            raise AccessError(_("Only the authors of a proposal may change it."))
        if proposal.state != "draft":
            raise UserError(_("A published proposal cannot be edited: its text is locked."))
        return proposal

    def _member_write(self, member, vals):
        """The authors edit their draft; each change of text is a new version."""
        proposal = self._member_check_author(member)
        proposal.write(self._member_check_text(vals))
        return True

    def _member_coauthor_candidates(self, member, term):
        """Fellow members of the cooperative found by name (3 letters) or exact number."""
        proposal = self._member_check_author(member)
        term = (term or "").strip()
        if len(term) < 3 and not term.isdigit():
            return self.env["coop.member"]
        return (
            self.env["coop.member"]
            .sudo()
            .search(
                [
                    ("company_id", "=", proposal.company_id.id),
                    ("state", "in", ACTIVE_MEMBER_STATES),
                    ("id", "not in", (proposal.author_id | proposal.coauthor_ids).ids),
                    "|",
                    ("member_number", "=", term),
                    ("partner_id.name", "ilike", term),
                ],
                limit=8,
            )
        )

    def _member_add_coauthor(self, member, coauthor_id):
        """Invite a fellow member of the cooperative to co-author the draft."""
        proposal = self._member_check_author(member)
        coauthor = (
            self.env["coop.member"]
            .sudo()
            .search(
                [
                    ("id", "=", coauthor_id or 0),
                    ("company_id", "=", proposal.company_id.id),
                    ("state", "in", ACTIVE_MEMBER_STATES),
                ]
            )
        )
        if not coauthor:
            raise UserError(_("Choose the co-author among the members of your cooperative."))
        proposal.coauthor_ids = [fields.Command.link(coauthor.id)]
        return coauthor

    def _member_publish(self, member):
        """Open the co-signature to the members of the cooperative until the deadline."""
        proposal = self._member_check_author(member)
        if not html2plaintext(proposal.body or "").strip():
            raise UserError(_("Write the text of your proposal before publishing it."))
        now = fields.Datetime.now()
        days = proposal.company_id.coop_proposal_signature_days or 60
        deadline = now + timedelta(days=days)
        if proposal.amended_resolution_id:
            # An amendment is co-signed while its assembly's amendment window is open.
            proposal.amended_resolution_id._coop_check_amendable()
            deadline = proposal.amended_resolution_id.assembly_id.amendment_deadline
        proposal._guarded_write({"state": "published", "published_date": now, "deadline": deadline})
        return True

    def _member_check_signing(self, member):
        self.ensure_one()
        member = self._member_check(member)
        proposal = self.sudo()
        if member.company_id != proposal.company_id:
            raise UserError(_("Only members of the proposal's cooperative may sign it."))
        if proposal.state not in ("published", "threshold"):
            raise UserError(_("This proposal is not open for co-signature."))
        if proposal.deadline and proposal.deadline < fields.Datetime.now():
            raise UserError(_("The co-signature of this proposal is closed."))
        return member, proposal

    def _member_sign(self, member):
        """Sign once; the board hears of it when the threshold is reached."""
        member, proposal = self._member_check_signing(member)
        Signature = self.env["coop.proposal.signature"].sudo()
        if Signature.search_count(
            [("proposal_id", "=", proposal.id), ("member_id", "=", member.id)]
        ):
            raise UserError(_("You have already signed this proposal."))
        signature = Signature.create({"proposal_id": proposal.id, "member_id": member.id})
        proposal._check_threshold()
        return signature

    def _member_withdraw(self, member):
        """Withdraw a signature, until the deadline."""
        member, proposal = self._member_check_signing(member)
        signature = (
            self.env["coop.proposal.signature"]
            .sudo()
            .search([("proposal_id", "=", proposal.id), ("member_id", "=", member.id)])
        )
        if not signature:
            raise UserError(_("You have not signed this proposal."))
        signature.unlink()
        return True

    @api.model
    def _member_proposals(self, members):
        """What these memberships see: published proposals of their cooperatives, and
        their own drafts and hidden proposals (whose authors see why)."""
        mine = members.ids
        return self.sudo().search(
            [
                ("company_id", "in", members.company_id.ids),
                "|",
                "|",
                ("state", "in", PUBLIC_STATES),
                ("author_id", "in", mine),
                ("coauthor_ids", "in", mine),
            ]
        )

    def _member_signed(self, members):
        """The memberships among ``members`` that signed ``self``."""
        self.ensure_one()
        return (
            self.env["coop.proposal.signature"]
            .sudo()
            .search([("proposal_id", "=", self.id), ("member_id", "in", members.ids)])
            .member_id
        )

    def _body_versions(self):
        """The versions of the text, newest first: number, author's name and date.

        Read in SQL without their patches: the ORM copies the whole history (every patch)
        on each read of the JSON field, which made the page grow with the versions.
        """
        self.ensure_one()
        self.flush_recordset(["html_field_history"])
        self.env.cr.execute(
            """
            SELECT (r.rev->>'revision_id')::int, r.rev->>'create_user_name',
                   r.rev->>'create_date'
              FROM coop_proposal p,
                   jsonb_array_elements(p.html_field_history->'body') WITH ORDINALITY r(rev, n)
             WHERE p.id = %s
          ORDER BY r.n
            """,
            [self.id],
        )
        return [
            {"revision_id": rev, "create_user_name": name, "create_date": date}
            for rev, name, date in self.env.cr.fetchall()
        ]

    # ------------------------------------------------------------------
    # Threshold
    # ------------------------------------------------------------------
    def _check_threshold(self):
        """Send to the board the published proposals that reached their threshold.

        Private: called once a signature is stored.
        """
        counts = self._signature_counts()
        reached = self.filtered(
            lambda p: (
                p.state == "published"
                and counts.get(p.id, 0) >= p.company_id._coop_proposal_threshold()
            )
        )
        if not reached:
            return reached
        reached._guarded_write({"state": "threshold", "threshold_date": fields.Datetime.now()})
        reached._coop_schedule_role_activity(
            OFFICER,
            TODO,
            note=lambda p: p.env._(
                "Proposal %(title)s reached %(count)s signatures: put it on an assembly's "
                "agenda or answer it.",
                title=p.name,
                count=counts.get(p.id, 0),
            ),
        )
        return reached

    # ------------------------------------------------------------------
    # Board
    # ------------------------------------------------------------------
    def _check_board_step(self):
        if not self.env.su and not self.env.user.has_group(OFFICER):
            raise AccessError(_("Only governance officers decide on proposals."))
        self.check_access("write")
        for proposal in self:
            if proposal.state != "threshold":
                raise UserError(
                    _(
                        "Proposal %(title)s has not reached its threshold, or the board has "
                        "already decided on it.",
                        title=proposal.name,
                    )
                )

    def action_put_on_agenda(self):
        """Make the proposal a resolution of the chosen assembly; its texts lock."""
        self._check_board_step()
        for proposal in self:
            amended = proposal.amended_resolution_id
            # An amendment goes to the agenda of the resolution it amends, voted first.
            assembly = amended.assembly_id or proposal.assembly_id
            if not assembly:
                raise UserError(_("Choose the assembly whose agenda receives the proposal."))
            resolution = self.env["coop.resolution"].create(
                {
                    "assembly_id": assembly.id,
                    "parent_id": amended.id,
                    "sequence": amended.sequence - 1 if amended else 10,
                    "name": proposal.name,
                    "text": proposal.body,
                    "rationale": proposal.rationale,
                    "origin": "members",
                    "proposer_ids": [
                        fields.Command.set((proposal.author_id | proposal.coauthor_ids).ids)
                    ],
                    "cosigner_ids": [
                        fields.Command.set(proposal.sudo().signature_ids.member_id.ids)
                    ],
                }
            )
            proposal._guarded_write(
                {"state": "agenda", "resolution_id": resolution.id, "assembly_id": assembly.id}
            )
        self.activity_feedback([TODO])
        return True

    def action_answer(self):
        """Refuse to put the proposal on an agenda, with a reason members read."""
        self._check_board_step()
        for proposal in self:
            if not html2plaintext(proposal.answer_draft or "").strip():
                raise UserError(_("Write the board's answer: members read it."))
            proposal._guarded_write({"state": "answered", "answer": proposal.answer_draft})
        self.activity_feedback([TODO])
        return True

    def _hide(self, reason):
        """Hide the proposal from members; its authors see ``reason``.

        Private: the caller checked that the user moderates this cooperative.
        """
        reason = (reason or "").strip()
        if not reason:
            raise UserError(_("Say why the proposal is hidden: its authors read it."))
        if any(proposal.state in ("draft", "hidden") for proposal in self):
            raise UserError(_("Only published proposals can be hidden."))
        self._guarded_write({"state": "hidden", "hidden_reason": reason})
        return True

    # ------------------------------------------------------------------
    # Deadline
    # ------------------------------------------------------------------
    @api.model
    def _cron_close_expired(self, batch=EXPIRE_BATCH):
        """Close the published proposals whose deadline passed below their threshold.

        Those that reached it were sent to the board as they did; the rest close here,
        a batch at a time (one search and one write per batch), the cron reporting what
        remains so that Odoo runs it again soon.
        """
        now = fields.Datetime.now()
        domain = [("state", "=", "published"), ("deadline", "<", now)]
        expired = self.search(domain, limit=batch, order="deadline, id")
        if expired:
            expired._guarded_write({"state": "expired"})
        remaining = self.search_count(domain) if len(expired) == batch else 0
        self.env["ir.cron"]._notify_progress(done=len(expired), remaining=remaining)
        return expired
