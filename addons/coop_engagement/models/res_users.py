from collections import defaultdict

from odoo import api, fields, models


class ResUsers(models.Model):
    _inherit = "res.users"

    coop_moderated_company_ids = fields.Many2many(
        "res.company",
        "coop_moderator_company_rel",
        "user_id",
        "company_id",
        string="Moderated Cooperatives",
        help="As a moderator, this user manages all local groups and action calls of "
        "these cooperatives.",
    )
    coop_moderated_group_ids = fields.Many2many(
        "coop.local.group",
        "coop_moderator_local_group_rel",
        "user_id",
        "local_group_id",
        string="Moderated Local Groups",
        help="As a moderator, this user manages these local groups, their sub-groups and "
        "their action calls.",
    )

    @api.model
    def _coop_moderators_by_company(self, companies):
        """{company id: [users]} of the moderators assigned to each company."""
        group = self.env.ref("coop_engagement.group_coop_moderator")
        users = self.sudo().search(
            [
                ("groups_id", "in", group.id),
                ("coop_moderated_company_ids", "in", companies.ids),
            ]
        )
        result = defaultdict(list)
        for user in users:
            for company in user.coop_moderated_company_ids & companies:
                result[company.id].append(user)
        return result

    @api.model_create_multi
    def create(self, vals_list):
        users = super().create(vals_list)
        staff = users.filtered(lambda u: not u.share)
        self.env["discuss.channel"]._coop_sync_board_channels(staff._coop_board_companies())
        return users

    def write(self, vals):
        if not self._coop_changes_staff(vals):
            return super().write(vals)
        before = self._coop_board_companies()
        res = super().write(vals)
        # Officers, governance officers and moderators sit in their cooperative's board
        # discussion: a role, company or archiving change moves them in or out.
        after = self._coop_board_companies()
        self.env["discuss.channel"]._coop_sync_board_channels(before | after)
        return res

    @api.model
    def _coop_changes_staff(self, vals):
        return bool(
            {"groups_id", "company_id", "active", "coop_moderated_company_ids"}.intersection(vals)
            or any(key.startswith(("in_group_", "sel_groups_")) for key in vals)
        )

    def _coop_board_companies(self):
        users = self.sudo().with_context(active_test=False)
        return users.company_id | users.coop_moderated_company_ids
