from odoo import api, fields, models

STATE_ACTIVITY = {"open": "event_registered", "done": "event_attended"}


class EventRegistration(models.Model):
    _inherit = "event.registration"

    @api.model_create_multi
    def create(self, vals_list):
        registrations = super().create(vals_list)
        registrations._coop_log_engagement()
        return registrations

    def write(self, vals):
        res = super().write(vals)
        if "state" in vals or "partner_id" in vals:
            self._coop_log_engagement()
        return res

    def _coop_log_engagement(self):
        """Registrations and attendance of people become engagement activities of
        the event's cooperative (events without a company use the current one)."""
        vals_list = []
        for registration in self:
            activity_type = STATE_ACTIVITY.get(registration.state)
            if not activity_type or not registration.partner_id:
                continue
            event = registration.event_id
            types = [activity_type]
            if activity_type == "event_attended":
                types.append("event_registered")
            for kind in types:
                vals_list.append(
                    {
                        "partner_id": registration.partner_id.id,
                        "company_id": (event.company_id or self.env.company).id,
                        "activity_type": kind,
                        "date": fields.Date.to_date(event.date_begin) or fields.Date.today(),
                        "local_group_id": event.coop_local_group_id.id,
                        "res_model": registration._name,
                        "res_id": registration.id,
                    }
                )
        self.env["coop.engagement.activity"]._coop_log(vals_list)
