from odoo import api, fields, models
from odoo.tools import SQL

# What a threshold counts, and the record an alert is about.
MOMENTUM_KINDS = [
    ("registration", "Registrations to an event"),
    ("volunteer", "Volunteers to an action call"),
    ("signature", "Co-signatures of a proposal"),
    ("theme", "Members interested in a theme"),
]
KIND_MODELS = {
    "registration": "event.event",
    "volunteer": "coop.action.call",
    "signature": "coop.proposal",
    "theme": "coop.engagement.theme",
}
# One grouped count per kind, for every active threshold of that kind at once: (threshold,
# record, count) of the records at or above their threshold and not alerted yet. Raw SQL
# because the ORM cannot join the thresholds to the counted rows in one grouped query.
KIND_QUERIES = {
    # Registered (confirmed or attended) to an event of the cooperative not over yet.
    "registration": """
        SELECT t.id, r.event_id, count(*)
          FROM coop_momentum_threshold t
          JOIN event_event e ON e.company_id = t.company_id
               AND e.date_end >= now() at time zone 'UTC'
          JOIN event_registration r ON r.event_id = e.id AND r.state IN ('open', 'done')
         WHERE t.active AND t.kind = 'registration'
           AND NOT EXISTS (SELECT 1 FROM coop_momentum_alert a
                            WHERE a.threshold_id = t.id AND a.res_id = e.id)
         GROUP BY t.id, r.event_id
        HAVING count(*) >= max(t.threshold)
    """,
    # Volunteers (not declined) of an open action call of the cooperative.
    "volunteer": """
        SELECT t.id, v.action_call_id, count(*)
          FROM coop_momentum_threshold t
          JOIN coop_action_call c ON c.company_id = t.company_id AND c.state IN ('open', 'full')
          JOIN coop_action_call_volunteer v ON v.action_call_id = c.id
               AND v.state IN ('volunteered', 'confirmed', 'done')
         WHERE t.active AND t.kind = 'volunteer'
           AND NOT EXISTS (SELECT 1 FROM coop_momentum_alert a
                            WHERE a.threshold_id = t.id AND a.res_id = c.id)
         GROUP BY t.id, v.action_call_id
        HAVING count(*) >= max(t.threshold)
    """,
    # Co-signatures of a proposal of the cooperative.
    "signature": """
        SELECT t.id, s.proposal_id, count(*)
          FROM coop_momentum_threshold t
          JOIN coop_proposal_signature s ON s.company_id = t.company_id
         WHERE t.active AND t.kind = 'signature'
           AND NOT EXISTS (SELECT 1 FROM coop_momentum_alert a
                            WHERE a.threshold_id = t.id AND a.res_id = s.proposal_id)
         GROUP BY t.id, s.proposal_id
        HAVING count(*) >= max(t.threshold)
    """,
    # Active members of the cooperative who ticked the theme in their member space.
    "theme": """
        SELECT t.id, rel.theme_id, count(DISTINCT rel.partner_id)
          FROM coop_momentum_threshold t
          JOIN coop_member m ON m.company_id = t.company_id AND m.is_active_member
          JOIN coop_theme_partner_rel rel ON rel.partner_id = m.partner_id
         WHERE t.active AND t.kind = 'theme'
           AND NOT EXISTS (SELECT 1 FROM coop_momentum_alert a
                            WHERE a.threshold_id = t.id AND a.res_id = rel.theme_id)
         GROUP BY t.id, rel.theme_id
        HAVING count(DISTINCT rel.partner_id) >= max(t.threshold)
    """,
}


class CoopMomentumThreshold(models.Model):
    """A moderator's threshold: past it, something takes off and she hears of it."""

    _name = "coop.momentum.threshold"
    _description = "Momentum Threshold"
    _order = "company_id, kind, threshold"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    kind = fields.Selection(MOMENTUM_KINDS, string="Counts", required=True)
    threshold = fields.Integer(
        required=True,
        default=20,
        help="The moderators are alerted once per event, action call, proposal or theme "
        "when its count reaches this number.",
    )
    active = fields.Boolean(default=True)
    alert_ids = fields.One2many("coop.momentum.alert", "threshold_id", string="Alerts")

    _sql_constraints = [
        ("threshold_positive", "CHECK(threshold > 0)", "The threshold must be at least 1."),
    ]

    @api.depends("kind", "threshold")
    def _compute_display_name(self):
        labels = dict(self._fields["kind"]._description_selection(self.env))
        for threshold in self:
            threshold.display_name = f"{labels.get(threshold.kind, '')} ≥ {threshold.threshold}"

    @api.model
    def _coop_cron_momentum(self):
        """Alert the moderators of every threshold crossed since the last run.

        Runs every 15 minutes (data/coop_momentum_cron_data.xml) rather than on each
        registration or signature: one grouped count per kind for all the cooperatives,
        so a burst of registrations costs nothing more, and an alert comes at most a
        quarter of an hour late.
        """
        self.env.flush_all()
        crossed = []
        for kind, query in KIND_QUERIES.items():
            self.env.cr.execute(SQL(query))
            crossed += [(kind, *row) for row in self.env.cr.fetchall()]
        if not crossed:
            return self.env["coop.momentum.alert"]
        thresholds = self.sudo().browse({row[1] for row in crossed})
        alerts = (
            self.env["coop.momentum.alert"]
            .sudo()
            .create(
                [
                    {
                        "threshold_id": threshold_id,
                        "res_model": KIND_MODELS[kind],
                        "res_id": res_id,
                        "count": count,
                    }
                    for kind, threshold_id, res_id, count in crossed
                ]
            )
        )
        alerts._coop_notify_moderators(thresholds.company_id)
        return alerts
