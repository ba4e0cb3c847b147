from odoo import models


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        # Checked before Odoo moves anything, for every user (the administrator too): its
        # merge silently deletes what a unique key will not let it move.
        partners = self.env["res.partner"].browse(partner_ids).exists()
        self.env["coop.member"]._coop_check_partner_merge(partners)
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
