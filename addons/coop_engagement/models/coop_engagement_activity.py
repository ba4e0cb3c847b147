from odoo import _, api, fields, models, tools
from odoo.exceptions import UserError

ACTIVITY_TYPES = [
    ("document_read", "Document read"),
    ("newsletter_opened", "Newsletter opened"),
    ("assembly_attended", "Assembly attended"),
    ("vote_cast", "Vote cast"),
    ("question_asked", "Question asked"),
    ("debate", "Took part in a debate"),
    ("resolution_cosigned", "Resolution co-signed"),
    ("resolution_proposed", "Resolution proposed"),
    ("board_candidacy", "Board candidacy"),
    ("event_registered", "Event registration"),
    ("event_attended", "Event attended"),
    ("event_organised", "Event organised"),
    ("action_volunteered", "Action call volunteering"),
    ("action_organised", "Action call organised"),
    ("local_group_coordination", "Local group coordination"),
]


class CoopEngagementActivity(models.Model):
    """One thing a person did for the cooperative; the raw material of the levels.

    Activities are facts: they are created by the feeds (events, governance, action
    calls, portal) and never edited. See ``coop.member._coop_engagement_levels_sql``
    for how they turn into levels.
    """

    _name = "coop.engagement.activity"
    _description = "Engagement Activity"
    _order = "date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, index=True, ondelete="cascade"
    )
    member_id = fields.Many2one(
        "coop.member",
        string="Membership",
        compute="_compute_member_id",
        store=True,
        index="btree_not_null",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    activity_type = fields.Selection(ACTIVITY_TYPES, required=True, index=True)
    date = fields.Date(required=True, default=fields.Date.context_today, index=True)
    local_group_id = fields.Many2one("coop.local.group", index="btree_not_null", check_company=True)
    res_model = fields.Char(string="Source Model", index=True)
    res_id = fields.Many2oneReference(string="Source Record", model_field="res_model")
    note = fields.Char()

    def init(self):
        # Level recomputation scans (company, date) then groups by partner.
        tools.create_index(
            self.env.cr,
            "coop_engagement_activity_company_date_partner_idx",
            self._table,
            ["company_id", "date", "partner_id", "activity_type"],
        )
        # A source record yields each kind of activity once per person.
        self.env.cr.execute(
            """
            CREATE UNIQUE INDEX IF NOT EXISTS coop_engagement_activity_source_uniq
                ON coop_engagement_activity
                   (partner_id, company_id, activity_type, res_model, res_id)
             WHERE res_id IS NOT NULL
            """
        )

    @api.depends("partner_id", "company_id")
    def _compute_member_id(self):
        members = self.env["coop.member"].search(
            [
                ("partner_id", "in", self.partner_id.ids),
                ("company_id", "in", self.company_id.ids),
            ]
        )
        by_key = {(m.partner_id.id, m.company_id.id): m for m in members}
        for activity in self:
            activity.member_id = by_key.get((activity.partner_id.id, activity.company_id.id))

    def write(self, vals):
        # The stored membership link is the only thing recomputed after creation.
        if set(vals) - {"member_id"}:
            raise UserError(_("Engagement activities are facts and cannot be modified."))
        return super().write(vals)

    @api.model
    def _coop_log(self, vals_list):
        """Record activities once per source record, skipping those already logged.

        Private: called by the feeds after their own checks. Works on batches:
        one query finds what already exists, one create adds the rest.
        """
        if not vals_list:
            return self.browse()
        company_id = self.env.company.id
        for vals in vals_list:
            vals.setdefault("company_id", company_id)
        keyed = [v for v in vals_list if v.get("res_id")]
        existing = set()
        if keyed:
            self.flush_model()
            self.env.cr.execute(
                """
                SELECT partner_id, company_id, activity_type, res_model, res_id
                  FROM coop_engagement_activity
                 WHERE res_id = ANY(%s) AND res_model = ANY(%s)
                """,
                [
                    list({v["res_id"] for v in keyed}),
                    list({v.get("res_model") for v in keyed}),
                ],
            )
            existing = set(self.env.cr.fetchall())
        seen = set()
        to_create = []
        for vals in vals_list:
            key = (
                vals["partner_id"],
                vals["company_id"],
                vals["activity_type"],
                vals.get("res_model"),
                vals.get("res_id"),
            )
            if vals.get("res_id") and (key in existing or key in seen):
                continue
            seen.add(key)
            to_create.append(vals)
        return self.sudo().create(to_create).sudo(False)
