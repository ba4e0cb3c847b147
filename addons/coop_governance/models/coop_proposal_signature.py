from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CoopProposalSignature(models.Model):
    """A member's co-signature of a proposal: one per member, withdrawn by deleting it."""

    _name = "coop.proposal.signature"
    _description = "Proposal Co-signature"
    _order = "id"
    _check_company_auto = True

    proposal_id = fields.Many2one(
        "coop.proposal", required=True, index=True, ondelete="cascade", check_company=True
    )
    company_id = fields.Many2one(
        related="proposal_id.company_id", store=True, index=True, string="Cooperative"
    )
    member_id = fields.Many2one("coop.member", required=True, index=True, check_company=True)
    signed_by_id = fields.Many2one(
        "res.users",
        string="Signed by",
        default=lambda self: self.env.user,
        readonly=True,
        help="The person who signed from the member space (a member or an "
        "organisation's representative).",
    )
    signed_on = fields.Datetime(default=fields.Datetime.now, readonly=True, required=True)

    _sql_constraints = [
        (
            "proposal_member_uniq",
            "unique(proposal_id, member_id)",
            "A member signs a proposal once.",
        )
    ]

    @api.constrains("member_id", "proposal_id")
    def _check_member_company(self):
        for signature in self:
            if signature.member_id.company_id != signature.proposal_id.company_id:
                raise UserError(_("Only members of the proposal's cooperative may sign it."))
