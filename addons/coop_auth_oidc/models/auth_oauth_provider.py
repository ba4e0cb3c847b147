from odoo import fields, models


class AuthOauthProvider(models.Model):
    _inherit = "auth.oauth.provider"

    coop_email_trusted = fields.Boolean(
        string="Provider Vouches for Email Addresses",
        help="Match a first login to the member with the same address even when the "
        "provider does not send email_verified: only for a provider whose addresses come "
        "from the cooperative's own directory (LDAP behind Keycloak or LemonLDAP::NG), "
        "never for one where people type their own address.",
    )
