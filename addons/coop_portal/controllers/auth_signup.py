from odoo import _, http
from odoo.http import request

from odoo.addons.auth_signup.controllers.main import AuthSignupHome


class CoopAuthSignupHome(AuthSignupHome):
    @http.route()
    def web_auth_reset_password(self, *args, **kw):
        """Answer a reset request the same way whether or not the login exists.

        Odoo's page says "No account found for this login": anyone could test which email
        addresses belong to members. The request itself is still Odoo's.
        """
        response = super().web_auth_reset_password(*args, **kw)
        qcontext = getattr(response, "qcontext", None)
        if (
            qcontext is None
            or request.httprequest.method != "POST"
            or qcontext.get("token")
            or not qcontext.get("login")
        ):
            return response
        if "message" in qcontext or request.env["res.users"]._coop_reset_login_unknown(
            qcontext["login"]
        ):
            qcontext.pop("error", None)
            qcontext["message"] = _(
                "If an account matches this login or email address, the instructions to "
                "choose a new password were sent to its email address."
            )
        return response
