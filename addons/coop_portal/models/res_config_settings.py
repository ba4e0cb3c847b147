from odoo import fields, models

from .coop_activation_code import CODE_DEFAULT_DAYS


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coop_activation_code_days = fields.Integer(
        string="Activation Codes Valid For (days)",
        config_parameter="coop_portal.activation_code_days",
        default=CODE_DEFAULT_DAYS,
        help="How long the code printed on a paper member's admission letter opens their "
        "account. Printing the letter again makes a new code.",
    )
    coop_staff_2fa = fields.Selection(
        [("required", "Required"), ("optional", "Optional")],
        string="Staff Two-Factor Authentication",
        config_parameter="coop_portal.staff_2fa",
        default="required",
        help="Required: officers, accountants and managers enter, after their password, the "
        "code of their authenticator app or else a code sent to them by email.",
    )
    # The tile server of the local groups map, per cooperative (see res.company).
    coop_map_tile_url = fields.Char(related="company_id.coop_map_tile_url", readonly=False)
    coop_map_tile_attribution = fields.Char(
        related="company_id.coop_map_tile_attribution", readonly=False
    )
