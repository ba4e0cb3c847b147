from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    coop_message_daily_limit = fields.Integer(
        string="New Private Conversations per Day",
        default=10,
        help="How many new private conversations a member may start per day in the member "
        "space (0: no limit). Limits unsolicited messages.",
    )
