from odoo import fields, models


class CoopCollege(models.Model):
    _inherit = "coop.college"

    coop_producer = fields.Boolean(
        string="Producers' College",
        help="Its members are producers: the production projects they propose are "
        "counted on the moderators' dashboard.",
    )
