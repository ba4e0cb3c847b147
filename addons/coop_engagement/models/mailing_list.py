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
