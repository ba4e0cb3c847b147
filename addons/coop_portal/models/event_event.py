from odoo import fields, models


class EventEvent(models.Model):
    _inherit = "event.event"

    coop_audience = fields.Selection(
        [("public", "Everyone"), ("members", "Members of the cooperatives it is shared with")],
        string="Audience",
        default="public",
        required=True,
        help="Members only: the event is seen and joined on the website only by the "
        "members of the cooperatives it is shared with.",
    )
    coop_shared_company_ids = fields.Many2many(
        "res.company",
        "coop_event_shared_company_rel",
        "event_id",
        "company_id",
        string="Shared with",
        default=lambda self: self.env.company,
        help="Cooperatives whose members see this event. An inter-cooperative event of the "
        "federation has no company and is shared with every regional cooperative.",
    )
    coop_online_url = fields.Char(
        string="Webinar Link",
        groups="event.group_event_registration_desk",
        help="Shown on the event page only to the people registered.",
    )

    def _coop_online_url_for_current_user(self):
        """The webinar link, for the people registered to the event only.

        Checked on the registrations themselves: website_event's ``is_participating``
        also counts website visitors and, for a logged-in user without visitor record,
        any event with a registration.
        """
        self.ensure_one()
        user = self.env.user
        if user._is_public() or not self.sudo().coop_online_url:
            return False
        registered = (
            self.env["event.registration"]
            .sudo()
            .search_count(
                [
                    ("event_id", "=", self.id),
                    ("partner_id", "in", user.partner_id._coop_portal_identities()),
                    ("state", "in", ("open", "done")),
                ],
                limit=1,
            )
        )
        return registered and self.sudo().coop_online_url or False
