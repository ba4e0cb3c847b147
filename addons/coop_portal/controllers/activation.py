from odoo import _, http
from odoo.http import request

from .common import REFUSALS, parse_id, parse_text


def _password(raw):
    """A password as typed: any characters, never stripped (the model checks its length)."""
    return raw if isinstance(raw, str) else ""


class CoopActivation(http.Controller):
    """ "Activate my account": a member number and an email address or a postcode mail a
    link to the address on file; a member number and the code of a paper letter open the
    account at once. Rules and limits are coop.activation.code's."""

    def _render(self, **values):
        Code = request.env["coop.activation.code"]
        return request.render(
            "coop_portal.coop_activate",
            {
                "companies": Code._coop_activation_companies(),
                # The configured minimum, which the server applies (shown, not assumed).
                "password_minlength": request.env["res.users"].get_password_policy()["minlength"]
                or 1,
                "post": {},
                "error": None,
                "code_error": None,
                "sent": False,
                **values,
            },
        )

    @http.route(
        "/my/activate", type="http", auth="public", website=True, methods=["GET"], sitemap=True
    )
    def activate(self, **kw):
        return self._render()

    @http.route("/my/activate/link", type="http", auth="public", website=True, methods=["POST"])
    def activate_link(self, **post):
        Code = request.env["coop.activation.code"]
        try:
            Code._coop_request_link(
                parse_id(post.get("company_id")),
                parse_text(post.get("member_number"), _("Member number"), 40) or "",
                parse_text(post.get("proof"), _("Your email address or your postcode")) or "",
                ip=request.httprequest.remote_addr,
            )
        except REFUSALS as e:
            return self._render(post=post, error=e.args[0] if e.args else str(e))
        # Found or not, with an address on file or not: the same page.
        return self._render(sent=True)

    @http.route("/my/activate/code", type="http", auth="public", website=True, methods=["POST"])
    def activate_code(self, **post):
        Code = request.env["coop.activation.code"]
        password = _password(post.get("password"))
        try:
            login = Code._coop_activate_with_code(
                parse_id(post.get("company_id")),
                parse_text(post.get("member_number"), _("Member number"), 40) or "",
                parse_text(post.get("code"), _("Activation code"), 40) or "",
                parse_text(post.get("login"), _("Login of your choice"), 128) or "",
                password,
                _password(post.get("confirm_password")),
                ip=request.httprequest.remote_addr,
            )
        except REFUSALS as e:
            # The passwords are not sent back into the page.
            post = {k: v for k, v in post.items() if k not in ("password", "confirm_password")}
            return self._render(post=post, code_error=e.args[0] if e.args else str(e))
        # The account is open: the member lands in their space, logged in. Odoo's
        # authentication reads the user with its own cursor (as auth_signup does).
        request.env.cr.commit()  # pylint: disable=invalid-commit
        credential = {"login": login, "password": password, "type": "password"}
        request.session.authenticate(request.db, credential)
        return request.redirect("/my/cooperative")
