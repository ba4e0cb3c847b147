from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError


class CoopPoll(models.Model):
    """Polls of a local group: asked to the group's members, prepared by its coordinators
    (from the member space, ``coop.local.group._coop_portal_create_poll``) and by the
    moderators of the region (back office, record rules in coop_engagement_security.xml),
    not only by the governance officers."""

    _inherit = "coop.poll"

    local_group_id = fields.Many2one(
        "coop.local.group",
        check_company=True,
        index="btree_not_null",
        help="Only the members of this group and its sub-groups are asked; its "
        "coordinators and the moderators of the region prepare the poll.",
    )

    def write(self, vals):
        if "local_group_id" in vals and any(p.state != "draft" for p in self):
            raise UserError(_("The rules of a poll cannot change once it is open."))
        return super().write(vals)

    def _audience_domain(self):
        domain = super()._audience_domain()
        if self.local_group_id:
            partners = (
                self.env["coop.local.group.membership"]
                .sudo()
                .search([("local_group_id", "child_of", self.local_group_id.id)])
                .partner_id
            )
            domain.append(("partner_id", "in", partners.ids))
        return domain

    def _coop_check_coordinator(self):
        """The user coordinates this poll's local group (the portal's right to run it)."""
        self.ensure_one()
        group = self.sudo().local_group_id
        if not group or not group._coop_is_coordinator(self.env.user.partner_id):
            raise AccessError(_("Only the coordinators of the poll's local group run it."))

    def _coop_portal_close(self):
        """A coordinator closes their group's poll from the member space."""
        self._coop_check_coordinator()
        return self.sudo().action_close()
