from odoo import _, api, fields, models

from ..models.coop_ballot import CHANNELS, CHOICES


class CoopVoteWizard(models.TransientModel):
    """Desk entry of a vote cast in the room, by post or by proxy."""

    _name = "coop.vote.wizard"
    _description = "Record a Vote"

    resolution_id = fields.Many2one("coop.resolution", required=True, readonly=True)
    assembly_id = fields.Many2one(related="resolution_id.assembly_id")
    voter_id = fields.Many2one(
        "coop.assembly.voter",
        string="Member",
        required=True,
        domain="[('assembly_id', '=', assembly_id)]",
    )
    channel = fields.Selection(CHANNELS, required=True, default="in_room")
    cast_by_id = fields.Many2one(
        "coop.assembly.voter", string="Proxy Holder", compute="_compute_cast_by_id", store=True
    )
    choice = fields.Selection(CHOICES, required=True)
    last_message = fields.Char(readonly=True)

    @api.depends("voter_id", "channel")
    def _compute_cast_by_id(self):
        for wizard in self:
            wizard.cast_by_id = (
                wizard.voter_id.proxy_holder_id if wizard.channel == "proxy" else False
            )

    def action_record_next(self):
        self.ensure_one()
        self.resolution_id.cast_vote(self.voter_id, self.choice, self.channel, self.cast_by_id)
        return {
            "type": "ir.actions.act_window",
            "name": _("Record a vote"),
            "res_model": self._name,
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_resolution_id": self.resolution_id.id,
                "default_channel": self.channel,
                "default_last_message": _(
                    "Vote of %(person)s recorded.", person=self.voter_id.partner_id.name
                ),
            },
        }
