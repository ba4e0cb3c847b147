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

    @classmethod
    def _post_dispatch(cls, response):
        super()._post_dispatch(response)
        # Member pages carry forms (vote, proxy, redemption, join): another site must not
        # frame them and trick a member into clicking (clickjacking). Odoo's own login page
        # does the same; a stricter policy already set on a response is kept.
        headers = getattr(response, "headers", None)
        if headers is not None:
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
