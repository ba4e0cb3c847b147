import werkzeug.exceptions

from odoo import models
from odoo.exceptions import AccessDenied, AccessError
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
        elif user._is_public() and getattr(request, "website", None):
            # A visitor of the federation's website sees the public events and pages of
            # the cooperatives under it too, not only the federation's own.
            companies = request.website._coop_visitor_company_ids()
            if len(companies) > 1:
                request.update_context(allowed_company_ids=companies)
                request.website = request.website.with_context(**request.context)
        return res

    @classmethod
    def _post_dispatch(cls, response):
        res = super()._post_dispatch(response)
        # Member pages carry forms (vote, proxy, redemption, join): another site must not
        # frame them and trick a member into clicking (clickjacking). Odoo's own login page
        # does the same; a stricter policy already set on a response is kept.
        headers = getattr(response, "headers", None)
        if headers is not None:
            headers.setdefault("X-Frame-Options", "SAMEORIGIN")
            headers.setdefault("Content-Security-Policy", "frame-ancestors 'self'")
        return res

    @classmethod
    def _get_exception_code_values(cls, exception):
        # A page the visitor may not see answers exactly like a missing one: a 403 on
        # /event/<id> told anyone that a members-only event exists behind that number.
        context = getattr(exception, "__context__", None)
        if getattr(request, "is_frontend", False) and any(
            isinstance(error, AccessError) and not isinstance(error, AccessDenied)
            for error in (exception, context)
        ):
            exception = werkzeug.exceptions.NotFound()
        return super()._get_exception_code_values(exception)
