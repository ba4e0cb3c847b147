from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CoopAssemblyCheckinWizard(models.TransientModel):
    """In-room desk: type a name or a member number, pick the voter, check in."""

    _name = "coop.assembly.checkin.wizard"
    _description = "Assembly Check-in"

    assembly_id = fields.Many2one("coop.assembly", required=True, readonly=True)
    voter_id = fields.Many2one(
        "coop.assembly.voter",
        string="Member",
        domain="[('assembly_id', '=', assembly_id)]",
        help="Type a name or a member number.",
    )
    attendance = fields.Selection(
        [("present", "Present"), ("remote", "Remote"), ("represented", "Gives a proxy")],
        default="present",
        required=True,
    )
    proxy_holder_id = fields.Many2one(
        "coop.assembly.voter",
        domain="[('assembly_id', '=', assembly_id), ('attendance', 'in', ('present', 'remote')),"
        " ('id', '!=', voter_id)]",
    )
    voter_attendance = fields.Selection(related="voter_id.attendance", string="Current")
    voter_college_id = fields.Many2one(related="voter_id.college_id", string="College")
    voter_proxy_count = fields.Integer(related="voter_id.proxy_count", string="Proxies Held")
    attending_count = fields.Integer(related="assembly_id.attending_count")
    quorum_required = fields.Integer(related="assembly_id.quorum_required")
    quorum_reached = fields.Boolean(related="assembly_id.quorum_reached")
    last_message = fields.Char(readonly=True)

    @api.onchange("voter_id")
    def _onchange_voter_id(self):
        if self.voter_id and self.voter_id.attendance == "represented":
            self.attendance = "represented"
            self.proxy_holder_id = self.voter_id.proxy_holder_id

    def _apply(self):
        self.ensure_one()
        if not self.voter_id:
            raise UserError(_("Find the member by name or number first."))
        voter = self.voter_id
        if self.attendance == "represented":
            if not self.proxy_holder_id:
                raise UserError(_("Choose the member who holds the proxy."))
            voter.action_give_proxy(self.proxy_holder_id)
            return _(
                "%(person)s is represented by %(holder)s.",
                person=voter.partner_id.name,
                holder=self.proxy_holder_id.partner_id.name,
            )
        voter.action_check_in(self.attendance)
        return _("%(person)s checked in.", person=voter.partner_id.name)

    def action_checkin_next(self):
        """Check in and stay in the wizard for the next member."""
        message = self._apply()
        return {
            "type": "ir.actions.act_window",
            "name": _("Check-in"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_assembly_id": self.assembly_id.id,
                "default_last_message": message,
            },
        }

    def action_checkin_close(self):
        self._apply()
        return {"type": "ir.actions.act_window_close"}
