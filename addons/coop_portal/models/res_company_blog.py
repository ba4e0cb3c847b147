from odoo import api, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        # A new cooperative publishes its news from day one (issue #25 §7).
        self.env["blog.blog"]._coop_create_missing_blogs(
            companies=companies, groups=self.env["coop.local.group"]
        )
        return companies

    def write(self, vals):
        res = super().write(vals)
        if vals.get("coop_legal_form"):
            self.env["blog.blog"]._coop_create_missing_blogs(
                companies=self, groups=self.env["coop.local.group"]
            )
        return res
