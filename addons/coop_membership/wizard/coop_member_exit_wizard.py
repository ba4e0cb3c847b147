from odoo import _, fields, models
from odoo.exceptions import UserError


class CoopMemberExitWizard(models.TransientModel):
    _name = "coop.member.exit.wizard"
    _description = "Record a Member's Exit"

    member_id = fields.Many2one("coop.member", required=True, readonly=True)
    exit_type = fields.Selection(
        [
            ("request", "Resignation request"),
            ("confirm", "Confirm resignation"),
            ("exclude", "Exclusion by the board"),
            ("death", "Death"),
        ],
        required=True,
        default="request",
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    reason = fields.Text()

    def action_apply(self):
        self.ensure_one()
        member = self.member_id
        if self.exit_type == "exclude" and not self.reason:
            raise UserError(_("An exclusion needs the board's reason."))
        if self.exit_type == "request":
            member.action_request_exit(request_date=self.date, reason=self.reason)
        elif self.exit_type == "confirm":
            member.action_confirm_exit(exit_date=self.date)
        elif self.exit_type == "exclude":
            member.action_exclude(exit_date=self.date, reason=self.reason)
        else:
            member.action_record_death(death_date=self.date, note=self.reason)
        return {"type": "ir.actions.act_window_close"}
