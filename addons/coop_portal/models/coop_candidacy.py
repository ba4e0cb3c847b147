from odoo import _, models
from odoo.exceptions import UserError
from odoo.tools import plaintext2html


class CoopCandidacy(models.Model):
    _inherit = "coop.candidacy"

    def _portal_candidacy(self, voter, election):
        """The member's own candidacy in ``election`` (superuser), if any."""
        return (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [("resolution_id", "=", election.id), ("member_id", "=", voter.member_id.id)],
                limit=1,
            )
        )

    def _portal_stand(self, voter, election, statement, photo=False):
        """``voter`` (the caller's census line, checked by the route) stands in
        ``election``, one of its assembly's elections; the board validates it.

        Nothing is stored when the window is closed or the member is not eligible.
        """
        if election.assembly_id != voter.assembly_id or election.kind != "election":
            raise UserError(_("This election is not on your assembly's agenda."))
        if not election.candidacy_window_open:
            raise UserError(_("Candidacies are not open for this election."))
        member = voter.member_id
        reason = self._coop_check_eligibility(member, election)
        if reason:
            raise UserError(reason)
        if not statement:
            raise UserError(_("Write your statement to the members."))
        values = {
            "statement": plaintext2html(statement),
            "photo": photo or False,
            "validation_state": "pending",
            "rejection_reason": False,
        }
        candidacy = self._portal_candidacy(voter, election)
        if candidacy.state == "submitted":
            raise UserError(_("You already stand in this election."))
        if candidacy.validation_state == "rejected":
            raise UserError(_("The board rejected your candidacy in this election."))
        if candidacy:
            # Standing again after a withdrawal: the board checks the new statement.
            candidacy._guarded_write({**values, "state": "submitted"})
            return candidacy
        return self.sudo().create({"resolution_id": election.id, "member_id": member.id, **values})

    def _portal_withdraw(self, voter, election):
        """``voter`` withdraws their candidacy while the window is still open."""
        candidacy = self._portal_candidacy(voter, election)
        if candidacy.state != "submitted" or election.assembly_id != voter.assembly_id:
            raise UserError(_("You do not stand in this election."))
        if not election.candidacy_window_open:
            raise UserError(_("Candidacies are closed: a candidacy is withdrawn before."))
        return candidacy.action_withdraw()

    def _portal_election_lines(self, voter):
        """The elections of the voter's assembly for its page (superuser): each with its
        validated candidates, published to the members, and the member's own candidacy."""
        lines = []
        elections = voter.assembly_id.sudo().resolution_ids.filtered(
            lambda r: r.kind == "election" and r.state != "withdrawn"
        )
        for election in elections:
            candidacies = election.candidacy_ids.filtered(lambda c: c.state == "submitted")
            lines.append(
                {
                    "election": election,
                    "candidates": candidacies.filtered(lambda c: c.validation_state == "validated"),
                    "mine": self._portal_candidacy(voter, election),
                }
            )
        return lines
