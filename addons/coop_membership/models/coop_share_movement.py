from odoo import fields, models, tools

from .coop_share_operation import OPERATION_TYPES


class CoopShareMovement(models.Model):
    """Confirmed register operations split per member side, with signed quantities.

    A transfer gives two lines (giver -, receiver +), a conversion two lines (old class -,
    new class +), a reversal flips the signs. Holdings, capital and reports sum it.
    """

    _name = "coop.share.movement"
    _description = "Share Movement"
    _auto = False
    _order = "date desc, operation_id desc"

    operation_id = fields.Many2one("coop.share.operation", readonly=True)
    name = fields.Char(string="Register Number", readonly=True)
    date = fields.Date(readonly=True)
    company_id = fields.Many2one("res.company", string="Cooperative", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    member_id = fields.Many2one("coop.member", readonly=True)
    college_id = fields.Many2one("coop.college", readonly=True)
    share_class_id = fields.Many2one("coop.share.class", readonly=True)
    operation_type = fields.Selection(OPERATION_TYPES, string="Type", readonly=True)
    is_reversal = fields.Boolean(readonly=True)
    quantity = fields.Integer(string="Shares", readonly=True)
    amount = fields.Monetary(readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE VIEW coop_share_movement AS (
                SELECT o.id * 2 AS id,
                       o.id AS operation_id,
                       o.name,
                       o.date,
                       o.company_id,
                       o.member_id,
                       m.college_id,
                       o.share_class_id,
                       o.operation_type,
                       o.is_reversal,
                       (CASE WHEN o.is_reversal THEN -1 ELSE 1 END)
                       * (CASE WHEN o.operation_type = 'subscription' THEN 1 ELSE -1 END)
                       * o.quantity AS quantity,
                       (CASE WHEN o.is_reversal THEN -1 ELSE 1 END)
                       * (CASE WHEN o.operation_type = 'subscription' THEN 1 ELSE -1 END)
                       * o.amount AS amount
                  FROM coop_share_operation o
                  JOIN coop_member m ON m.id = o.member_id
                 WHERE o.state = 'confirmed'
                UNION ALL
                SELECT o.id * 2 + 1 AS id,
                       o.id AS operation_id,
                       o.name,
                       o.date,
                       o.company_id,
                       COALESCE(o.counterpart_member_id, o.member_id) AS member_id,
                       m.college_id,
                       COALESCE(o.target_share_class_id, o.share_class_id) AS share_class_id,
                       o.operation_type,
                       o.is_reversal,
                       (CASE WHEN o.is_reversal THEN -1 ELSE 1 END)
                       * (CASE WHEN o.operation_type = 'conversion'
                               THEN o.target_quantity ELSE o.quantity END) AS quantity,
                       (CASE WHEN o.is_reversal THEN -1 ELSE 1 END)
                       * (CASE WHEN o.operation_type = 'conversion'
                               THEN o.target_quantity * o.target_unit_value
                               ELSE o.amount END) AS amount
                  FROM coop_share_operation o
                  JOIN coop_member m ON m.id = COALESCE(o.counterpart_member_id, o.member_id)
                 WHERE o.state = 'confirmed'
                   AND o.operation_type IN ('transfer', 'conversion')
            )
            """
        )
