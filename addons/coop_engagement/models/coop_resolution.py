from odoo import models


class CoopResolution(models.Model):
    _name = "coop.resolution"
    _inherit = ["coop.resolution", "coop.engagement.feed.mixin"]

    # A draft is not yet a proposal: proposing it is what counts.
    _coop_engagement_log_on_create = False

    def action_propose(self):
        res = super().action_propose()
        self._coop_engagement_log()
        return res

    def _coop_engagement_activity_values(self):
        vals_list = []
        for resolution in self:
            for kind, members in (
                ("resolution_proposed", resolution.proposer_ids),
                ("resolution_cosigned", resolution.cosigner_ids - resolution.proposer_ids),
            ):
                vals_list += [
                    {
                        "partner_id": member.partner_id.id,
                        "company_id": resolution.company_id.id,
                        "activity_type": kind,
                        "res_model": resolution._name,
                        "res_id": resolution.id,
                    }
                    for member in members
                ]
        return vals_list
