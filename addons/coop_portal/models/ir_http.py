from odoo import models
from odoo.http import request


class IrHttp(models.AbstractModel):
    _inherit = "ir.http"

    @classmethod
    def _frontend_pre_dispatch(cls):
        res = super()._frontend_pre_dispatch()
        # The website narrows a portal user to one company; a member of several regional
        # cooperatives sees the events and pages of each (the companies staff gave them).
        user = request.env.user
        if user.share and not user._is_public():
            companies = user._get_company_ids()
            if len(companies) > 1:
                request.update_context(allowed_company_ids=companies)
        return res
