from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo, force_create=True):
        res = super()._load(template_code, company, install_demo, force_create=force_create)
        # A cooperative that gets the French chart keeps its capital in books of its own
        # (capital journal, members' contribution accounts) from the start.
        self.env["res.company"].browse(company.id)._coop_setup_capital_accounting()
        return res
