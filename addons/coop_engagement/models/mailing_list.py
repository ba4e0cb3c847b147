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
    # The group whose list this is: moderators reach the lists of their groups only
    # through it (record rules on mailing.list and mailing.mailing).
    coop_local_group_ids = fields.One2many(
        "coop.local.group", "mailing_list_id", string="Local Group", readonly=True
    )

    def _coop_action_new_mailing(self, subject):
        """A new mass mailing to this list, drafted in the form for the user to send.

        Email marketing users get mass_mailing's full editor; a moderator, who only
        writes to her groups, gets the short form (subject, text, send).
        """
        self.ensure_one()
        action = {
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
        if not self.env.user.has_group("mass_mailing.group_mass_mailing_user"):
            view = self.env.ref("coop_engagement.mailing_mailing_view_form_coop_group")
            action["views"] = [(view.id, "form")]
            # mass_mailing's default looks the configured server up, which only its
            # users may read (servers carry credentials): give the id as superuser.
            action["context"]["default_mail_server_id"] = (
                self.env["mailing.mailing"].sudo()._get_default_mail_server_id()
            )
        return action
