from dateutil.relativedelta import relativedelta

from odoo import _, api, fields, models
from odoo.exceptions import UserError

from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES
from odoo.addons.coop_membership.models.coop_state_guard_mixin import GuardRule

# Counted when the vote closes (see coop.state.guard.mixin), never typed in.
RESULT_FIELDS = frozenset({"approval_count", "score", "rank", "elected"})
# Who stands in which election: fixed once the vote opens.
STANDING_FIELDS = frozenset({"resolution_id", "member_id", "state"})
OPEN_STATES = ("draft", "proposed")


class CoopCandidacy(models.Model):
    """A member standing in a board election, with their statement."""

    _name = "coop.candidacy"
    _description = "Candidacy"
    _inherit = ["coop.state.guard.mixin"]
    _order = "resolution_id, rank, sequence, id"
    _coop_action_fields = RESULT_FIELDS

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
    # The board's check of a candidacy declared from the member space; candidacies the
    # staff enter are the board's own and start validated.
    validation_state = fields.Selection(
        [("pending", "To Validate"), ("validated", "Validated"), ("rejected", "Rejected")],
        string="Eligibility",
        default="validated",
        required=True,
        readonly=True,
        index=True,
    )
    rejection_reason = fields.Text(
        help="Why the board found the candidate ineligible; shown to the candidate."
    )
    photo = fields.Image(max_width=512, max_height=512)
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

    def _coop_guard_messages(self):
        counted = _(
            "The approvals, score, rank and election of a candidate are counted when "
            "the vote closes; they cannot be typed in."
        )
        return {
            "action": counted,
            "create": counted,
            "unlink": _("The candidates of an election put to the vote cannot change."),
        }

    def _coop_guard_rules(self):
        return [
            GuardRule(
                STANDING_FIELDS,
                lambda c: c.resolution_id.state not in OPEN_STATES,
                _("The candidates of an election put to the vote cannot change."),
            )
        ]

    def _coop_guard_undeletable(self):
        return self.filtered(lambda c: c.resolution_id.state not in OPEN_STATES)

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

    @api.model
    def _coop_check_eligibility(self, member, election):
        """Why ``member`` may not stand in ``election`` (translated), or False.

        The cooperative's settings decide: admitted member (not resigned nor excluded),
        months of membership, colleges allowed. The member space and the board both ask.
        """
        company = election.company_id
        if member.state not in ACTIVE_STATES or not member.admission_date:
            return _("Only admitted members may stand; resigned or excluded members may not.")
        months = company.coop_candidacy_min_months
        today = fields.Date.context_today(self)
        if months and member.admission_date + relativedelta(months=months) > today:
            return _(
                "A candidate must have been a member for at least %(months)s months.",
                months=months,
            )
        colleges = company.coop_candidacy_college_ids
        if colleges and member.college_id not in colleges:
            return _("Members of your college may not stand in this election.")
        return False

    def action_validate(self):
        """The board finds the candidates eligible: they appear on the assembly page."""
        for candidacy in self:
            reason = self._coop_check_eligibility(candidacy.member_id, candidacy.resolution_id)
            if reason:
                raise UserError(reason)
        self._guarded_write({"validation_state": "validated", "rejection_reason": False})
        return True

    def action_reject(self):
        """The board finds the candidates ineligible, with the reason they read."""
        if any(not (c.rejection_reason or "").strip() for c in self):
            raise UserError(_("Give the reason why the candidacy is rejected."))
        if any(c.resolution_id.state not in OPEN_STATES for c in self):
            raise UserError(_("The candidates of an election put to the vote cannot change."))
        # Off the ballot: the tally and the postal ballot count standing candidacies only.
        self._guarded_write({"validation_state": "rejected", "state": "withdrawn"})
        return True

    def action_withdraw(self):
        if any(c.resolution_id.state not in OPEN_STATES for c in self):
            raise UserError(_("A candidacy is withdrawn before the vote opens."))
        self.write({"state": "withdrawn"})
        return True
