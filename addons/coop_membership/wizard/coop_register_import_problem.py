from odoo import fields, models


class CoopRegisterImportProblem(models.TransientModel):
    """One problem found in a register file: where it is and what is wrong, in words."""

    _name = "coop.register.import.problem"
    _description = "Register Import Problem"
    _order = "id"

    wizard_id = fields.Many2one(
        "coop.register.import.wizard", required=True, ondelete="cascade", index=True
    )
    sheet = fields.Char(required=True)
    row = fields.Integer(help="Row of the sheet or line of the CSV file, headers being row 1.")
    message = fields.Char(required=True)
