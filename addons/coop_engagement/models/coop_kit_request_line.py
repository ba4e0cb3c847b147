from odoo import api, fields, models


class CoopKitRequestLine(models.Model):
    """One item of a kit request and how many of it."""

    _name = "coop.kit.request.line"
    _description = "Communication Kit Request Line"
    _order = "request_id, sequence, id"
    _check_company_auto = True

    request_id = fields.Many2one("coop.kit.request", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="request_id.company_id", store=True, index=True)
    sequence = fields.Integer(default=10)
    item_id = fields.Many2one(
        "coop.kit.item", required=True, check_company=True, ondelete="restrict"
    )
    # The item's name when ordered: the member reads their request without access to the
    # catalogue, and a renamed item does not change a past order.
    name = fields.Char(
        string="Description",
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    quantity = fields.Integer(default=1, required=True)

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "Order at least one of each item."),
    ]

    @api.depends("item_id")
    def _compute_name(self):
        for line in self:
            line.name = line.item_id.name or line.name
