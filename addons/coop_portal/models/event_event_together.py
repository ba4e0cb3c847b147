from odoo import models


class EventEvent(models.Model):
    _inherit = "event.event"  # pylint: disable=consider-merging-classes-inherited

    def _coop_go_together_for(self, partner):
        """The other registered members who chose to go together, as ``partner`` may see
        them: only when ``partner`` is registered and chose it too, and only members of
        the event's cooperative. Empty otherwise (and for visitors)."""
        self.ensure_one()
        Partner = self.env["res.partner"]
        if not partner or self.env.user._is_public():
            return Partner
        together = Partner._coop_go_together_partners(self)
        if partner not in together or self.company_id not in partner._coop_active_companies():
            return Partner
        members = (
            self.env["coop.member"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", (together - partner).ids),
                    ("company_id", "=", self.company_id.id),
                    ("is_active_member", "=", True),
                ]
            )
        )
        return members.partner_id.sorted("name")
