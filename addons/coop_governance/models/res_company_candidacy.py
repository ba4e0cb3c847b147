from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # Who may stand in the cooperative's elections (statutes usually ask for some
    # seniority); checked by coop.candidacy._coop_check_eligibility().
    coop_candidacy_min_months = fields.Integer(
        string="Candidates' Membership (months)",
        default=6,
        help="Minimum number of months since admission to stand in an election (0: none).",
    )
    coop_candidacy_college_ids = fields.Many2many(
        "coop.college",
        "res_company_coop_candidacy_college_rel",
        "company_id",
        "college_id",
        string="Colleges Allowed to Stand",
        help="Members of these colleges may stand in elections (empty: every college).",
    )
