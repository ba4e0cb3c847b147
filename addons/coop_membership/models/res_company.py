from odoo import _, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL
from odoo.tools.float_utils import float_compare

# SCIC: at least 3 member categories; when votes are weighted by college, each
# college weighs between 10 % and 50 % (loi 47-1775, art. 19 octies).
SCIC_MIN_COLLEGES = 3
SCIC_MIN_WEIGHT = 10.0
SCIC_MAX_WEIGHT = 50.0


class ResCompany(models.Model):
    _inherit = "res.company"

    coop_legal_form = fields.Selection(
        [
            ("scic", "SCIC (multi-stakeholder cooperative)"),
            ("scop", "SCOP (worker cooperative)"),
            ("sa_coop", "Cooperative SA"),
            ("sas_coop", "Cooperative SAS"),
            ("other", "Other cooperative"),
        ],
        string="Cooperative Legal Form",
        help="Legal form of the cooperative; SCIC rules on colleges apply to SCIC only.",
    )
    coop_vote_by_college = fields.Boolean(
        string="Votes Weighted by College",
        help="In general assemblies, each college's result counts for its weight "
        "instead of one member one vote over all members.",
    )
    coop_member_sequence_id = fields.Many2one(
        "ir.sequence",
        string="Member Number Sequence",
        copy=False,
        help="Numbers handed out at admission. A number is never reused, not even "
        "after an exit and a re-admission.",
    )
    coop_college_ids = fields.One2many("coop.college", "company_id", string="Colleges")
    coop_college_warning = fields.Text(
        string="College Configuration Problems", compute="_compute_coop_college_warning"
    )

    @api.depends(
        "coop_legal_form",
        "coop_vote_by_college",
        "coop_college_ids.vote_weight",
        "coop_college_ids.active",
    )
    def _compute_coop_college_warning(self):
        for company in self:
            company.coop_college_warning = "\n".join(company._coop_college_problems()) or False

    def _coop_college_problems(self):
        """Return the translated list of what is wrong with the company's colleges."""
        self.ensure_one()
        problems = []
        colleges = (
            self.env["coop.college"]
            .sudo()
            .search([("company_id", "=", self.id), ("active", "=", True)])
        )
        if self.coop_legal_form == "scic" and len(colleges) < SCIC_MIN_COLLEGES:
            problems.append(
                _(
                    "A SCIC needs at least %(min)s active colleges; %(company)s has %(count)s.",
                    min=SCIC_MIN_COLLEGES,
                    company=self.name,
                    count=len(colleges),
                )
            )
        if self.coop_vote_by_college:
            if self.coop_legal_form == "scic":
                for college in colleges:
                    if not SCIC_MIN_WEIGHT <= college.vote_weight <= SCIC_MAX_WEIGHT:
                        problems.append(
                            _(
                                "In a SCIC each college weighs between %(min)s %% and "
                                "%(max)s %%: college %(college)s weighs %(weight)s %%.",
                                min=SCIC_MIN_WEIGHT,
                                max=SCIC_MAX_WEIGHT,
                                college=college.name,
                                weight=college.vote_weight,
                            )
                        )
            total = sum(colleges.mapped("vote_weight"))
            if float_compare(total, 100.0, precision_digits=2):
                problems.append(
                    _(
                        "The weights of the active colleges of %(company)s add up to "
                        "%(total)s %% instead of 100 %%.",
                        company=self.name,
                        total=round(total, 2),
                    )
                )
        return problems

    def _coop_check_colleges(self):
        """Raise a ValidationError when the colleges break the company's rules.

        Called by governance before convening an assembly.
        """
        problems = []
        for company in self:
            problems += company._coop_college_problems()
        if problems:
            raise ValidationError("\n".join(problems))
        return True

    def _coop_get_member_sequence(self):
        """Return the company's member number sequence, creating it on first use."""
        self.ensure_one()
        if not self.coop_member_sequence_id:
            # Two first admissions at once would each make a sequence and both give
            # 000001. Lock the cooperative first: the second transaction waits here, then
            # fails to serialize (its snapshot predates the first one's sequence) and is
            # replayed by Odoo on fresh data, where the sequence exists. Writing the
            # company later is not enough: a flush of the new member numbers may come
            # first and hit the unique number index, an error Odoo does not replay.
            self.env.cr.execute(
                SQL("SELECT 1 FROM res_company WHERE id = %s FOR NO KEY UPDATE", self.id)
            )
            sequence = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": _("Member numbers - %s", self.name),
                        "code": "coop.member",
                        "prefix": "",
                        "padding": 6,
                        "company_id": self.id,
                        "implementation": "standard",
                    }
                )
            )
            self.sudo().coop_member_sequence_id = sequence
        return self.coop_member_sequence_id

    def _coop_federation_companies(self):
        """The company and all the regional cooperatives below it."""
        return self.env["res.company"].search([("id", "child_of", self.ids)])
