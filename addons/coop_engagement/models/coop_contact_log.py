from odoo import api, fields, models


class CoopContactLog(models.Model):
    """One message sent to one person: the counter behind the solicitation caps."""

    _name = "coop.contact.log"
    _description = "Cooperative Contact Log"
    _order = "date desc, id desc"

    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, index=True)
    purpose = fields.Char(required=True, help="legal, solicitation, newsletter, ...")
    channel = fields.Selection([("email", "Email"), ("paper", "Paper mail")], required=True)
    res_model = fields.Char(string="Source Model")
    res_id = fields.Many2oneReference(string="Source Record", model_field="res_model")

    @api.model
    def _coop_record(self, split, purpose, record=None):
        """Log one line per person reached in a ``_coop_contact_split`` result."""
        vals_list = [
            {
                "partner_id": partner.id,
                "purpose": purpose,
                "channel": channel,
                "company_id": (
                    record.company_id.id
                    if record and "company_id" in record and record.company_id
                    else self.env.company.id
                ),
                "res_model": record._name if record else False,
                "res_id": record.id if record else False,
            }
            for channel in ("email", "paper")
            for partner in split.get(channel, [])
        ]
        return self.sudo().create(vals_list)
