from odoo import _, api, models
from odoo.exceptions import AccessError, ValidationError
from odoo.osv import expression


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

    @api.constrains("mailing_model_id", "contact_list_ids", "mailing_filter_id")
    def _check_coop_moderator_recipients(self):
        """A moderator who is not an email marketing user writes to her groups' lists only.

        Her record rule hides other mailings, but a write can still change the
        recipients of one she may edit (another model, a filter, another list): the
        stored values are checked against the lists she may reach.
        """
        if self.env.su or self.env.user.has_group("mass_mailing.group_mass_mailing_user"):
            return
        if not self.env.user.has_group("coop_engagement.group_coop_moderator"):
            return
        list_model = self.env["ir.model"]._get("mailing.list")
        for mailing in self:
            lists = mailing.sudo().contact_list_ids
            reachable = self.env["mailing.list"].search(
                [("id", "in", lists.ids), ("coop_local_group_ids", "!=", False)]
            )
            if (
                mailing.sudo().mailing_model_id != list_model
                or mailing.sudo().mailing_filter_id
                or not lists
                or reachable != lists
            ):
                raise AccessError(
                    _(
                        "As a moderator you write only to the mailing lists of the local "
                        "groups you moderate."
                    )
                )

    def _get_recipients_domain(self):
        """Recipients of a mailing to lists stay the contacts of those lists.

        The domain is a stored, writable text: whatever it says, a mailing to lists
        never reaches a contact outside them (the queue sends as superuser).
        """
        domain = super()._get_recipients_domain()
        if self.mailing_model_real == "mailing.contact" and self.contact_list_ids:
            domain = expression.AND([domain, [("list_ids", "in", self.contact_list_ids.ids)]])
        return domain
