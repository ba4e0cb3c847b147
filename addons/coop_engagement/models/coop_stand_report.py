from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError


class CoopStandReport(models.Model):
    """What a stand brought in: the people met and the contacts collected.

    Moderators record the stands of their cooperatives; a local group's coordinators
    record their group's stands from the member space (``_coop_coordinator_record``).
    The cooperative-life dashboard adds the visitors to the people its events reached.
    """

    _name = "coop.stand.report"
    _description = "Stand Report"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    event_id = fields.Many2one(
        "event.event",
        check_company=True,
        index="btree_not_null",
        help="The event the stand was held at, if any (a fair, a festival, a market day).",
    )
    local_group_id = fields.Many2one(
        "coop.local.group",
        check_company=True,
        index="btree_not_null",
        tracking=True,
    )
    date = fields.Date(required=True, default=fields.Date.context_today, index=True, tracking=True)
    place = fields.Char(required=True, tracking=True)
    visitor_count = fields.Integer(
        string="Visitors", tracking=True, help="People who stopped at the stand."
    )
    contact_count = fields.Integer(
        string="Contacts Collected",
        tracking=True,
        help="People who left their details to hear from the cooperative.",
    )
    pledge_count = fields.Integer(
        string="Memberships Promised",
        tracking=True,
        help="Visitors who promised to join or to subscribe shares.",
    )
    note = fields.Text(string="Notes")
    user_id = fields.Many2one(
        "res.users", string="Recorded by", default=lambda self: self.env.user, readonly=True
    )

    @api.depends("place", "date")
    def _compute_display_name(self):
        for report in self:
            report.display_name = (
                f"{report.place} ({fields.Date.to_string(report.date)})"
                if report.date
                else report.place or ""
            )

    @api.constrains("visitor_count", "contact_count", "pledge_count", "date")
    def _check_figures(self):
        today = fields.Date.context_today(self)
        for report in self:
            if min(report.visitor_count, report.contact_count, report.pledge_count) < 0:
                raise ValidationError(_("The figures of a stand report cannot be negative."))
            if max(report.contact_count, report.pledge_count) > report.visitor_count:
                raise ValidationError(
                    _(
                        "The stand at %(place)s cannot collect more contacts or promises "
                        "than it had visitors.",
                        place=report.place,
                    )
                )
            if report.date and report.date > today:
                raise ValidationError(
                    _("A stand is reported once held: its date cannot be in the future.")
                )

    @api.constrains("event_id", "local_group_id", "company_id")
    def _check_company_links(self):
        # The event of another cooperative would count its visitors twice.
        for report in self:
            if report.event_id.company_id and report.event_id.company_id != report.company_id:
                raise ValidationError(_("The stand's event belongs to another cooperative."))

    @api.model
    def _coop_coordinator_record(self, local_group, vals):
        """A coordinator of ``local_group`` records a stand of the group (member space).

        Coordinators are members, not staff: the check is theirs, the record is written
        as superuser with the group's cooperative and the coordinator as author.
        """
        partner = self.env.user.partner_id
        is_coordinator = (
            self.env["coop.local.group.membership"]
            .sudo()
            .search_count(
                [
                    ("local_group_id", "=", local_group.id),
                    ("partner_id", "=", partner.id),
                    ("role", "=", "coordinator"),
                ],
                limit=1,
            )
        )
        if not is_coordinator or self.env.user._is_public():
            raise AccessError(_("Only the coordinators of this group record its stands."))
        allowed = {"date", "place", "visitor_count", "contact_count", "pledge_count", "note"}
        values = {key: value for key, value in vals.items() if key in allowed}
        return self._coop_create_for_group(local_group.sudo(), values)

    def _coop_create_for_group(self, local_group, values):
        return (
            self.sudo()
            .with_company(local_group.company_id)
            .create(
                {
                    **values,
                    "local_group_id": local_group.id,
                    "company_id": local_group.company_id.id,
                    "user_id": self.env.user.id,
                }
            )
        )
