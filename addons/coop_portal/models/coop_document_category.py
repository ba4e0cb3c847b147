from odoo import fields, models


class CoopDocumentCategory(models.Model):
    _name = "coop.document.category"
    _description = "Document Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Char(translate=True)
