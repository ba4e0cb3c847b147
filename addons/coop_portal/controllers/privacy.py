from odoo import http
from odoo.http import request


class CoopPrivacyPortal(http.Controller):
    @http.route(["/my/privacy/export"], type="http", auth="user", methods=["POST"], website=True)
    def coop_privacy_export(self, **kw):
        """The logged-in person's own data as a ZIP (the model checks it is theirs)."""
        filename, content = request.env.user.partner_id._coop_personal_data_zip()
        return request.make_response(
            content,
            headers=[
                ("Content-Type", "application/zip"),
                ("Content-Length", len(content)),
                ("Content-Disposition", http.content_disposition(filename)),
                ("Cache-Control", "no-store"),
            ],
        )
