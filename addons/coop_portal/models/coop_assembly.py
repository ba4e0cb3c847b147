from odoo import models


class CoopAssembly(models.Model):
    _inherit = "coop.assembly"

    def action_close(self):
        res = super().action_close()
        self.env["coop.document"]._coop_publish_minutes(self)
        return res

    def action_convene(self):
        res = super().action_convene()
        # Members discuss each resolution from the convocation on.
        self.resolution_ids._coop_open_forum_threads()
        return res
