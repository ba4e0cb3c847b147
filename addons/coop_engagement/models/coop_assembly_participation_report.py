from odoo import _, api, fields, models, tools


class CoopAssemblyParticipationReport(models.Model):
    """Participation in general assemblies per college: who was there, in person,
    online, by post or through a proxy, out of the census."""

    _name = "coop.assembly.participation.report"
    _description = "Assembly Participation"
    _auto = False
    _order = "date desc, company_id, college_id"

    assembly_id = fields.Many2one("coop.assembly", readonly=True)
    company_id = fields.Many2one("res.company", string="Cooperative", readonly=True)
    college_id = fields.Many2one("coop.college", readonly=True)
    date = fields.Date(readonly=True)
    assembly_type = fields.Char(string="Type", readonly=True)
    voter_count = fields.Integer(string="Census", readonly=True)
    participant_count = fields.Integer(string="Participants", readonly=True)
    participation_rate = fields.Float(string="Participation (%)", readonly=True, aggregator="avg")

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            """
            CREATE VIEW coop_assembly_participation_report AS (
                SELECT MIN(v.id) AS id,
                       v.assembly_id,
                       a.company_id,
                       v.college_id,
                       a.date::date AS date,
                       a.assembly_type,
                       COUNT(*) AS voter_count,
                       COUNT(*) FILTER (WHERE v.attendance IN
                           ('present', 'remote', 'represented', 'postal')) AS participant_count,
                       ROUND(100.0 * COUNT(*) FILTER (WHERE v.attendance IN
                           ('present', 'remote', 'represented', 'postal'))
                           / COUNT(*), 2)::float AS participation_rate
                  FROM coop_assembly_voter v
                  JOIN coop_assembly a ON a.id = v.assembly_id
                 WHERE a.state IN ('open', 'closed')
              GROUP BY v.assembly_id, a.company_id, v.college_id, a.date, a.assembly_type
            )
            """
        )

    @api.model
    def _coop_alert_participation_drop(self):
        """Alert moderators when the last closed assembly of a cooperative drew a
        smaller share of its census than the last one of the year before."""
        self.env.flush_all()
        self.env.cr.execute(
            """
            WITH rates AS (
                SELECT a.id, a.company_id, a.date,
                       100.0 * COUNT(*) FILTER (WHERE v.attendance IN
                           ('present', 'remote', 'represented', 'postal'))
                       / NULLIF(COUNT(*), 0) AS rate,
                       row_number() OVER (PARTITION BY a.company_id ORDER BY a.date DESC) AS rn
                  FROM coop_assembly a
                  JOIN coop_assembly_voter v ON v.assembly_id = a.id
                 WHERE a.state = 'closed'
              GROUP BY a.id, a.company_id, a.date
            )
            SELECT last.id, last.company_id, ROUND(last.rate, 1), ROUND(prev.rate, 1)
              FROM rates last
              JOIN LATERAL (
                   SELECT r.rate FROM rates r
                    WHERE r.company_id = last.company_id
                      AND EXTRACT(YEAR FROM r.date) = EXTRACT(YEAR FROM last.date) - 1
                 ORDER BY r.date DESC LIMIT 1) prev ON TRUE
             WHERE last.rn = 1 AND last.rate < prev.rate
            """
        )
        rows = self.env.cr.fetchall()
        if not rows:
            return []
        assemblies = self.env["coop.assembly"].sudo().browse([row[0] for row in rows])
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        existing = {
            (res_id, user.id)
            for res_id, user in self.env["mail.activity"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", "coop.assembly"),
                    ("res_id", "in", assemblies.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id", "user_id"],
            )
        }
        moderators = self.env["res.users"]._coop_moderators_by_company(assemblies.company_id)
        model_id = self.env["ir.model"]._get_id("coop.assembly")
        vals_list = []
        for assembly_id, company_id, rate, previous in rows:
            for user in moderators.get(company_id, []):
                if (assembly_id, user.id) in existing:
                    continue
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": assembly_id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": _(
                            "Assembly participation fell to %(rate)s %% (%(previous)s %% the "
                            "year before)",
                            rate=rate,
                            previous=previous,
                        ),
                    }
                )
        self.env["mail.activity"].sudo().create(vals_list)
        return rows
