from odoo import api, fields, models


class CoopLocalGroupMembership(models.Model):
    _name = "coop.local.group.membership"
    _description = "Local Group Member"
    _order = "local_group_id, role, id"

    local_group_id = fields.Many2one(
        "coop.local.group", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="local_group_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, index=True, ondelete="cascade"
    )
    role = fields.Selection(
        [("coordinator", "Coordinator"), ("contact", "Contact person"), ("member", "Member")],
        default="member",
        required=True,
    )
    date_start = fields.Date(string="Since", default=fields.Date.context_today)
    email = fields.Char(related="partner_id.email")
    city = fields.Char(related="partner_id.city")

    _sql_constraints = [
        (
            "group_partner_uniq",
            "unique(local_group_id, partner_id)",
            "This person already belongs to the group.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered(lambda r: r.role == "coordinator")._coop_log_coordination()
        return records

    def write(self, vals):
        res = super().write(vals)
        if vals.get("role") == "coordinator":
            self._coop_log_coordination()
        return res

    def _coop_log_coordination(self):
        """Coordinating a local group is organising: militant level 2."""
        self.env["coop.engagement.activity"]._coop_log(
            [
                {
                    "partner_id": m.partner_id.id,
                    "company_id": m.company_id.id,
                    "activity_type": "local_group_coordination",
                    "local_group_id": m.local_group_id.id,
                    "res_model": m._name,
                    "res_id": m.id,
                }
                for m in self
            ]
        )
