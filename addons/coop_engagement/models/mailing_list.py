from odoo import fields, models


class MailingList(models.Model):
    _inherit = "mailing.list"

    # mailing.list has no company in Odoo 18: the lists the suite creates for a
    # cooperative or a local group carry theirs, so that a record rule keeps the staff
    # of one cooperative away from another's members (coop_engagement_security.xml).
    coop_company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        readonly=True,
        index="btree_not_null",
        ondelete="cascade",
        help="Only the staff of this cooperative see the list and write to it.",
    )

    def _coop_action_new_mailing(self, subject):
        """A new mass mailing to this list, drafted in the form for the user to send."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mailing.mailing",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "default_contact_list_ids": [self.id],
                "default_subject": subject,
            },
        }
