from odoo import api, fields, models


class CoopMember(models.Model):
    _inherit = "coop.member"

    currency_id = fields.Many2one(related="company_id.currency_id")
    share_operation_ids = fields.One2many(
        "coop.share.operation", "member_id", string="Share Operations"
    )
    received_share_operation_ids = fields.One2many(
        "coop.share.operation", "counterpart_member_id", string="Received Transfers"
    )
    share_count = fields.Integer(
        string="Shares",
        compute="_compute_share_holding",
        store=True,
        help="Shares held according to the confirmed operations of the register.",
    )
    share_amount = fields.Monetary(
        string="Capital Held",
        compute="_compute_share_holding",
        store=True,
        help="Nominal value of the shares held according to the confirmed register.",
    )

    @api.depends(
        "share_operation_ids.state",
        "share_operation_ids.amount",
        "received_share_operation_ids.state",
        "received_share_operation_ids.amount",
    )
    def _compute_share_holding(self):
        """Sum the confirmed register in one query for the whole batch."""
        ids = [member_id for member_id in self.ids if isinstance(member_id, int)]
        totals = {}
        if ids:
            self.env["coop.share.operation"].flush_model()
            self.env.cr.execute(
                """
                SELECT member_id, SUM(quantity), SUM(amount)
                  FROM coop_share_movement
                 WHERE member_id = ANY(%s)
              GROUP BY member_id
                """,
                [ids],
            )
            totals = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        for member in self:
            count, amount = totals.get(member.id, (0, 0.0))
            member.share_count = count
            member.share_amount = amount

    def action_view_share_operations(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coop_membership.coop_share_operation_action"
        )
        action["domain"] = [
            "|",
            ("member_id", "=", self.id),
            ("counterpart_member_id", "=", self.id),
        ]
        action["context"] = {
            "default_member_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action
