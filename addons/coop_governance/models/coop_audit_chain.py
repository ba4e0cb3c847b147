"""The audit chain of an assembly's votes: how it is linked, sealed and verified.

- Linked: every ballot (``coop.ballot``) becomes a link whose ``hash`` is the SHA-256 of
  the previous link's hash followed by the ballot's canonical content
  (``coop.ballot._canonical``); ``_link_ballots`` links the ballots committed since its
  last run, every minute (cron) and when a vote closes.
- Sealed: when a vote closes, the secret urn (``_urn_seals``) and the stored outcome
  (``_result_seals``) get a SHA-256 seal on the resolution; when the assembly closes,
  the chain's last hash (``audit_head``) is written in the minutes.
- Verified: ``verify_audit_chain`` recomputes every link, receipt and seal.
"""

import hashlib

from odoo import _, api, models

GENESIS_HASH = "0" * 64
#: First key of the advisory lock that serialises the linking of an assembly's ballots.
CHAIN_LOCK = 7_431_001


class CoopAuditChain(models.AbstractModel):
    """The chain of an assembly's ballots (inherited by ``coop.assembly``)."""

    _name = "coop.audit.chain"
    _description = "Audit Chain of an Assembly's Votes"

    # ------------------------------------------------------------------
    # Linked
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
        """The hash written in the minutes when the assembly closes."""
        return self._audit_chain_tail()[1]

    # ------------------------------------------------------------------
    # Sealed
    # ------------------------------------------------------------------
    @api.model
    def _urn_seals(self, resolutions):
        """{resolution id: SHA-256 over the filled and empty slots of its secret urn, in
        token order}, in one query."""
        self.env["coop.ballot.secret"].flush_model()
        self.env.cr.execute(
            """
            SELECT r.id, encode(sha256(convert_to(COALESCE(string_agg(
                       s.token || ':' || COALESCE(s.college_id, 0) || ':'
                       || COALESCE(s.choice, '') || ':' || COALESCE(s.approvals, ''),
                       ';' ORDER BY s.token), ''), 'UTF8')), 'hex')
              FROM unnest(%s::int[]) AS r(id)
         LEFT JOIN coop_ballot_secret s ON s.resolution_id = r.id
          GROUP BY r.id
            """,
            [resolutions.ids],
        )
        return dict(self.env.cr.fetchall())

    @api.model
    def _result_seals(self, resolutions):
        """{resolution id: SHA-256 over the outcome stored at the close of its vote}.

        The status and counts of the resolution, its results per college and, for an
        election, its candidates' approvals, scores, ranks and elections, as PostgreSQL
        prints them: a change to any of them after the close breaks the seal.
        """
        for model in ("coop.resolution", "coop.resolution.result", "coop.candidacy"):
            self.env[model].flush_model()
        self.env.cr.execute(
            """
            SELECT r.id, encode(sha256(convert_to(concat_ws('|',
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
             WHERE r.id = ANY(%s)
            """,
            [resolutions.ids],
        )
        return dict(self.env.cr.fetchall())

    # ------------------------------------------------------------------
    # Verified
    # ------------------------------------------------------------------
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
        sealed_urns = self.resolution_ids.filtered(lambda r: r.secret and r.urn_seal)
        urn_seals = self._urn_seals(sealed_urns)
        for resolution in sealed_urns:
            if urn_seals[resolution.id] != resolution.urn_seal:
                return self._audit_failure(
                    Ballot,
                    _(
                        "the secret urn of resolution %(resolution)s was altered",
                        resolution=resolution.display_name,
                    ),
                )
        sealed_results = self.resolution_ids.filtered("result_seal")
        result_seals = self._result_seals(sealed_results)
        for resolution in sealed_results:
            if result_seals[resolution.id] != resolution.result_seal:
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
