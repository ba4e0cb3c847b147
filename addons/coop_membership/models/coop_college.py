from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from .res_company import SCIC_MAX_WEIGHT, SCIC_MIN_WEIGHT


class CoopCollege(models.Model):
    _name = "coop.college"
    _description = "Voting College"
    _order = "company_id, sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(required=True, help="Short code, unique per cooperative.")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    description = fields.Html(translate=True)
    vote_weight = fields.Float(
        string="Vote Weight (%)",
        digits=(5, 2),
        help="Share of the assembly's vote given to this college when the company "
        "weights votes by college.",
    )
    member_count = fields.Integer(compute="_compute_member_count", string="Members")

    _sql_constraints = [
        (
            "code_company_uniq",
            "unique(company_id, code)",
            "A college code must be unique within a cooperative.",
        ),
    ]

    def _compute_member_count(self):
        counts = dict(
            self.env["coop.member"]._read_group(
                [("college_id", "in", self.ids), ("state", "in", ("member", "resigning"))],
                ["college_id"],
                ["__count"],
            )
        )
        for college in self:
            college.member_count = counts.get(college, 0)

    @api.constrains("vote_weight", "company_id", "active")
    def _check_scic_weight(self):
        for college in self:
            if not 0 <= college.vote_weight <= 100:
                raise ValidationError(
                    _(
                        "A college weight lies between 0 %% and 100 %%: college %(college)s "
                        "cannot weigh %(weight)s %%.",
                        college=college.name,
                        weight=college.vote_weight,
                    )
                )
            company = college.company_id
            if (
                college.active
                and company.coop_legal_form == "scic"
                and company.coop_vote_by_college
                and not SCIC_MIN_WEIGHT <= college.vote_weight <= SCIC_MAX_WEIGHT
            ):
                raise ValidationError(
                    _(
                        "In a SCIC each college weighs between %(min)s %% and %(max)s %%: "
                        "college %(college)s cannot weigh %(weight)s %%.",
                        min=SCIC_MIN_WEIGHT,
                        max=SCIC_MAX_WEIGHT,
                        college=college.name,
                        weight=college.vote_weight,
                    )
                )

    def action_view_members(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("coop_membership.coop_member_action")
        action["domain"] = [("college_id", "=", self.id)]
        action["context"] = {
            "default_college_id": self.id,
            "default_company_id": self.company_id.id,
        }
        return action
