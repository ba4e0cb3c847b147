from odoo import http
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.http import request

# A refused form stores nothing but its count, and says why in the visitor's language.
REFUSALS = (UserError, ValidationError, AccessError)


def _text(raw, max_length=256):
    """A one-line value from the form: a string, stripped, cut to ``max_length``
    (the model checks what the value must be and says what is wrong)."""
    return raw.strip()[:max_length] if isinstance(raw, str) else ""


def _id(raw):
    """A record id from a select, or 0 (matches nothing)."""
    raw = _text(raw, 10)
    return int(raw) if raw.isascii() and raw.isdigit() else 0


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
                _id(post.get("company_id")),
                _text(post.get("member_number"), 40),
                _text(post.get("proof")),
                ip=request.httprequest.remote_addr,
            )
        except REFUSALS as e:
            return self._render(post=post, error=e.args[0] if e.args else str(e))
        # Found or not, with an address on file or not: the same page.
        return self._render(sent=True)

    @http.route("/my/activate/code", type="http", auth="public", website=True, methods=["POST"])
    def activate_code(self, **post):
        Code = request.env["coop.activation.code"]
        password = post.get("password") if isinstance(post.get("password"), str) else ""
        try:
            login = Code._coop_activate_with_code(
                _id(post.get("company_id")),
                _text(post.get("member_number"), 40),
                _text(post.get("code"), 40),
                _text(post.get("login"), 128),
                password,
                post.get("confirm_password")
                if isinstance(post.get("confirm_password"), str)
                else "",
                ip=request.httprequest.remote_addr,
            )
        except REFUSALS as e:
            # The password is not sent back into the page.
            post = {k: v for k, v in post.items() if k not in ("password", "confirm_password")}
            return self._render(post=post, code_error=e.args[0] if e.args else str(e))
        # The account is open: the member lands in their space, logged in. Odoo's
        # authentication reads the user with its own cursor (as auth_signup does).
        request.env.cr.commit()  # pylint: disable=invalid-commit
        credential = {"login": login, "password": password, "type": "password"}
        request.session.authenticate(request.db, credential)
        return request.redirect("/my/cooperative")
