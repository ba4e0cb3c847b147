import math
import secrets

import psycopg2

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, float_compare

from .coop_ballot import CHANNELS, CHOICES

VOTED_STATES = ("voting", "adopted", "rejected")


# Set only by the resolution's actions (see _action_write).
ACTION_FIELDS = {
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


class CoopResolution(models.Model):
    _name = "coop.resolution"
    _description = "Resolution"
    _inherit = ["mail.thread"]
    _order = "assembly_id, sequence, id"
    _check_company_auto = True

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
        for vals in vals_list:
            if (ACTION_FIELDS - {"state"}) & set(vals) or vals.get("state", "draft") not in (
                "draft",
                "proposed",
            ):
                raise UserError(
                    _("A resolution starts as a draft; its actions set its status and results.")
                )
        resolutions = super().create(vals_list)
        for resolution in resolutions:
            if resolution.assembly_id.state not in ("draft", "convened"):
                raise UserError(_("Resolutions are added before the assembly opens."))
            resolution._check_parent()
        return resolutions

    def write(self, vals):
        if ACTION_FIELDS & set(vals):
            raise UserError(
                _(
                    "The status and results of a resolution change only through its "
                    "actions (propose, open and close the vote)."
                )
            )
        frozen = {
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
        if frozen & set(vals) and any(r.state in VOTED_STATES for r in self):
            raise UserError(_("A resolution put to the vote cannot be changed."))
        res = super().write(vals)
        if "parent_id" in vals or "assembly_id" in vals:
            for resolution in self:
                resolution._check_parent()
        return res

    def _action_write(self, vals):
        """Write the status and results once the calling action checked its rules.

        Private, so not callable over RPC; access rights still apply.
        """
        return super().write(vals)  # pylint: disable=super-method-mismatch

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        if any(r.state != "draft" for r in self):
            raise UserError(_("Only draft resolutions can be deleted; withdraw the others."))

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
        self._action_write({"state": "proposed"})
        return True

    def action_withdraw(self):
        self._check_resolution_state(("draft", "proposed"), _("Withdrawing"))
        self._action_write({"state": "withdrawn"})
        self.amendment_ids.filtered(lambda r: r.state in ("draft", "proposed"))._action_write(
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
        self._action_write({"state": "voting"})
        return True

    def _fill_urn(self):
        """One empty anonymous slot per voter, inserted in random order."""
        self.ensure_one()
        self.env["coop.assembly.voter"].flush_model()
        self.env.cr.execute(
            """
            INSERT INTO coop_ballot_secret (resolution_id, college_id, token, used)
            SELECT %s, v.college_id, md5(random()::text || clock_timestamp()::text || v.id),
                   FALSE
              FROM coop_assembly_voter v
             WHERE v.assembly_id = %s
          ORDER BY random()
            """,
            [self.id, self.assembly_id.id],
        )

    def _lock_for_closing(self):
        """Make sure the tally sees every ballot of these resolutions.

        The row lock waits for the ballots being cast (they hold a share lock on their
        resolution) and stops new ones. A ballot committed after this transaction began
        is invisible to it (repeatable read): a fresh transaction counts the committed
        ballots, and if it finds more the close is refused, to be done again.
        """
        cr = self.env.cr
        if not self:
            return
        cr.execute("SELECT id FROM coop_resolution WHERE id = ANY(%s) FOR UPDATE", [self.ids])
        self.env["coop.ballot"].flush_model()
        query = "SELECT count(*) FROM coop_ballot WHERE resolution_id = ANY(%s)"
        cr.execute(query, [self.ids])
        seen = cr.fetchone()[0]
        if not self.env.registry.ready:
            return  # installing (demo data): nobody else votes, the tables are not committed
        with self.env.registry.cursor() as fresh:
            fresh.execute(query, [self.ids])
            committed = fresh.fetchone()[0]
        if committed > seen:
            raise UserError(
                _(
                    "Ballots were being cast while the vote closed: close it again to count "
                    "them all."
                )
            )

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
        """Count and store the outcome; privileged, called after ``_check_can_close``."""
        self._lock_for_closing()
        self.assembly_id._link_ballots()
        self.filtered("secret")._shuffle_urn()
        for resolution in self.filtered(lambda r: r.kind == "election"):
            resolution._close_election()
        for resolution in self.filtered(lambda r: r.kind == "motion"):
            # The outcome comes from the full counts; only publishable rows are stored.
            results = resolution._compute_results()
            resolution._store_result_lines(results["colleges"])
            resolution._action_write(
                {
                    "state": "adopted" if results["adopted"] else "rejected",
                    "weighted": results["weighted"],
                    "yes_count": results["yes"],
                    "no_count": results["no"],
                    "abstain_count": results["abstain"],
                    "expressed_count": results["expressed"],
                    "yes_share": results["yes_share"],
                    "urn_seal": resolution._urn_seal() if resolution.secret else False,
                }
            )
        for resolution in self:
            resolution._action_write({"result_seal": resolution._result_seal()})

    def _store_result_lines(self, lines):
        """Replace the stored results per college by the publishable ``lines``."""
        self.ensure_one()
        self.result_ids.unlink()
        self.env["coop.resolution.result"].create(
            [
                {
                    "resolution_id": self.id,
                    "sequence": i,
                    "college_id": line["college_id"],
                    "college_name": line["college_name"],
                    "weight": line["weight"],
                    "effective_weight": line["effective_weight"],
                    "yes_count": line["yes"],
                    "no_count": line["no"],
                    "abstain_count": line["abstain"],
                    "expressed_count": line["expressed"],
                    "yes_percent": line["yes_percent"],
                }
                for i, line in enumerate(self._publishable_lines(lines))
            ]
        )

    def _republish_secret_results(self):
        """Apply the disclosure rule to secret votes closed before it existed.

        Used by the module's migration: the stored rows are merged as a close would
        merge them today (the outcome and totals do not change), the urn is rewritten in
        random order and the result seal covers the new rows.
        """
        closed = self.filtered(lambda r: r.secret and r.state in ("adopted", "rejected"))
        closed._shuffle_urn()
        for resolution in closed.filtered(lambda r: r.kind == "motion"):
            resolution._store_result_lines(
                [
                    {
                        "college_id": line.college_id.id,
                        "college_name": line.college_name,
                        "weight": line.weight,
                        "effective_weight": line.effective_weight,
                        "yes": line.yes_count,
                        "no": line.no_count,
                        "abstain": line.abstain_count,
                        "expressed": line.expressed_count,
                        "yes_percent": line.yes_percent,
                    }
                    for line in resolution.result_ids
                ]
            )
            resolution._action_write({"result_seal": resolution._result_seal()})

    def _shuffle_urn(self):
        """Rewrite the urns of these secret resolutions in a random order, in one go.

        While the vote ran, each vote updated one slot in its own transaction: the row's
        ``xmin`` (transaction id) and its new physical place followed the order of the
        votes, which the participations (``coop.ballot``, who voted when) also follow.
        Deleting the slots and inserting them again ``ORDER BY random()`` in the closing
        transaction gives every slot the same ``xmin`` and a random physical order.
        ``pg_dump`` copies only live rows, in physical order, so a backup keeps no trace
        of the order of votes either; the dead row versions stay on disk until VACUUM
        reclaims them (autovacuum, or ``VACUUM coop_ballot_secret`` after the
        assembly). Tokens, colleges and choices are kept: the urn seal, over token
        order, does not change.
        """
        if not self:
            return
        Slot = self.env["coop.ballot.secret"]
        Slot.flush_model()
        # One statement: the deleted rows feed the insert, nothing leaves the database.
        self.env.cr.execute(
            """
            WITH old AS (
                DELETE FROM coop_ballot_secret WHERE resolution_id = ANY(%s)
                  RETURNING id, resolution_id, college_id, token, choice, approvals, used
            )
            INSERT INTO coop_ballot_secret
                   (id, resolution_id, college_id, token, choice, approvals, used)
            SELECT id, resolution_id, college_id, token, choice, approvals, used
              FROM old
          ORDER BY random()
            """,
            [self.ids],
        )
        Slot.invalidate_model()

    def _publishable_lines(self, lines):
        """The per-college lines of this resolution that may be published.

        Open votes publish every college. In a secret vote the colleges the
        cooperative's disclosure rule (``res.company._coop_disclosure_groups``) does not
        publish alone are summed into one merged line, named after its colleges: no
        published line, and no total minus published lines, describes fewer voters
        than the threshold. The totals and the weighted outcome stay those of all votes.
        """
        self.ensure_one()
        if not self.secret:
            return lines
        company = self.assembly_id.company_id
        sizes = {i: line["yes"] + line["no"] + line["abstain"] for i, line in enumerate(lines)}
        singles, merged = company._coop_disclosure_groups(sizes)
        published = [lines[i] for i in singles]
        if merged:
            group = [lines[i] for i in merged]
            counts = {
                key: sum(line[key] for line in group)
                for key in ("yes", "no", "abstain", "expressed", "weight", "effective_weight")
            }
            published.append(
                {
                    "code": False,
                    "college_id": False,
                    "college_name": _(
                        "Merged colleges: %(colleges)s (a college with fewer than "
                        "%(threshold)s voters is not published on its own)",
                        colleges=", ".join(line["college_name"] for line in group),
                        threshold=company.coop_secret_min_voters,
                    ),
                    **counts,
                    "yes_percent": (
                        100.0 * counts["yes"] / counts["expressed"] if counts["expressed"] else 0.0
                    ),
                }
            )
        return published

    def _close_election(self):
        ranking = self._election_results()
        for line in ranking:
            line["candidacy"]._action_write(
                {
                    "approval_count": line["approvals"],
                    "score": line["score"],
                    "rank": line["rank"],
                    "elected": line["elected"],
                }
            )
        self._action_write(
            {
                "state": "adopted",
                "weighted": self.company_id.coop_vote_by_college,
                "expressed_count": sum(self._election_counts()[1].values()),
                "urn_seal": self._urn_seal() if self.secret else False,
            }
        )

    def _election_counts(self):
        """({(college code, candidacy id): approvals}, {college code: ballots}) in SQL."""
        self.ensure_one()
        self.env["coop.ballot"].flush_model()
        table = SQL.identifier("coop_ballot_secret" if self.secret else "coop_ballot")
        used = SQL("AND b.used") if self.secret else SQL()
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(c.code, ''), COUNT(*)
                  FROM %(table)s b
             LEFT JOIN coop_college c ON c.id = b.college_id
                 WHERE b.resolution_id = %(resolution)s %(used)s
              GROUP BY 1
                """,
                table=table,
                resolution=self.id,
                used=used,
            )
        )
        ballots = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                """
                SELECT COALESCE(c.code, ''), a.candidacy_id::int, COUNT(*)
                  FROM %(table)s b
                  CROSS JOIN LATERAL unnest(string_to_array(b.approvals, ',')) AS a(candidacy_id)
             LEFT JOIN coop_college c ON c.id = b.college_id
                 WHERE b.resolution_id = %(resolution)s AND b.approvals IS NOT NULL %(used)s
              GROUP BY 1, 2
                """,
                table=table,
                resolution=self.id,
                used=used,
            )
        )
        approvals = {(code, cand): count for code, cand, count in self.env.cr.fetchall()}
        return approvals, ballots

    def _election_results(self):
        """Candidates ranked by approval.

        Unweighted: score = approvals / ballots. Weighted by college: score = sum over
        colleges of (college approvals / college ballots) x weight, the weights of the
        colleges that cast ballots scaled to 100 % (as for motions). The ``seats`` best
        scores with at least one approval are elected; ties keep the candidacy order.
        """
        self.ensure_one()
        approvals, ballots = self._election_counts()
        company = self.assembly_id.company_id
        weights = {
            c.code: c.vote_weight
            for c in self.env["coop.college"]
            .sudo()
            .search([("company_id", "=", company.id), ("active", "=", True)])
        }
        weighted = company.coop_vote_by_college
        counted = {code: weights.get(code, 0.0) for code, n in ballots.items() if n}
        counted = {code: w for code, w in counted.items() if w > 0}
        total_weight = sum(counted.values())
        total_ballots = sum(ballots.values())
        lines = []
        for candidacy in self.candidacy_ids.filtered(lambda c: c.state == "submitted"):
            count = sum(n for (code, cand), n in approvals.items() if cand == candidacy.id)
            if weighted and total_weight:
                score = sum(
                    100.0 * w / total_weight * approvals.get((code, candidacy.id), 0)
                    / ballots[code]
                    for code, w in counted.items()
                )  # fmt: skip
            else:
                score = 100.0 * count / total_ballots if total_ballots else 0.0
            lines.append({"candidacy": candidacy, "approvals": count, "score": score})
        lines.sort(key=lambda line: (-line["score"], line["candidacy"].sequence,
                                     line["candidacy"].id))  # fmt: skip
        for rank, line in enumerate(lines, start=1):
            line["rank"] = rank
            line["elected"] = rank <= self.seats and line["approvals"] > 0
        return lines

    def _urn_seal(self):
        """SHA-256 over the filled and empty slots of the secret urn, in token order."""
        self.ensure_one()
        self.env.cr.execute(
            """
            SELECT encode(sha256(convert_to(COALESCE(string_agg(
                       token || ':' || COALESCE(college_id, 0) || ':' || COALESCE(choice, '')
                       || ':' || COALESCE(approvals, ''),
                       ';' ORDER BY token), ''), 'UTF8')), 'hex')
              FROM coop_ballot_secret
             WHERE resolution_id = %s
            """,
            [self.id],
        )
        return self.env.cr.fetchone()[0]

    def _result_seal(self):
        """SHA-256 over the outcome stored at the close of the vote.

        The status and counts of the resolution, its results per college and, for an
        election, its candidates' approvals, scores, ranks and elections, as PostgreSQL
        prints them: a change to any of them after the close breaks the seal.
        """
        self.ensure_one()
        for model in ("coop.resolution", "coop.resolution.result", "coop.candidacy"):
            self.env[model].flush_model()
        self.env.cr.execute(
            """
            SELECT encode(sha256(convert_to(concat_ws('|',
                       r.id, r.state, r.weighted, r.yes_count, r.no_count, r.abstain_count,
                       r.expressed_count, r.yes_share,
                       (SELECT string_agg(concat_ws(':', l.sequence, l.college_id, l.college_name,
                                                    l.weight, l.effective_weight, l.yes_count,
                                                    l.no_count, l.abstain_count,
                                                    l.expressed_count, l.yes_percent),
                                          ';' ORDER BY l.sequence, l.id)
                          FROM coop_resolution_result l WHERE l.resolution_id = r.id),
                       (SELECT string_agg(concat_ws(':', c.id, c.member_id, c.state,
                                                    c.approval_count, c.score, c.rank, c.elected),
                                          ';' ORDER BY c.id)
                          FROM coop_candidacy c WHERE c.resolution_id = r.id)
                   ), 'UTF8')), 'hex')
              FROM coop_resolution r
             WHERE r.id = %s
            """,
            [self.id],
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------
    # Voting: the one entry point, used by the backend and the portal.
    # ------------------------------------------------------------------
    def cast_vote(self, voter, choice, channel="online", cast_by=None):
        """Record ``voter``'s ``choice`` on this resolution.

        :param voter: ``coop.assembly.voter`` record (or id) whose vote this is.
        :param choice: ``yes``, ``no`` or ``abstain``.
        :param channel: ``online``, ``in_room``, ``postal`` or ``proxy``.
        :param cast_by: for ``proxy``, the voter holding the proxy.
        :return: the ``coop.ballot`` record (for secret resolutions, the bare
            participation record).
        """
        self.ensure_one()
        Voter = self.env["coop.assembly.voter"]
        Input = self.env["coop.input.mixin"]
        try:
            voter = Input._coop_records(Voter._name, voter, _("This voter does not exist."))
            cast_by = (
                Input._coop_records(Voter._name, cast_by, _("This proxy holder does not exist."))
                if cast_by
                else Voter
            )
        except ValidationError:
            # A member gets the same answer for an id that does not exist as for another
            # member's: ids cannot be probed. Officers get the precise message.
            if self._coop_records_any_vote():
                raise
            raise self._coop_vote_access_error() from None
        self._check_vote_access(voter, channel, cast_by)
        resolution = self.sudo()
        voter = voter.sudo()
        cast_by = cast_by.sudo()
        approvals = ""
        if resolution.kind == "election":
            approvals = resolution._election_approvals(choice)
            choice = False
        resolution._check_vote(voter, choice, channel, cast_by)
        return resolution._record_ballot(voter, choice, channel, cast_by, approvals)

    def _election_approvals(self, candidacies):
        """Canonical approvals of an election ballot: sorted candidacy ids, comma-separated.

        An empty list is a blank ballot.
        """
        if not isinstance(candidacies, (list, tuple, models.BaseModel)):
            raise UserError(_("An election ballot lists the approved candidates."))
        chosen = (
            self.env["coop.input.mixin"]
            .sudo()
            ._coop_records(
                "coop.candidacy",
                candidacies,
                _("Approve only the standing candidates of this election."),
                many=True,
            )
            .sorted("id")
        )
        if any(c.resolution_id != self or c.state != "submitted" for c in chosen):
            raise UserError(_("Approve only the standing candidates of this election."))
        if len(chosen) > self.seats:
            raise UserError(
                _("Approve at most %(seats)s candidates: there are %(seats)s seats to fill.",
                  seats=self.seats)
            )  # fmt: skip
        return ",".join(str(i) for i in chosen.ids)

    def _coop_records_any_vote(self):
        """True for the users who record votes of others (the assemblies' secretaries)."""
        return self.env.su or self.env.user.has_group("coop_governance.group_governance_officer")

    def _coop_vote_access_error(self):
        return AccessError(_("You can only cast your own vote or the votes you hold by proxy."))

    def _check_vote_access(self, voter, channel, cast_by):
        """Officers record any vote; a member casts only their own online vote, or
        the votes of the proxies they hold."""
        if self._coop_records_any_vote():
            self.check_access("read")
            return
        partner = self.env.user.partner_id
        own = channel == "online" and voter.sudo().partner_id == partner
        proxy = channel == "proxy" and cast_by and cast_by.sudo().partner_id == partner
        if not (own or proxy):
            raise self._coop_vote_access_error()

    def _check_vote(self, voter, choice, channel, cast_by):
        """Every rule of a vote, with a clear message; nothing is stored on failure."""
        assembly = self.assembly_id
        if not voter.assembly_id:
            raise UserError(_("This voter does not exist."))
        if assembly.state != "open":
            raise UserError(
                _(
                    "Assembly %(assembly)s is not open: votes are not accepted.",
                    assembly=assembly.name,
                )
            )
        if self.state != "voting":
            raise UserError(
                _("The vote on resolution %(resolution)s is not open.", resolution=self.name)
            )
        if voter.assembly_id != assembly:
            raise UserError(
                _(
                    "%(person)s is not in the census of assembly %(assembly)s.",
                    person=voter.partner_id.name,
                    assembly=assembly.name,
                )
            )
        if self.kind == "motion" and (not isinstance(choice, str) or choice not in dict(CHOICES)):
            raise UserError(_("A vote is yes, no or abstain."))
        if not isinstance(channel, str) or channel not in dict(CHANNELS):
            raise UserError(_("Unknown voting channel %(channel)s.", channel=channel))
        if channel == "proxy":
            if not cast_by or voter.proxy_holder_id != cast_by:
                raise UserError(
                    _(
                        "%(holder)s does not hold the proxy of %(person)s.",
                        holder=cast_by.partner_id.name or _("Nobody"),
                        person=voter.partner_id.name,
                    )
                )
        else:
            if cast_by:
                raise UserError(_("Only a proxy vote is cast by another member."))
            if voter.attendance == "represented":
                raise UserError(
                    _(
                        "%(person)s is represented by %(holder)s, who casts this vote.",
                        person=voter.partner_id.name,
                        holder=voter.proxy_holder_id.partner_id.name,
                    )
                )
            if channel == "in_room" and voter.attendance != "present":
                raise UserError(
                    _(
                        "Check %(person)s in before recording a vote in the room.",
                        person=voter.partner_id.name,
                    )
                )
            if channel == "postal" and voter.attendance not in ("absent", "postal"):
                raise UserError(
                    _(
                        "%(person)s attends the assembly: a postal ballot no longer counts.",
                        person=voter.partner_id.name,
                    )
                )
            if channel == "online" and voter.attendance == "postal":
                raise UserError(_("%(person)s voted by post.", person=voter.partner_id.name))
        if self.env["coop.ballot"].search_count(
            [("resolution_id", "=", self.id), ("voter_id", "=", voter.id)], limit=1
        ):
            raise UserError(self._already_voted_message(voter))

    def _already_voted_message(self, voter):
        return _(
            "%(person)s already voted on resolution %(resolution)s.",
            person=voter.partner_id.name,
            resolution=self.name,
        )

    def _record_ballot(self, voter, choice, channel, cast_by, approvals=""):
        """Store the ballot; it takes its place in the audit chain shortly after.

        Nothing here updates a row that every voter shares: the chain is linked after
        commit (``coop.assembly._link_ballots``, every minute and when the vote closes),
        so thousands of voters do not fail on each other's commits (PostgreSQL's
        repeatable read refuses to lock a row updated since the transaction began).
        """
        if channel == "online" and voter.attendance == "absent":
            voter.write({"attendance": "remote"})
        elif channel == "postal" and voter.attendance == "absent":
            voter.write({"attendance": "postal"})
        Ballot = self.env["coop.ballot"]
        Ballot.flush_model()
        cr = self.env.cr
        try:
            with cr.savepoint():
                # A shared lock: voters never wait for each other, closing the vote (an
                # update of this row) waits for the ballots being cast, and a voter whose
                # transaction began before the close committed fails to lock
                # (serialization), is retried by Odoo and refused by _check_vote.
                cr.execute("SELECT 1 FROM coop_resolution WHERE id = %s FOR SHARE", [self.id])
                stored_choice = False if self.secret else choice
                stored_approvals = "" if self.secret else approvals
                ballot = Ballot.create(
                    {
                        "assembly_id": self.assembly_id.id,
                        "resolution_id": self.id,
                        "voter_id": voter.id,
                        "company_id": voter.company_id.id,
                        "college_id": voter.college_id.id,
                        "choice": stored_choice,
                        "approvals": stored_approvals or False,
                        "secret": self.secret,
                        "channel": channel,
                        "cast_by_id": cast_by.id,
                        "receipt": Ballot._receipt(
                            self.assembly_id.id,
                            self.id,
                            voter.id,
                            stored_choice,
                            channel,
                            cast_by.id,
                            voter.college_id.id,
                            stored_approvals,
                        ),
                    }
                )
                Ballot.flush_model()
                if self.secret:
                    self._drop_in_urn(voter.college_id.id, choice, approvals)
        except psycopg2.errors.UniqueViolation as e:
            raise UserError(self._already_voted_message(voter)) from e
        return ballot

    def _drop_in_urn(self, college_id, choice, approvals=""):
        """Fill a free slot of the voter's college, picked at random.

        Start from a random token and take the next free slot in token order (partial
        index on free slots): random, and independent of the urn's size.
        """
        query = """
            UPDATE coop_ballot_secret SET choice = %(choice)s, approvals = %(approvals)s,
                                          used = TRUE
             WHERE id = (SELECT id FROM coop_ballot_secret
                          WHERE resolution_id = %(resolution)s
                            AND COALESCE(college_id, 0) = %(college)s
                            AND NOT used
                            AND token >= %(start)s
                       ORDER BY token
                          LIMIT 1
                            FOR UPDATE SKIP LOCKED)
         RETURNING id
        """
        params = {
            "choice": choice or None,
            "approvals": approvals or None,
            "resolution": self.id,
            "college": college_id or 0,
            "start": secrets.token_hex(16),
        }
        self.env.cr.execute(query, params)
        if not self.env.cr.fetchone():
            # Nothing after the random start: wrap around to the first free slot.
            self.env.cr.execute(query, dict(params, start=""))
            if not self.env.cr.fetchone():
                raise UserError(_("The urn of this secret vote has no free slot left."))
        self.env["coop.ballot.secret"].invalidate_model()

    # ------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------
    def get_results(self):
        """Results per college and the outcome (see ``_compute_results``).

        Secret votes stay hidden until the vote closes.
        """
        self.ensure_one()
        self.check_access("read")
        if self.secret and self.state == "voting":
            raise UserError(_("The results of a secret vote stay hidden until the vote closes."))
        if self.kind == "election":
            return {"candidates": self.sudo()._election_results()}
        resolution = self.sudo()
        results = resolution._compute_results()
        return dict(results, colleges=resolution._publishable_lines(results["colleges"]))

    def _count_rows(self):
        """{college code: {'yes', 'no', 'abstain', 'college_id'}} in one query."""
        self.ensure_one()
        self.env["coop.ballot"].flush_model()
        if self.secret:
            query = SQL(
                """
                SELECT COALESCE(c.code, ''), MIN(c.id), s.choice, COUNT(*)
                  FROM coop_ballot_secret s
             LEFT JOIN coop_college c ON c.id = s.college_id
                 WHERE s.resolution_id = %s AND s.choice IS NOT NULL
              GROUP BY 1, 3
                """,
                self.id,
            )
        else:
            query = SQL(
                """
                SELECT COALESCE(c.code, ''), MIN(c.id), b.choice, COUNT(*)
                  FROM coop_ballot b
             LEFT JOIN coop_college c ON c.id = b.college_id
                 WHERE b.resolution_id = %s
              GROUP BY 1, 3
                """,
                self.id,
            )
        self.env.cr.execute(query)
        rows = {}
        for code, college_id, choice, count in self.env.cr.fetchall():
            line = rows.setdefault(
                code, {"yes": 0, "no": 0, "abstain": 0, "college_id": college_id}
            )
            line[choice] = count
        return rows

    def _compute_results(self):
        self.ensure_one()
        company = self.assembly_id.company_id
        colleges = (
            self.env["coop.college"]
            .sudo()
            .search([("company_id", "=", company.id), ("active", "=", True)])
        )
        return self._outcome(
            self._count_rows(),
            colleges,
            weighted=company.coop_vote_by_college,
            abstention_expressed=self.abstention_expressed,
            majority=self.majority,
        )

    @api.model
    def _outcome(self, rows, colleges, weighted, abstention_expressed, majority):
        """Count the votes and decide.

        ``rows`` maps a college code to its yes/no/abstain counts; ``colleges`` are the
        assembly company's colleges (their codes match the members' colleges, also at
        a national assembly where each cooperative has its own colleges).

        Expressed votes are yes + no (+ abstain when abstentions count as expressed).
        Unweighted: yes share = yes / expressed over all colleges (one member, one
        vote). Weighted: yes share = sum over colleges of (yes / expressed) x weight;
        a college that expressed nothing (or has no weight) drops out and the weight
        of the colleges that expressed is scaled up pro rata to total 100 %.
        Adoption: simple majority needs a yes share above 50 %; two-thirds needs at
        least 2/3. A tie is a rejection.
        """
        by_code = {c.code: c for c in colleges}
        codes = [c.code for c in colleges] + sorted(set(rows) - set(by_code))
        lines = []
        for code in codes:
            counts = rows.get(code, {"yes": 0, "no": 0, "abstain": 0, "college_id": False})
            college = by_code.get(code)
            expressed = counts["yes"] + counts["no"]
            if abstention_expressed:
                expressed += counts["abstain"]
            lines.append(
                {
                    "code": code,
                    "college_id": college.id if college else counts["college_id"],
                    "college_name": college.name if college else (code or _("No college")),
                    "weight": college.vote_weight if college and weighted else 0.0,
                    "yes": counts["yes"],
                    "no": counts["no"],
                    "abstain": counts["abstain"],
                    "expressed": expressed,
                    "yes_percent": 100.0 * counts["yes"] / expressed if expressed else 0.0,
                    "effective_weight": 0.0,
                }
            )
        totals = {k: sum(line[k] for line in lines) for k in ("yes", "no", "abstain", "expressed")}
        if weighted:
            counted = [line for line in lines if line["expressed"] and line["weight"] > 0]
            total_weight = sum(line["weight"] for line in counted)
            share = 0.0
            for line in counted:
                line["effective_weight"] = 100.0 * line["weight"] / total_weight
                share += line["effective_weight"] * line["yes"] / line["expressed"]
        else:
            share = 100.0 * totals["yes"] / totals["expressed"] if totals["expressed"] else 0.0
        if not totals["expressed"]:
            adopted = False
        elif majority == "two_thirds":
            adopted = float_compare(share, 200.0 / 3, precision_digits=6) >= 0
        else:
            adopted = float_compare(share, 50.0, precision_digits=6) > 0
        return {
            "colleges": lines,
            "weighted": bool(weighted),
            "yes_share": share,
            "adopted": adopted,
            **totals,
        }

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
