from odoo import api, models


class Website(models.Model):
    _inherit = "website"

    @api.model
    def _coop_demo_french(self):
        """Demo data: the member space speaks French when French is installed.

        ``make run`` loads fr_FR before the modules; ``make test`` does not, and keeps
        the websites as they are.
        """
        french = self.env["res.lang"]._lang_get("fr_FR")
        if not french or not french.active:
            return
        for website in self.search([]):
            website.language_ids |= french
            website.default_lang_id = french
