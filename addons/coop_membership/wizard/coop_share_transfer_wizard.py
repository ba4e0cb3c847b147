from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CoopShareTransferWizard(models.TransientModel):
    """Transfer shares from one member to another of the same cooperative.

    The wizard only gathers the request: the one confirmed register operation it creates
    checks every holding rule (giver's minimum, receiver's maximum and college) in
    ``coop.share.operation.action_confirm``.
    """

    _name = "coop.share.transfer.wizard"
    _inherit = ["coop.input.mixin"]
    _description = "Transfer Shares Between Members"

    member_id = fields.Many2one("coop.member", string="Giving member", required=True, readonly=True)
    company_id = fields.Many2one(related="member_id.company_id")
    counterpart_member_id = fields.Many2one(
        "coop.member",
        string="Receiving member",
        required=True,
        domain="[('company_id', '=', company_id), ('id', '!=', member_id),"
        " ('state', 'in', ('member', 'resigning'))]",
    )
    share_class_id = fields.Many2one(
        "coop.share.class",
        required=True,
        domain="[('company_id', '=', company_id)]",
    )
    held_quantity = fields.Integer(
        string="Shares held", compute="_compute_held_quantity", help="In this class, today."
    )
    quantity = fields.Integer(required=True, default=1)
    date = fields.Date(required=True, default=fields.Date.context_today)
    note = fields.Text(help="Board decision or agreement behind the transfer.")

    @api.model_create_multi
    def create(self, vals_list):
        self._coop_check_vals(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._coop_check_vals([vals])
        return super().write(vals)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        member = self.env["coop.member"].browse(values.get("member_id"))
        if member and "share_class_id" in fields_list and not values.get("share_class_id"):
            holdings = self.env["coop.share.operation"]._coop_holdings(member.ids)
            held = [class_id for (_member, class_id), qty in holdings.items() if qty > 0]
            if len(held) == 1:
                values["share_class_id"] = held[0]
        return values

    @api.depends("member_id", "share_class_id")
    def _compute_held_quantity(self):
        for wizard in self:
            holdings = self.env["coop.share.operation"]._coop_holdings(wizard.member_id.ids)
            wizard.held_quantity = holdings.get((wizard.member_id.id, wizard.share_class_id.id), 0)

    def action_transfer(self):
        self.ensure_one()
        if self.quantity <= 0:
            raise UserError(_("Transfer at least one share."))
        # The holding (enough shares, giver's minimum, receiver's maximum and college) and
        # the same cooperative are checked by the register operation itself: its
        # action_confirm (coop.share.class._check_holding) and check_company.
        operation = self.env["coop.share.operation"].create(
            {
                "date": self.date,
                "company_id": self.member_id.company_id.id,
                "member_id": self.member_id.id,
                "counterpart_member_id": self.counterpart_member_id.id,
                "share_class_id": self.share_class_id.id,
                "operation_type": "transfer",
                "quantity": self.quantity,
                "note": self.note,
            }
        )
        operation.action_confirm()
        return {
            "type": "ir.actions.act_window",
            "res_model": "coop.share.operation",
            "res_id": operation.id,
            "view_mode": "form",
            "target": "current",
        }
