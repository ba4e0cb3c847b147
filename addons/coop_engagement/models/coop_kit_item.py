from odoo import fields, models


class CoopKitItem(models.Model):
    """An item of a cooperative's communication kit catalogue (flyers, posters, kakemono...),
    which members order from the member space for a stand or an event."""

    _name = "coop.kit.item"
    _description = "Communication Kit Item"
    _order = "sequence, name, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    max_quantity = fields.Integer(
        string="Maximum per Order",
        default=50,
        required=True,
        help="A member orders at most this many of the item at once.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "max_quantity_positive",
            "CHECK(max_quantity > 0)",
            "The maximum per order must be at least 1.",
        ),
    ]
