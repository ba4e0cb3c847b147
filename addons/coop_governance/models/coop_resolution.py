import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.coop_membership.models.coop_state_guard_mixin import GuardRule

VOTED_STATES = ("voting", "adopted", "rejected")


# Set only by the resolution's actions (see coop.state.guard.mixin).
ACTION_FIELDS = frozenset(
    {
        "state",
        "weighted",
        "yes_count",
        "no_count",
        "abstain_count",
        "expressed_count",
        "yes_share",
        "urn_seal",
        "result_seal",
    }
)
# What is put to the vote: fixed once the vote opens.
VOTED_FIELDS = frozenset(
    {
        "kind",
        "seats",
        "name",
        "text",
        "majority",
        "secret",
        "assembly_id",
        "parent_id",
        "abstention_expressed",
    }
)


class CoopResolution(models.Model):
    _name = "coop.resolution"
    _description = "Resolution"
    _inherit = ["mail.thread", "coop.state.guard.mixin", "coop.resolution.tally"]
    _order = "assembly_id, sequence, id"
    _check_company_auto = True
    _coop_action_fields = ACTION_FIELDS
    _coop_initial_states = ("draft", "proposed")

    assembly_id = fields.Many2one(
        "coop.assembly", required=True, index=True, ondelete="cascade", check_company=True
    )
    assembly_state = fields.Selection(related="assembly_id.state", string="Assembly State")
    company_id = fields.Many2one(
        related="assembly_id.company_id", store=True, index=True, string="Cooperative"
    )
    sequence = fields.Integer(default=10, string="Agenda Order")
    name = fields.Char(string="Title", required=True, tracking=True)
    text = fields.Html()
    rationale = fields.Html()
    majority = fields.Selection(
        [("simple", "Simple Majority"), ("two_thirds", "Two-Thirds Majority")],
        required=True,
        default="simple",
        tracking=True,
    )
    abstention_expressed = fields.Boolean(
        string="Abstentions Count as Expressed",
        compute="_compute_abstention_expressed",
        store=True,
        readonly=False,
        precompute=True,
    )
    secret = fields.Boolean(
        string="Secret Ballot",
        tracking=True,
        help="Who voted is recorded apart from what they voted; results stay hidden "
        "until the vote closes.",
    )
    origin = fields.Selection(
        [("board", "Board"), ("members", "Members")],
        required=True,
        default="board",
        string="Proposed by",
    )
    proposer_ids = fields.Many2many(
        "coop.member",
        "coop_resolution_proposer_rel",
        "resolution_id",
        "member_id",
        string="Proposers",
    )
    cosigner_ids = fields.Many2many(
        "coop.member",
        "coop_resolution_cosigner_rel",
        "resolution_id",
        "member_id",
        string="Co-signers",
    )
    support_count = fields.Integer(compute="_compute_support", string="Signatures")
    support_required = fields.Integer(compute="_compute_support", string="Signatures Required")
    parent_id = fields.Many2one(
        "coop.resolution", string="Amended Resolution", index="btree_not_null", check_company=True
    )
    amendment_ids = fields.One2many("coop.resolution", "parent_id", string="Amendments")
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("proposed", "Proposed"),
            ("voting", "Voting"),
            ("adopted", "Adopted"),
            ("rejected", "Rejected"),
            ("withdrawn", "Withdrawn"),
        ],
        default="draft",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    kind = fields.Selection(
        [("motion", "Motion"), ("election", "Election")],
        required=True,
        default="motion",
        help="An election is voted by approval: each ballot approves up to one candidate "
        "per seat; candidates are ranked by their approvals.",
    )
    seats = fields.Integer(default=1, help="Seats to fill (elections).")
    candidacy_ids = fields.One2many("coop.candidacy", "resolution_id", string="Candidates")
    ballot_ids = fields.One2many("coop.ballot", "resolution_id", string="Ballots")
    result_ids = fields.One2many("coop.resolution.result", "resolution_id", string="Results")
    participation_count = fields.Integer(compute="_compute_participation_count", string="Voted")
    weighted = fields.Boolean(string="Weighted by College", readonly=True, copy=False)
    yes_count = fields.Integer(string="Yes", readonly=True, copy=False)
    no_count = fields.Integer(string="No", readonly=True, copy=False)
    abstain_count = fields.Integer(string="Abstain", readonly=True, copy=False)
    expressed_count = fields.Integer(string="Expressed", readonly=True, copy=False)
    yes_share = fields.Float(string="Yes (%)", digits=(5, 2), readonly=True, copy=False)
    urn_seal = fields.Char(readonly=True, copy=False)
    result_seal = fields.Char(
        readonly=True,
        copy=False,
        help="SHA-256 of the outcome stored when the vote closed (counts, results per college, "
        "candidates' scores); the audit check of the assembly recomputes it.",
    )

    @api.depends("assembly_id.company_id")
    def _compute_abstention_expressed(self):
        for resolution in self:
            resolution.abstention_expressed = (
                resolution.assembly_id.company_id.coop_abstention_expressed
            )

    @api.depends("proposer_ids", "cosigner_ids", "origin", "assembly_id")
    def _compute_support(self):
        Member = self.env["coop.member"].sudo()
        for resolution in self:
            resolution.support_count = len(resolution.proposer_ids | resolution.cosigner_ids)
            if resolution.origin != "members" or not resolution.assembly_id:
                resolution.support_required = 0
                continue
            assembly = resolution.assembly_id
            members = Member.search_count(
                [
                    ("company_id", "in", assembly._census_companies().ids),
                    ("state", "in", ("member", "resigning")),
                ]
            )
            threshold = assembly.company_id.coop_member_resolution_threshold
            resolution.support_required = math.ceil(members * threshold / 100.0 - 1e-9)

    def _compute_participation_count(self):
        counts = dict(
            self.env["coop.ballot"]
            .sudo()
            ._read_group([("resolution_id", "in", self.ids)], ["resolution_id"], ["__count"])
        )
        for resolution in self:
            resolution.participation_count = counts.get(resolution, 0)

    # ------------------------------------------------------------------
    # CRUD
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        resolutions = super().create(vals_list)
        for resolution in resolutions:
            if resolution.assembly_id.state not in ("draft", "convened"):
                raise UserError(_("Resolutions are added before the assembly opens."))
            resolution._check_parent()
        return resolutions

    def write(self, vals):
        res = super().write(vals)
        if "parent_id" in vals or "assembly_id" in vals:
            for resolution in self:
                resolution._check_parent()
        return res

    def _coop_guard_messages(self):
        return {
            "action": _(
                "The status and results of a resolution change only through its "
                "actions (propose, open and close the vote)."
            ),
            "create": _("A resolution starts as a draft; its actions set its status and results."),
            "unlink": _("Only draft resolutions can be deleted; withdraw the others."),
        }

    def _coop_guard_rules(self):
        return [
            GuardRule(
                VOTED_FIELDS,
                lambda r: r.state in VOTED_STATES,
                _("A resolution put to the vote cannot be changed."),
            )
        ]

    def _check_parent(self):
        if self.parent_id:
            if self.parent_id.assembly_id != self.assembly_id:
                raise UserError(
                    _("An amendment belongs to the assembly of the resolution it amends.")
                )
            if self.parent_id.parent_id:
                raise UserError(_("An amendment cannot be amended in turn."))

    # ------------------------------------------------------------------
    # Life cycle
    # ------------------------------------------------------------------
    def _check_resolution_state(self, allowed, action_label):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for resolution in self:
            if resolution.state not in allowed:
                raise UserError(
                    _(
                        "%(action)s is not possible: resolution %(resolution)s is %(state)s.",
                        action=action_label,
                        resolution=resolution.name,
                        state=labels[resolution.state],
                    )
                )

    def action_propose(self):
        """Put on the agenda; a members' resolution needs enough signatures."""
        self._check_resolution_state(("draft",), _("Proposing"))
        for resolution in self:
            if resolution.origin == "members":
                if not resolution.proposer_ids:
                    raise UserError(_("Name the members who propose this resolution."))
                if resolution.support_count < resolution.support_required:
                    raise UserError(
                        _(
                            "Resolution %(resolution)s has %(count)s signatures; the "
                            "statutes require %(required)s.",
                            resolution=resolution.name,
                            count=resolution.support_count,
                            required=resolution.support_required,
                        )
                    )
        self._guarded_write({"state": "proposed"})
        return True

    def action_withdraw(self):
        self._check_resolution_state(("draft", "proposed"), _("Withdrawing"))
        self._guarded_write({"state": "withdrawn"})
        self.amendment_ids.filtered(lambda r: r.state in ("draft", "proposed"))._guarded_write(
            {"state": "withdrawn"}
        )
        return True

    def action_start_vote(self):
        """Open the vote: the assembly is open and has its quorum; amendments go first."""
        self._check_resolution_state(("proposed",), _("Opening the vote"))
        for resolution in self:
            assembly = resolution.assembly_id
            if assembly.state != "open":
                raise UserError(_("Votes take place while the assembly is open."))
            if not assembly.quorum_reached:
                raise UserError(
                    _(
                        "The quorum is not reached: %(attending)s members attend or are "
                        "represented, %(required)s are needed.",
                        attending=assembly.attending_count,
                        required=assembly.quorum_required,
                    )
                )
            pending = resolution.amendment_ids.filtered(
                lambda r: r.state in ("draft", "proposed", "voting")
            )
            if pending:
                raise UserError(
                    _(
                        "Vote on the amendments of %(resolution)s first: %(amendments)s.",
                        resolution=resolution.name,
                        amendments=", ".join(pending.mapped("name")),
                    )
                )
            if resolution.secret:
                resolution._fill_urn()
        self._guarded_write({"state": "voting"})
        return True

    def _lock_for_closing(self):
        """Lock these resolutions, count their ballots and make sure nothing is missing.

        The row lock waits for the ballots being cast (they hold a share lock on their
        resolution) and stops new ones. The tally's counts (``_tally_counts``) are then
        what this transaction sees. A ballot committed after it began is invisible to it
        (repeatable read): a fresh transaction counts the committed ballots, and if it
        finds more the close is refused, to be done again. Return the counts.
        """
        if not self:
            return self._tally_counts()
        cr = self.env.cr
        cr.execute("SELECT id FROM coop_resolution WHERE id = ANY(%s) FOR UPDATE", [self.ids])
        counts = self._tally_counts()
        if not self.env.registry.ready:
            return counts  # installing (demo data): nobody else votes, nothing is committed
        with self.env.registry.cursor() as fresh:
            fresh.execute(
                "SELECT count(*) FROM coop_ballot WHERE resolution_id = ANY(%s)", [self.ids]
            )
            committed = fresh.fetchone()[0]
        if committed > sum(counts["ballots"].values()):
            raise UserError(
                _(
                    "Ballots were being cast while the vote closed: close it again to count "
                    "them all."
                )
            )
        return counts

    def action_close_vote(self):
        """Close the vote: count, store the results per college and the outcome.

        Closing is the governance officer's step: the results, seals and candidates'
        scores it stores are written by the system once that right is checked (nobody
        may create or edit them by hand).
        """
        self._check_can_close()
        self._check_resolution_state(("voting",), _("Closing the vote"))
        self.sudo()._close_vote()
        return True

    def _check_can_close(self):
        """Who closes a vote is who closes its assembly: one rule, on the assembly."""
        self.assembly_id._check_can_close()

    def _close_vote(self):
        """Count and store the outcome; privileged, called after ``_check_can_close``.

        The tally (models/coop_resolution_tally.py) counts every resolution at once;
        the chain is linked and the results sealed by ``coop.audit.chain``.
        """
        counts = self._lock_for_closing()
        self.assembly_id._link_ballots()
        self.filtered("secret")._shuffle_urn()
        for resolution in self.filtered(lambda r: r.kind == "election"):
            resolution._close_election()
        self.filtered(lambda r: r.kind == "motion")._close_motions(counts["motions"])
        seals = self.env["coop.audit.chain"]._result_seals(self)
        for resolution in self:
            resolution._guarded_write({"result_seal": seals[resolution.id]})

    def action_view_ballots(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("coop_governance.coop_ballot_action")
        action["domain"] = [("resolution_id", "=", self.id)]
        return action

    def action_record_vote(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Record a vote"),
            "res_model": "coop.vote.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_resolution_id": self.id},
        }
