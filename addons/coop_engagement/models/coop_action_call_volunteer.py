from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CoopActionCallVolunteer(models.Model):
    _name = "coop.action.call.volunteer"
    _description = "Action Call Volunteer"
    _order = "action_call_id, state, id"

    action_call_id = fields.Many2one(
        "coop.action.call", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="action_call_id.company_id", store=True, index=True)
    partner_id = fields.Many2one("res.partner", string="Person", required=True, index=True)
    email = fields.Char(related="partner_id.email")
    channel = fields.Selection([("email", "Email"), ("paper", "Paper mail")], readonly=True)
    state = fields.Selection(
        [
            ("invited", "Invited"),
            ("volunteered", "Volunteered"),
            ("confirmed", "Confirmed"),
            ("declined", "Declined"),
            ("done", "Took part"),
        ],
        default="invited",
        required=True,
        index=True,
    )
    note = fields.Char()

    _sql_constraints = [
        (
            "call_partner_uniq",
            "unique(action_call_id, partner_id)",
            "This person is already on the action call.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("state", "invited") not in ("invited", "volunteered"):
                raise UserError(_("A volunteer starts as invited or volunteered."))
        return super().create(vals_list)

    def _check_call_open(self):
        for volunteer in self:
            if volunteer.action_call_id.state not in ("open", "full"):
                raise UserError(
                    _("The action call %(name)s is not open.", name=volunteer.action_call_id.name)
                )

    def action_volunteer(self):
        self._check_call_open()
        if any(v.state not in ("invited", "declined") for v in self):
            raise UserError(_("Only an invited person can sign up."))
        self.write({"state": "volunteered"})
        return True

    def action_confirm(self):
        """Confirm the sign-up and tell the volunteer (email or paper preference)."""
        self._check_call_open()
        if any(v.state != "volunteered" for v in self):
            raise UserError(_("Only a volunteer who signed up can be confirmed."))
        self.write({"state": "confirmed"})
        template = self.env.ref("coop_engagement.mail_template_action_call_confirmation")
        # A confirmation answers the person's own sign-up: not a solicitation.
        split = self.partner_id._coop_contact_split("legal")
        to_mail = self.filtered(lambda v: v.partner_id in split["email"])
        if to_mail:
            template.send_mail_batch(to_mail.ids)
        self.action_call_id._coop_update_staffing()
        return True

    def action_decline(self):
        if any(v.state == "done" for v in self):
            raise UserError(_("Participation already recorded cannot be declined."))
        self.write({"state": "declined"})
        self.action_call_id._coop_update_staffing()
        return True
