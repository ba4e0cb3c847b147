from odoo import _, models
from odoo.exceptions import AccessError

MODERATOR = "coop_engagement.group_coop_moderator"


class CoopProposal(models.Model):
    """Drafting and co-authoring count as engagement; moderators may hide proposals."""

    _name = "coop.proposal"
    _inherit = ["coop.proposal", "coop.engagement.feed.mixin"]

    # A draft is not yet an act towards the cooperative: its authors count once it is
    # published.
    _coop_engagement_log_on_create = False

    def _coop_engagement_activity_values(self):
        return [
            {
                "partner_id": member.partner_id.id,
                "company_id": proposal.company_id.id,
                "activity_type": "resolution_proposed",
                "res_model": proposal._name,
                "res_id": proposal.id,
                "date": proposal.published_date.date(),
            }
            for proposal in self
            if proposal.published_date
            for member in proposal.author_id | proposal.coauthor_ids
        ]

    def _member_publish(self, member):
        res = super()._member_publish(member)
        self.sudo()._coop_engagement_log()
        return res

    def action_moderate_hide(self, reason):
        """Hide published proposals of the cooperatives this moderator is assigned to;
        their authors see ``reason``. The text itself is never changed."""
        user = self.env.user
        if not self.env.su and (
            not user.has_group(MODERATOR)
            or self.sudo().company_id - user.coop_moderated_company_ids
        ):
            raise AccessError(_("Only the moderators of the cooperative may hide a proposal."))
        return self.sudo()._hide(reason)
