from collections import defaultdict

from odoo import _, api, fields, models

from .coop_momentum_threshold import KIND_MODELS


class CoopMomentumAlert(models.Model):
    """A threshold crossed by one record: « ça décolle ». At most one per record and
    threshold; it carries the moderators' activity and notification."""

    _name = "coop.momentum.alert"
    _description = "Momentum Alert"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"

    threshold_id = fields.Many2one(
        "coop.momentum.threshold", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(
        related="threshold_id.company_id", store=True, index=True, string="Cooperative"
    )
    kind = fields.Selection(related="threshold_id.kind", store=True)
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Integer(string="Record", required=True, readonly=True)
    name = fields.Char(string="About", readonly=True)
    count = fields.Integer(readonly=True, help="The count when the threshold was crossed.")
    record_ref = fields.Reference(
        [(model, model) for model in KIND_MODELS.values()],
        string="Open",
        compute="_compute_record_ref",
    )

    _sql_constraints = [
        (
            "threshold_record_uniq",
            "unique(threshold_id, res_model, res_id)",
            "This record already crossed this threshold.",
        ),
    ]

    @api.depends("res_model", "res_id")
    def _compute_record_ref(self):
        for alert in self:
            alert.record_ref = f"{alert.res_model},{alert.res_id}" if alert.res_id else False

    @api.model_create_multi
    def create(self, vals_list):
        names = self._coop_names([(v["res_model"], v["res_id"]) for v in vals_list])
        for vals in vals_list:
            vals.setdefault("name", names.get((vals["res_model"], vals["res_id"]), ""))
        return super().create(vals_list)

    @api.model
    def _coop_names(self, keys):
        """{(model, id): display name} of the counted records, one read per model."""
        by_model = defaultdict(set)
        for model, res_id in keys:
            by_model[model].add(res_id)
        names = {}
        for model, ids in by_model.items():
            for record in self.env[model].sudo().browse(ids).exists():
                names[model, record.id] = record.display_name
        return names

    def _coop_notify_moderators(self, companies):
        """An activity and an inbox notification for each moderator of the cooperative."""
        moderators = self.env["res.users"]._coop_moderators_by_company(companies)
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        labels = dict(self._fields["kind"]._description_selection(self.env))
        activities = []
        for alert in self:
            users = self.env["res.users"].union(*moderators.get(alert.company_id.id, []))
            summary = _("Something takes off: %(name)s", name=alert.name)
            detail = _(
                "%(kind)s: %(count)s (threshold %(threshold)s).",
                kind=labels.get(alert.kind, ""),
                count=alert.count,
                threshold=alert.threshold_id.threshold,
            )
            activities += [
                {
                    "res_model_id": model_id,
                    "res_id": alert.id,
                    "activity_type_id": activity_type.id,
                    "user_id": user.id,
                    "summary": summary,
                    "note": detail,
                }
                for user in users
            ]
            if users:
                alert.message_notify(partner_ids=users.partner_id.ids, subject=summary, body=detail)
        self.env["mail.activity"].sudo().create(activities)
