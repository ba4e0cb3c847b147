from odoo import fields, models


class CoopSkill(models.Model):
    _name = "coop.skill"
    _description = "Member Skill"
    _order = "category_id, name"

    name = fields.Char(required=True, translate=True)
    category_id = fields.Many2one("coop.skill.category", index=True)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    partner_ids = fields.Many2many(
        "res.partner", "coop_skill_partner_rel", "skill_id", "partner_id", string="People"
    )

    _sql_constraints = [
        ("name_category_uniq", "unique(name, category_id)", "This skill already exists."),
    ]
