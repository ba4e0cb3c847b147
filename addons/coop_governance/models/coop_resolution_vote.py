"""Casting a vote on a resolution: the rules, the ballot, the secret urn.

- ``cast_vote``: the one entry point (backend, vote wizard, portal): who may cast which
  vote (``_check_vote_access``), every rule of a vote (``_check_vote``), then the ballot
  (``_record_ballot``), linked into the audit chain shortly after.
- Secret votes: the urn is filled with one empty anonymous slot per voter when the vote
  opens (``_fill_urn``), a vote fills a free slot of the voter's college picked at
  random (``_drop_in_urn``), and the urn is rewritten in random order when the vote
  closes (``_shuffle_urn``).
"""

import secrets

import psycopg2

from odoo import _, models
from odoo.exceptions import AccessError, UserError, ValidationError

from .coop_ballot import CHANNELS, CHOICES


class CoopResolution(models.Model):
    _inherit = "coop.resolution"

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
    # The urn of secret votes
    # ------------------------------------------------------------------
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
        order, does not change. The slots get new ids, drawn in that random order (the
        ids drawn when the urn was filled, in random order too, said nothing either):
        keeping them would make PostgreSQL check each insert against its own deleted
        row in the primary key.
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
                  RETURNING resolution_id, college_id, token, choice, approvals, used
            )
            INSERT INTO coop_ballot_secret
                   (resolution_id, college_id, token, choice, approvals, used)
            SELECT resolution_id, college_id, token, choice, approvals, used
              FROM old
          ORDER BY random()
            """,
            [self.ids],
        )
        Slot.invalidate_model()
