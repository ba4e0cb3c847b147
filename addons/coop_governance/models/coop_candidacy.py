from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES

# Counted when the vote closes (see _action_write), never typed in.
RESULT_FIELDS = {"approval_count", "score", "rank", "elected"}
# Who stands in which election: fixed once the vote opens.
STANDING_FIELDS = {"resolution_id", "member_id", "state"}
OPEN_STATES = ("draft", "proposed")


class CoopCandidacy(models.Model):
    """A member standing in a board election, with their statement."""

    _name = "coop.candidacy"
    _description = "Candidacy"
    _order = "resolution_id, rank, sequence, id"

    resolution_id = fields.Many2one(
        "coop.resolution",
        string="Election",
        required=True,
        index=True,
        ondelete="cascade",
        domain=[("kind", "=", "election")],
    )
    company_id = fields.Many2one(related="resolution_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    member_id = fields.Many2one("coop.member", required=True, index=True)
    partner_id = fields.Many2one(related="member_id.partner_id", string="Candidate")
    college_id = fields.Many2one(related="member_id.college_id")
    statement = fields.Html()
    state = fields.Selection(
        [("submitted", "Standing"), ("withdrawn", "Withdrawn")],
        default="submitted",
        required=True,
    )
    approval_count = fields.Integer(string="Approvals", readonly=True)
    score = fields.Float(string="Score (%)", digits=(5, 2), readonly=True)
    rank = fields.Integer(readonly=True)
    elected = fields.Boolean(readonly=True)

    _sql_constraints = [
        (
            "election_member_uniq",
            "unique(resolution_id, member_id)",
            "A member stands once in an election.",
        ),
    ]

    @api.depends("partner_id.name")
    def _compute_display_name(self):
        for candidacy in self:
            candidacy.display_name = candidacy.partner_id.name or ""

    @api.model_create_multi
    def create(self, vals_list):
        candidacies = super().create(vals_list)
        candidacies._check_can_stand()
        return candidacies

    def write(self, vals):
        if RESULT_FIELDS & set(vals):
            raise UserError(
                _(
                    "The approvals, score, rank and election of a candidate are counted when "
                    "the vote closes; they cannot be typed in."
                )
            )
        if STANDING_FIELDS & set(vals) and any(
            c.resolution_id.state not in OPEN_STATES for c in self
        ):
            raise UserError(_("The candidates of an election put to the vote cannot change."))
        return super().write(vals)

    def _action_write(self, vals):
        """Write the counted results; private, so not callable over RPC."""
        return super().write(vals)  # pylint: disable=super-method-mismatch

    @api.ondelete(at_uninstall=False)
    def _unlink_before_vote(self):
        if any(c.resolution_id.state not in OPEN_STATES for c in self):
            raise UserError(_("The candidates of an election put to the vote cannot change."))

    def _check_can_stand(self):
        for candidacy in self:
            election = candidacy.resolution_id
            if election.kind != "election":
                raise UserError(_("Candidacies are declared for elections only."))
            if election.state not in OPEN_STATES:
                raise UserError(_("Candidacies close when the vote opens."))
            companies = election.assembly_id._census_companies()
            member = candidacy.member_id
            if member.company_id not in companies or member.state not in ACTIVE_STATES:
                raise UserError(
                    _("%(person)s is not a member of the cooperative holding this election.",
                      person=member.partner_id.name)
                )  # fmt: skip

    def action_withdraw(self):
        if any(c.resolution_id.state not in OPEN_STATES for c in self):
            raise UserError(_("A candidacy is withdrawn before the vote opens."))
        self.write({"state": "withdrawn"})
        return True
