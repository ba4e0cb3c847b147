"""The tally of a resolution: how the ballots are counted and a result weighted by college.

- ``_tally_counts``: the ballots of any number of resolutions counted per college and
  choice in two GROUP BY queries (the ballots; the urns of secret votes).
- ``_outcome``: expressed votes, the yes share (one member, one vote; or weighted by
  college, the weight of colleges that expressed nothing shared out pro rata) and the
  majority reached or not.
- ``_close_motions``: at the close of the vote, the outcome of every motion stored at once
  (status, counts, urn seal, the result lines per college).
- ``_publishable_lines``: which result lines a secret vote publishes (small colleges
  merged, ``res.company._coop_disclosure_groups``).
- Elections: approvals per candidate and college, scores and ranks
  (``_election_results``).

The seals of what the tally stores are in ``coop.audit.chain`` (models/coop_audit_chain.py).
"""

from odoo import _, api, models
from odoo.exceptions import UserError
from odoo.tools import SQL, float_compare

# A ballot's choices, in the order of the counts of a college.
CHOICE_KEYS = ("yes", "no", "abstain")


class CoopResolutionTally(models.AbstractModel):
    """The tally of ``coop.resolution`` (its only user), in a file of its own."""

    _name = "coop.resolution.tally"
    _description = "Tally of a Resolution's Votes"

    # ------------------------------------------------------------------
    # Counting, in sets
    # ------------------------------------------------------------------
    def _tally_counts(self):
        """Count the ballots of these resolutions; two queries whatever their number.

        Return ``{"ballots": {resolution id: ballots cast}, "motions": {resolution id:
        {college code: {"yes", "no", "abstain", "college_id"}}}}``. ``ballots`` counts
        every ballot (a secret vote's bare participations and election ballots
        included): it is what this transaction sees (see ``_lock_for_closing``).
        A motion's choices come from its ballots, or from its urn when the vote is
        secret. Colleges are matched by code, as at a national assembly where each
        cooperative has its own colleges with the same codes; ``college_id`` is the
        smallest id among them.
        """
        self.env["coop.ballot"].flush_model()
        self.env["coop.ballot.secret"].flush_model()
        cr = self.env.cr
        # Grouped by college id, not joined to the colleges: the join would run once
        # per ballot, the codes are read once per college below.
        cr.execute(
            """
            SELECT resolution_id, college_id, choice, COUNT(*)
              FROM coop_ballot
             WHERE resolution_id = ANY(%s)
          GROUP BY 1, 2, 3
            """,
            [self.ids],
        )
        ballot_rows = cr.fetchall()
        secret = self.filtered(lambda r: r.secret and r.kind == "motion")
        urn_rows = []
        if secret:
            cr.execute(
                """
                SELECT resolution_id, college_id, choice, COUNT(*)
                  FROM coop_ballot_secret
                 WHERE resolution_id = ANY(%s) AND choice IS NOT NULL
              GROUP BY 1, 2, 3
                """,
                [secret.ids],
            )
            urn_rows = cr.fetchall()
        college_ids = {row[1] for row in ballot_rows + urn_rows if row[1]}
        codes = {
            college.id: college.code or ""
            for college in self.env["coop.college"].sudo().browse(college_ids)
        }
        ballots = dict.fromkeys(self.ids, 0)
        motions = {r.id: {} for r in self if r.kind == "motion"}
        open_motions = set(motions) - set(secret.ids)
        counted = [row for row in ballot_rows if row[0] in open_motions] + urn_rows
        for resolution_id, _college, _choice, count in ballot_rows:
            ballots[resolution_id] += count
        for resolution_id, college_id, choice, count in counted:
            if choice not in CHOICE_KEYS:
                continue
            line = motions[resolution_id].setdefault(
                codes.get(college_id, ""),
                {"yes": 0, "no": 0, "abstain": 0, "college_id": college_id or False},
            )
            if college_id and (not line["college_id"] or college_id < line["college_id"]):
                line["college_id"] = college_id
            line[choice] += count
        return {"ballots": ballots, "motions": motions}

    def _colleges_by_company(self):
        """{company: its active colleges}, for the assemblies of these resolutions."""
        companies = self.assembly_id.company_id
        colleges = (
            self.env["coop.college"]
            .sudo()
            .search([("company_id", "in", companies.ids), ("active", "=", True)])
        )
        return {
            company: colleges.filtered(lambda c, company=company: c.company_id == company)
            for company in companies
        }

    # ------------------------------------------------------------------
    # The outcome
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

    def _compute_results(self, rows=None):
        """The outcome of this motion from ``rows`` (its counts, read when not given)."""
        self.ensure_one()
        if rows is None:
            rows = self._tally_counts()["motions"][self.id]
        company = self.assembly_id.company_id
        return self._outcome(
            rows,
            self._colleges_by_company()[company],
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

    # ------------------------------------------------------------------
    # Storing the outcome at the close
    # ------------------------------------------------------------------
    def _close_motions(self, counts):
        """Decide these motions from ``counts`` (``_tally_counts``) and store the outcome.

        In sets: one search of the colleges, one query for the urn seals, one deletion
        and one creation of the result lines; the resolutions' writes go to the database
        together. The outcome comes from the full counts; only publishable lines are
        stored.
        """
        if not self:
            return
        colleges = self._colleges_by_company()
        urn_seals = self.env["coop.audit.chain"]._urn_seals(self.filtered("secret"))
        outcomes = {}
        for resolution in self:
            company = resolution.assembly_id.company_id
            outcomes[resolution] = resolution._outcome(
                counts[resolution.id],
                colleges[company],
                weighted=company.coop_vote_by_college,
                abstention_expressed=resolution.abstention_expressed,
                majority=resolution.majority,
            )
        self._store_result_lines(
            {resolution: results["colleges"] for resolution, results in outcomes.items()}
        )
        for resolution, results in outcomes.items():
            resolution._guarded_write(
                {
                    "state": "adopted" if results["adopted"] else "rejected",
                    "weighted": results["weighted"],
                    "yes_count": results["yes"],
                    "no_count": results["no"],
                    "abstain_count": results["abstain"],
                    "expressed_count": results["expressed"],
                    "yes_share": results["yes_share"],
                    "urn_seal": urn_seals.get(resolution.id, False),
                }
            )

    def _store_result_lines(self, lines):
        """Replace the stored results per college of these resolutions by their
        publishable lines; ``lines`` maps each resolution to its lines."""
        self.result_ids.unlink()
        self.env["coop.resolution.result"].create(
            [
                {
                    "resolution_id": resolution.id,
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
                for resolution in self
                for i, line in enumerate(resolution._publishable_lines(lines[resolution]))
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
        motions = closed.filtered(lambda r: r.kind == "motion")
        motions._store_result_lines(
            {
                resolution: [
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
                for resolution in motions
            }
        )
        seals = self.env["coop.audit.chain"]._result_seals(motions)
        for resolution in motions:
            resolution._guarded_write({"result_seal": seals[resolution.id]})

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

    # ------------------------------------------------------------------
    # Elections
    # ------------------------------------------------------------------
    def _close_election(self):
        ranking = self._election_results()
        for line in ranking:
            line["candidacy"]._guarded_write(
                {
                    "approval_count": line["approvals"],
                    "score": line["score"],
                    "rank": line["rank"],
                    "elected": line["elected"],
                }
            )
        self._guarded_write(
            {
                "state": "adopted",
                "weighted": self.company_id.coop_vote_by_college,
                "expressed_count": sum(self._election_counts()[1].values()),
                "urn_seal": (
                    self.env["coop.audit.chain"]._urn_seals(self)[self.id] if self.secret else False
                ),
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
