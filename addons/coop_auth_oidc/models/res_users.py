import logging

from odoo import models
from odoo.exceptions import AccessDenied

_logger = logging.getLogger(__name__)


class ResUsers(models.Model):
    _inherit = "res.users"

    def _auth_oauth_signin(self, provider, validation, params):
        """A first login through the OpenID Connect provider finds the existing member.

        Odoo's auth_oauth knows a user by (provider, subject); failing that it signs up a
        new user and a new contact. Here a subject the provider never sent before is
        matched by its email address to the one member with that address (the account
        is made on the member's own contact, see ``coop_portal``) and remembered on that
        account; anyone else is refused. The address counts only when the provider says
        it verified it (``email_verified``) or is trusted for it (its directory is the
        cooperative's). An account already tied to another identity is never re-tied.
        """
        oauth_provider = self.env["auth.oauth.provider"].sudo().browse(provider)
        oauth_uid = validation["user_id"]
        known = (
            self.sudo()
            .with_context(active_test=False)
            .search([("oauth_uid", "=", oauth_uid), ("oauth_provider_id", "=", provider)])
        )
        if known:
            # Odoo would sign up a new user when the known one is archived: never.
            login = known.active and super(
                ResUsers, self.with_context(no_user_creation=True)
            )._auth_oauth_signin(provider, validation, params)
            if not login:
                raise AccessDenied()
            return login
        email = validation.get("email")
        verified = validation.get("email_verified") is True or oauth_provider.coop_email_trusted
        if not (email and verified):
            _logger.info(
                "OpenID Connect: %s gave no verified address for subject %r",
                oauth_provider.name,
                oauth_uid,
            )
            raise AccessDenied()
        user = self._coop_sso_member_user(email)
        if not user:
            _logger.info("OpenID Connect: no member with the address %s", email)
            raise AccessDenied()
        if user.oauth_uid and (user.oauth_provider_id.id, user.oauth_uid) != (provider, oauth_uid):
            _logger.warning(
                "OpenID Connect: %s is tied to another identity; subject %r refused",
                user.login,
                oauth_uid,
            )
            raise AccessDenied()
        user.sudo().write(
            {
                "oauth_provider_id": provider,
                "oauth_uid": oauth_uid,
                "oauth_access_token": params["access_token"],
            }
        )
        return user.login
