from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    coop_staff_2fa = fields.Selection(
        [("required", "Required"), ("optional", "Optional")],
        string="Staff Two-Factor Authentication",
        config_parameter="coop_auth.staff_2fa",
        default="required",
        help="Required: officers, accountants and managers enter, after their password, the "
        "code of their authenticator app or else a code sent to them by email.",
    )
