import logging

from odoo import _, fields, models
from odoo.exceptions import AccessDenied

_logger = logging.getLogger(__name__)


def _first_text(entry, attribute):
    """The first value of an LDAP attribute as text (python-ldap returns bytes)."""
    values = entry[1].get(attribute) or []
    value = values[0] if values else b""
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else value


class ResCompanyLdap(models.Model):
    _inherit = "res.company.ldap"

    coop_email_attribute = fields.Char(
        string="Email Attribute",
        default="mail",
        required=True,
        help="The directory attribute holding the person's email address (mail in "
        "OpenLDAP's inetOrgPerson): a first login finds the member of this cooperative "
        "with that address.",
    )

    def _get_or_create_user(self, conf, login, ldap_entry):
        """The member found by the directory entry's email in this directory's cooperative.

        Odoo calls this on a first login through the directory (no user has this login
        yet). Odoo would create a user, and with it a second contact for a person the
        cooperative already knows: here the entry's email attribute (or the login, when
        it is an address) finds the member's contact in the cooperative of this LDAP
        configuration, and the member-space account is made on it. Nobody else gets an
        account: staff accounts are made by hand, and a directory person who is no member
        is refused.
        """
        ldap_conf = self.sudo().browse(conf["id"])
        email = _first_text(ldap_entry, ldap_conf.coop_email_attribute or "mail") or login
        company = self.env["res.company"].browse(conf["company"][0])
        user = self.env["res.users"]._coop_sso_member_user(email, company=company)
        if user:
            _logger.info("LDAP login %r: member-space account %s of %s", login, user.id, email)
            return user.id
        _logger.info(
            "LDAP login %r: no member of %s with the address %s", login, company.name, email
        )
        raise AccessDenied(_("Your directory account matches no member of the cooperative."))
