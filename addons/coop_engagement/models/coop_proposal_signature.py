from odoo import models


class CoopProposalSignature(models.Model):
    """Co-signing a proposal counts as engagement, once per member and proposal (a
    signature withdrawn and given again is the same act)."""

    _name = "coop.proposal.signature"
    _inherit = ["coop.proposal.signature", "coop.engagement.feed.mixin"]

    def _coop_engagement_activity_values(self):
        return [
            {
                "partner_id": signature.member_id.partner_id.id,
                "company_id": signature.company_id.id,
                "activity_type": "resolution_cosigned",
                "res_model": signature.proposal_id._name,
                "res_id": signature.proposal_id.id,
                "date": signature.signed_on.date(),
            }
            for signature in self
        ]
