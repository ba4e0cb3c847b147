from odoo import models

from .coop_engagement_feed_mixin import activity_date

ATTENDED = ("present", "remote", "postal", "represented")


class CoopAssemblyVoter(models.Model):
    _name = "coop.assembly.voter"
    _inherit = ["coop.assembly.voter", "coop.engagement.feed.mixin"]

    # A voter is on the census before the assembly: attending is what counts.
    _coop_engagement_log_on_create = False

    def write(self, vals):
        res = super().write(vals)
        if {"attendance", "proxy_holder_id"} & set(vals):
            self._coop_engagement_log()
        return res

    def _coop_engagement_activity_values(self):
        """Present, online, by post or through a proxy: the member took part."""
        return [
            {
                "partner_id": voter.partner_id.id,
                "company_id": voter.company_id.id,
                "activity_type": "assembly_attended",
                "date": activity_date(voter.assembly_id.date),
                "res_model": "coop.assembly",
                "res_id": voter.assembly_id.id,
            }
            for voter in self
            if voter.attendance in ATTENDED
        ]
