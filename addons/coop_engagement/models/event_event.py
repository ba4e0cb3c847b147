from odoo import api, fields, models


class EventEvent(models.Model):
    _inherit = "event.event"

    coop_local_group_id = fields.Many2one(
        "coop.local.group", string="Local Group", index="btree_not_null", check_company=True
    )
    coop_organized_by_member = fields.Boolean(
        string="Organised by a Member",
        compute="_compute_coop_organized_by_member",
        store=True,
        help="The organiser holds an active membership in the event's cooperative.",
    )

    @api.depends("organizer_id", "company_id")
    def _compute_coop_organized_by_member(self):
        members = (
            self.env["coop.member"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", self.organizer_id.ids),
                    ("is_active_member", "=", True),
                ]
            )
        )
        keys = {(m.partner_id.id, m.company_id.id) for m in members}
        for event in self:
            event.coop_organized_by_member = (event.organizer_id.id, event.company_id.id) in keys

    @api.model_create_multi
    def create(self, vals_list):
        events = super().create(vals_list)
        events._coop_log_organiser()
        return events

    def write(self, vals):
        res = super().write(vals)
        if "organizer_id" in vals or "company_id" in vals:
            self._coop_log_organiser()
        return res

    def _coop_log_organiser(self):
        """An event organised by a member of the cooperative: militant level 2."""
        events = self.filtered("coop_organized_by_member")
        self.env["coop.engagement.activity"]._coop_log(
            [
                {
                    "partner_id": event.organizer_id.id,
                    "company_id": event.company_id.id,
                    "activity_type": "event_organised",
                    "date": fields.Date.to_date(event.date_begin) or fields.Date.today(),
                    "local_group_id": event.coop_local_group_id.id,
                    "res_model": event._name,
                    "res_id": event.id,
                }
                for event in events
            ]
        )
