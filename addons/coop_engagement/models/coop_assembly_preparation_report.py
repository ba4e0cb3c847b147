from odoo import fields, models, tools

# Shares recomputed from counts when rows are grouped: rate field -> (numerator, denominator).
RATES = {
    "projected_rate": ("attending_count", "voter_count"),
    "convocation_rate": ("convened_count", "voter_count"),
}


class CoopAssemblyPreparationReport(models.Model):
    """Where the coming general assemblies stand: census, convocations, proxies,
    registered attendance and the quorum they project to.

    One row per assembly not yet closed (draft, convened or open), read from the census
    as coop_governance keeps it (``coop.assembly._compute_attendance``): attending is
    present, remote, represented or postal; the quorum is the cooperative's percentage
    for the assembly's type and convocation. A draft assembly has no census yet.
    """

    _name = "coop.assembly.preparation.report"
    _inherit = ["coop.rate.report.mixin"]
    _coop_rates = RATES
    _description = "Assembly Preparation"
    _auto = False
    _order = "date, company_id"

    assembly_id = fields.Many2one("coop.assembly", readonly=True)
    company_id = fields.Many2one("res.company", string="Cooperative", readonly=True)
    date = fields.Date(readonly=True)
    state = fields.Selection(
        [("draft", "Draft"), ("convened", "Convened"), ("open", "Open")], readonly=True
    )
    voter_count = fields.Integer(string="Census", readonly=True)
    convened_count = fields.Integer(
        string="Convocations Sent",
        readonly=True,
        help="Members of the census whose convocation went out, by email or on paper.",
    )
    email_convocation_count = fields.Integer(string="Convened by Email", readonly=True)
    paper_convocation_count = fields.Integer(string="Convened on Paper", readonly=True)
    registered_count = fields.Integer(
        string="Registered Attendance",
        readonly=True,
        help="Members who said they come, in person or online.",
    )
    proxy_count = fields.Integer(
        string="Proxies", readonly=True, help="Members represented by another member."
    )
    postal_count = fields.Integer(string="Postal Votes", readonly=True)
    attending_count = fields.Integer(
        string="Projected Attendance",
        readonly=True,
        help="Registered, represented and postal votes: who counts for the quorum today.",
    )
    quorum_percent = fields.Float(string="Quorum (%)", readonly=True, aggregator="avg")
    quorum_required = fields.Integer(string="Quorum (voters)", readonly=True)
    missing_count = fields.Integer(
        string="Missing for the Quorum",
        readonly=True,
        help="Voters still needed to reach the quorum (0 when reached).",
    )
    projected_rate = fields.Float(
        string="Projected Attendance (%)",
        readonly=True,
        aggregator="avg",
        help="Projected attendance out of the census.",
    )
    convocation_rate = fields.Float(string="Convened (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        # The quorum is coop_governance's res.company._coop_quorum_percent, in SQL: a
        # mixed assembly takes the extraordinary one; a second convocation its own.
        self.env.cr.execute(
            """
            CREATE VIEW coop_assembly_preparation_report AS (
            WITH census AS (
                SELECT assembly_id, COUNT(*) AS voters,
                       COUNT(*) FILTER (WHERE convocation_channel IS NOT NULL) AS convened,
                       COUNT(*) FILTER (WHERE convocation_channel = 'email') AS email,
                       COUNT(*) FILTER (WHERE convocation_channel = 'paper') AS paper,
                       COUNT(*) FILTER (WHERE attendance IN ('present', 'remote'))
                           AS registered,
                       COUNT(*) FILTER (WHERE attendance = 'represented') AS proxies,
                       COUNT(*) FILTER (WHERE attendance = 'postal') AS postal
                  FROM coop_assembly_voter
              GROUP BY assembly_id
            ), prepared AS (
                SELECT a.id AS assembly_id, a.company_id, a.date::date AS date, a.state,
                       COALESCE(cs.voters, 0) AS voters,
                       COALESCE(cs.convened, 0) AS convened,
                       COALESCE(cs.email, 0) AS email,
                       COALESCE(cs.paper, 0) AS paper,
                       COALESCE(cs.registered, 0) AS registered,
                       COALESCE(cs.proxies, 0) AS proxies,
                       COALESCE(cs.postal, 0) AS postal,
                       COALESCE(cs.registered + cs.proxies + cs.postal, 0) AS attending,
                       CASE WHEN a.assembly_type = 'ordinary' AND a.convocation = 1
                                THEN c.coop_quorum_ordinary_first
                            WHEN a.assembly_type = 'ordinary'
                                THEN c.coop_quorum_ordinary_second
                            WHEN a.convocation = 1 THEN c.coop_quorum_extraordinary_first
                            ELSE c.coop_quorum_extraordinary_second
                       END AS quorum_percent
                  FROM coop_assembly a
                  JOIN res_company c ON c.id = a.company_id
             LEFT JOIN census cs ON cs.assembly_id = a.id
                 WHERE a.state IN ('draft', 'convened', 'open')
            )
            SELECT assembly_id AS id, assembly_id, company_id, date, state,
                   voters::int AS voter_count,
                   convened::int AS convened_count,
                   email::int AS email_convocation_count,
                   paper::int AS paper_convocation_count,
                   registered::int AS registered_count,
                   proxies::int AS proxy_count,
                   postal::int AS postal_count,
                   attending::int AS attending_count,
                   COALESCE(quorum_percent, 0)::float AS quorum_percent,
                   CEIL(voters * COALESCE(quorum_percent, 0) / 100.0 - 1e-9)::int
                       AS quorum_required,
                   GREATEST(CEIL(voters * COALESCE(quorum_percent, 0) / 100.0 - 1e-9)
                            - attending, 0)::int AS missing_count,
                   ROUND(100.0 * attending / NULLIF(voters, 0), 2)::float AS projected_rate,
                   ROUND(100.0 * convened / NULLIF(voters, 0), 2)::float AS convocation_rate
              FROM prepared
            )
            """
        )
