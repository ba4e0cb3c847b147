from odoo import _, api, models
from odoo.exceptions import ValidationError


class MailingMailing(models.Model):
    _inherit = "mailing.mailing"

    @api.constrains("contact_list_ids", "state")
    def _check_coop_list_company(self):
        """A cooperative's list is written to only from that cooperative.

        The record rule hides other cooperatives' lists in the interface; this also
        stops a mailing that names one by id (a crafted call, or somebody else's draft
        put in the queue). Checked on the stored lists, which the rule would hide.
        """
        if self.env.su:
            return
        allowed = self.env.companies
        for mailing in self:
            foreign = mailing.sudo().contact_list_ids.filtered(
                lambda mlist: mlist.coop_company_id and mlist.coop_company_id not in allowed
            )
            if foreign:
                raise ValidationError(
                    _(
                        "The mailing list %(lists)s belongs to %(company)s: select that "
                        "cooperative in the company switcher to write to its members.",
                        lists=", ".join(foreign.mapped("name")),
                        company=", ".join(foreign.coop_company_id.mapped("name")),
                    )
                )
