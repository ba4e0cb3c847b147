from odoo import models


class CoopPollParticipation(models.Model):
    _name = "coop.poll.participation"
    _inherit = ["coop.poll.participation", "coop.engagement.feed.mixin"]

    def _coop_engagement_activity_values(self):
        return [
            {
                "partner_id": participation.member_id.partner_id.id,
                "company_id": participation.company_id.id,
                "activity_type": "vote_cast",
                "res_model": "coop.poll",
                "res_id": participation.poll_id.id,
            }
            for participation in self
        ]
