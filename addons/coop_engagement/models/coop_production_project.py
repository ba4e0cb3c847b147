from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


class CoopProductionProject(models.Model):
    """A renewable production project born from members' initiative.

    The moderators' dashboard counts, per year, the projects proposed by members of a
    producers' college (``coop.college.coop_producer``).
    """

    _name = "coop.production.project"
    _description = "Production Project"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_proposed desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    proposer_member_id = fields.Many2one(
        "coop.member",
        string="Proposed by",
        check_company=True,
        index=True,
        tracking=True,
        help="The member whose initiative the project is.",
    )
    proposer_college_id = fields.Many2one(
        related="proposer_member_id.college_id", string="Proposer's College", store=True
    )
    by_producer = fields.Boolean(
        string="Proposed by a Producer",
        compute="_compute_by_producer",
        store=True,
    )
    # The moderator's figure "projects born from members' initiatives": set when a member
    # proposes the project, cleared by hand for a project the cooperative started itself
    # and only later entrusted to a member.
    member_initiative = fields.Boolean(
        string="Born from Members' Initiative",
        compute="_compute_member_initiative",
        store=True,
        readonly=False,
        tracking=True,
        help="The project started from members (a citizen collective, a local group), "
        "not from the cooperative's staff.",
    )
    local_group_id = fields.Many2one("coop.local.group", check_company=True, index=True)
    technology = fields.Selection(
        [
            ("solar_pv", "Solar photovoltaic"),
            ("wind", "Wind"),
            ("hydro", "Small hydro"),
            ("biomass", "Biomass / biogas"),
            ("heat", "Renewable heat"),
            ("other", "Other"),
        ],
        required=True,
        default="solar_pv",
    )
    capacity_kw = fields.Float(string="Capacity (kW)", digits=(12, 1), tracking=True)
    city = fields.Char(string="Place")
    date_proposed = fields.Date(
        string="Proposed on", required=True, default=fields.Date.context_today, index=True
    )
    state = fields.Selection(
        [
            ("idea", "Idea"),
            ("study", "Feasibility study"),
            ("development", "Development"),
            ("construction", "Construction"),
            ("production", "In production"),
            ("abandoned", "Abandoned"),
        ],
        default="idea",
        required=True,
        tracking=True,
        group_expand=True,
    )
    description = fields.Html()

    def _creation_message(self):
        # A code string, not the model's name from ir.model: records made while the
        # module installs (demo data) are logged before its translations reach the
        # database, which left "Local Group créé" in French chatters.
        return _("Production project created")

    @api.depends("proposer_member_id.college_id.coop_producer")
    def _compute_by_producer(self):
        for project in self:
            project.by_producer = project.proposer_member_id.college_id.coop_producer

    @api.depends("proposer_member_id")
    def _compute_member_initiative(self):
        for project in self:
            project.member_initiative = bool(project.proposer_member_id)

    @api.constrains("capacity_kw")
    def _check_capacity(self):
        for project in self:
            if project.capacity_kw < 0:
                raise ValidationError(
                    _("The capacity of %(project)s cannot be negative.", project=project.name)
                )
