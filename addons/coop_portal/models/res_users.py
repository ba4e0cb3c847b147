from odoo import fields, models


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
