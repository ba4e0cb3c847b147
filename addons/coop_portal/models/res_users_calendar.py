import hashlib
import hmac
import secrets

from odoo import _, api, fields, models
from odoo.exceptions import AccessError


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


class ResUsers(models.Model):
    """The private calendar feed of a member: a secret link, kept only as its hash."""

    _inherit = "res.users"  # pylint: disable=consider-merging-classes-inherited

    # Only the hash is stored: the link is shown once, when made; a database reader
    # cannot rebuild it. Readable by no one but the administrators.
    coop_calendar_token_hash = fields.Char(
        copy=False, groups="base.group_system", index="btree_not_null"
    )
    coop_calendar_token_date = fields.Datetime(
        string="Calendar Link Made On", copy=False, groups="base.group_system"
    )

    def _coop_check_self(self):
        self.ensure_one()
        if self != self.env.user:
            raise AccessError(_("You manage only your own calendar link."))

    def _coop_calendar_regenerate(self):
        """Make a new private calendar link for the current user (the old one stops
        working) and return its token, which is not stored in clear."""
        self._coop_check_self()
        token = secrets.token_urlsafe(32)
        self.sudo().write(
            {
                "coop_calendar_token_hash": _token_hash(token),
                "coop_calendar_token_date": fields.Datetime.now(),
            }
        )
        return token

    def _coop_calendar_revoke(self):
        """Revoke the current user's private calendar link."""
        self._coop_check_self()
        self.sudo().write({"coop_calendar_token_hash": False, "coop_calendar_token_date": False})

    def _coop_calendar_link_date(self):
        self._coop_check_self()
        return self.sudo().coop_calendar_token_date

    @api.model
    def _coop_calendar_user(self, token):
        """The active user whose private calendar link is ``token``, or an empty set.

        Looked up by the token's hash; compared again in constant time.
        """
        if not isinstance(token, str) or not 20 <= len(token) <= 100:
            return self.browse()
        digest = _token_hash(token)
        user = self.sudo().search([("coop_calendar_token_hash", "=", digest)], limit=1)
        if not user or not hmac.compare_digest(user.coop_calendar_token_hash, digest):
            return self.browse()
        return user
