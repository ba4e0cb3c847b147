from odoo import fields, models


class CoopSkillCategory(models.Model):
    _name = "coop.skill.category"
    _description = "Skill Category"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    skill_ids = fields.One2many("coop.skill", "category_id", string="Skills")
