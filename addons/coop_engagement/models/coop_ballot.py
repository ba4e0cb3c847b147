from odoo import models

from .coop_engagement_feed_mixin import activity_date


class CoopBallot(models.Model):
    _name = "coop.ballot"
    _inherit = ["coop.ballot", "coop.engagement.feed.mixin"]

    def _coop_engagement_activity_values(self):
        # One "vote cast" per person and assembly, whatever the number of resolutions;
        # the choice itself is never read.
        return [
            {
                "partner_id": ballot.voter_id.partner_id.id,
                "company_id": ballot.company_id.id,
                "activity_type": "vote_cast",
                "date": activity_date(ballot.assembly_id.date),
                "res_model": "coop.assembly",
                "res_id": ballot.assembly_id.id,
            }
            for ballot in self
        ]
