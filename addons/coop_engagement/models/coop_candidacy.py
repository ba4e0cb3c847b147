from odoo import models


class CoopCandidacy(models.Model):
    _name = "coop.candidacy"
    _inherit = ["coop.candidacy", "coop.engagement.feed.mixin"]

    def _coop_engagement_activity_values(self):
        return [
            {
                "partner_id": candidacy.member_id.partner_id.id,
                "company_id": candidacy.company_id.id,
                "activity_type": "board_candidacy",
                "res_model": candidacy._name,
                "res_id": candidacy.id,
            }
            for candidacy in self
        ]
