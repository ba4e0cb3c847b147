from odoo import fields, models


class CoopProposalHideWizard(models.TransientModel):
    """A moderator hides a member proposal and says why (its authors read the reason)."""

    _name = "coop.proposal.hide.wizard"
    _description = "Hide a Member Proposal"

    proposal_id = fields.Many2one("coop.proposal", required=True, readonly=True)
    reason = fields.Text(required=True, help="Shown to the proposal's authors.")

    def action_confirm(self):
        self.ensure_one()
        self.proposal_id.action_moderate_hide(self.reason)
        return {"type": "ir.actions.act_window_close"}
