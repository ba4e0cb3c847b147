from odoo import fields, models


class CoopEngagementTheme(models.Model):
    """What a person wants to hear about; solicitations on other themes skip them."""

    _name = "coop.engagement.theme"
    _description = "Theme of Interest"
    _order = "name"

    name = fields.Char(required=True, translate=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    mailing_list_id = fields.Many2one(
        "mailing.list",
        string="Newsletter List",
        help="People who opt in to the newsletter and follow this theme are added to it.",
    )

    _sql_constraints = [("name_uniq", "unique(name)", "This theme already exists.")]
