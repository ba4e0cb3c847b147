from odoo import api, fields, models
from odoo.tools import create_index


class CoopLocalGroupMembership(models.Model):
    _inherit = "coop.local.group.membership"

    # The name a group's page may show, kept on the membership: the page lists and counts
    # them from the group's own rows, in the order of one index. Read through the
    # contacts, both queries walked every contact of the federation (40,000 and more) to
    # find the few thousand of one group. Empty for whoever does not show their name.
    coop_shown_name = fields.Char(
        string="Name Shown to the Group",
        compute="_compute_coop_shown_name",
        store=True,
        help="The person's name if they agreed that the members of their local groups "
        "see it on the group's page.",
    )

    def init(self):
        res = super().init()
        create_index(
            self.env.cr,
            "coop_local_group_membership_shown_name_index",
            self._table,
            ["local_group_id", "coop_shown_name", "id"],
            where="coop_shown_name IS NOT NULL",
        )
        return res

    @api.depends("partner_id.name", "partner_id.active", "partner_id.coop_group_visible")
    def _compute_coop_shown_name(self):
        for membership in self:
            partner = membership.partner_id
            shown = partner.active and partner.coop_group_visible
            membership.coop_shown_name = partner.name if shown else False
