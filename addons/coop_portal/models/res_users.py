from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    coop_member_company_ids = fields.Many2many(
        "res.company",
        compute="_compute_coop_member_company_ids",
        string="Member of",
        help="Cooperatives where this person holds an active membership (record rules).",
    )

    def _compute_coop_member_company_ids(self):
        # Read as superuser: record rules evaluate this for portal users, who cannot
        # read memberships themselves.
        for user in self:
            members = user.partner_id.sudo()._coop_portal_members()
            user.coop_member_company_ids = members.filtered("is_active_member").company_id

    @api.model
    def _coop_reset_login_unknown(self, login):
        """True when Odoo's password reset finds no single account for ``login``.

        Same search as ``reset_password`` (login, then email), as superuser: the visitor is
        anonymous. Only says whether to hide Odoo's "no account" answer, never shown.
        """
        users = self.sudo().search(self._get_login_domain(login))
        if not users:
            users = self.sudo().search(self._get_email_domain(login))
        return len(users) != 1
