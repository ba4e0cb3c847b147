from odoo import models


class CoopAssembly(models.Model):
    _inherit = "coop.assembly"

    def action_close(self):
        res = super().action_close()
        self.env["coop.document"]._coop_publish_minutes(self)
        return res
