from odoo import Command, _, api, fields, models
from odoo.exceptions import UserError


class CoopActionCall(models.Model):
    """A "fiche action": a call for volunteers for a concrete local action."""

    _name = "coop.action.call"
    _description = "Action Call"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    description = fields.Html(translate=True)
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    local_group_id = fields.Many2one(
        "coop.local.group", index=True, check_company=True, tracking=True
    )
    organizer_id = fields.Many2one(
        "res.partner",
        string="Organiser",
        default=lambda self: self.env.user.partner_id,
        tracking=True,
    )
    skill_ids = fields.Many2many("coop.skill", string="Needed Skills")
    theme_id = fields.Many2one("coop.engagement.theme")
    place = fields.Char()
    zip_prefixes = fields.Char(
        string="Audience Area",
        help="Postal-code prefixes or departments, separated by commas. Empty: the "
        "territory of the local group, or the whole cooperative.",
    )
    date_start = fields.Datetime(string="Date", tracking=True)
    volunteers_needed = fields.Integer(default=1, tracking=True)
    min_democratic_level = fields.Integer(string="Min. Democratic Level")
    min_militant_level = fields.Integer(string="Min. Militant Level")
    college_ids = fields.Many2many("coop.college", string="Colleges", check_company=True)
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("open", "Open"),
            ("full", "Staffed"),
            ("done", "Done"),
            ("cancel", "Cancelled"),
        ],
        default="draft",
        required=True,
        tracking=True,
        index=True,
    )
    volunteer_ids = fields.One2many(
        "coop.action.call.volunteer", "action_call_id", string="Volunteers"
    )
    audience_count = fields.Integer(compute="_compute_audience_count")
    confirmed_count = fields.Integer(compute="_compute_volunteer_counts", store=True)
    invited_count = fields.Integer(compute="_compute_volunteer_counts", store=True)

    _sql_constraints = [
        (
            "volunteers_needed_positive",
            "CHECK(volunteers_needed > 0)",
            "At least one volunteer must be needed.",
        ),
    ]

    def _creation_message(self):
        # A code string, not the model's name from ir.model: records made while the
        # module installs (demo data) are logged before its translations reach the
        # database, which left "Local Group créé" in French chatters.
        return _("Action call created")

    @api.depends("volunteer_ids.state")
    def _compute_volunteer_counts(self):
        for call in self:
            call.confirmed_count = len(
                call.volunteer_ids.filtered(lambda v: v.state in ("confirmed", "done"))
            )
            call.invited_count = len(call.volunteer_ids)

    def _compute_audience_count(self):
        for call in self:
            call.audience_count = self.env["coop.member"].search_count(call._coop_audience_domain())

    def _coop_prefixes(self):
        self.ensure_one()
        raw = self.zip_prefixes or (self.local_group_id and self.local_group_id.zip_prefixes)
        return [p.strip() for p in (raw or "").split(",") if p.strip()]

    def _coop_audience_domain(self):
        """Memberships matching the call: company, colleges, levels, skills, area."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("is_active_member", "=", True),
            ("democratic_level", ">=", self.min_democratic_level),
            ("militant_level", ">=", self.min_militant_level),
        ]
        if self.college_ids:
            domain.append(("college_id", "in", self.college_ids.ids))
        if self.skill_ids:
            domain.append(("partner_id.coop_skill_ids", "in", self.skill_ids.ids))
        prefixes = self._coop_prefixes()
        if prefixes:
            domain += ["|"] * (len(prefixes) - 1) + [
                ("zip", "=like", f"{prefix}%") for prefix in prefixes
            ]
        return domain

    def _coop_audience(self):
        """Partners to invite: the matching members not invited yet, then the
        contact helper's verdict (preferences, themes, caps)."""
        self.ensure_one()
        partners = self.env["coop.member"].search(self._coop_audience_domain()).partner_id
        partners -= self.volunteer_ids.partner_id
        return partners._coop_contact_split(
            "solicitation", theme=self.theme_id or None, company=self.company_id
        )

    def action_open(self):
        for call in self:
            if call.state != "draft":
                raise UserError(_("Only a draft action call can be opened."))
        self.write({"state": "open"})
        return True

    def action_invite(self):
        """Invite the audience: email for those who accept it, a paper list for the
        others; everyone reached is logged for the caps."""
        template = self.env.ref("coop_engagement.mail_template_action_call_invitation")
        for call in self:
            if call.state not in ("open", "full"):
                raise UserError(
                    _("Open the action call %(name)s before inviting people.", name=call.name)
                )
            split = call._coop_audience()
            reached = split["email"] | split["paper"]
            if not reached:
                raise UserError(
                    _(
                        "Nobody can be invited to %(name)s: no matching member, or all of "
                        "them refused solicitations or reached their cap.",
                        name=call.name,
                    )
                )
            volunteers = self.env["coop.action.call.volunteer"].create(
                [
                    {
                        "action_call_id": call.id,
                        "partner_id": partner.id,
                        "channel": "email" if partner in split["email"] else "paper",
                    }
                    for partner in reached
                ]
            )
            email_volunteers = volunteers.filtered(lambda v: v.channel == "email")
            if email_volunteers:
                template.send_mail_batch(email_volunteers.ids)
            reached._coop_log_contacts(split, "solicitation", call)
            call.message_post(
                body=_(
                    "%(email)s people invited by email, %(paper)s by paper, %(skipped)s "
                    "skipped (preferences or caps).",
                    email=len(split["email"]),
                    paper=len(split["paper"]),
                    skipped=len(split["skipped"]),
                )
            )
        return True

    def action_paper_labels(self):
        self.ensure_one()
        partners = self.volunteer_ids.filtered(lambda v: v.channel == "paper").partner_id
        if not partners:
            raise UserError(_("Nobody of this action call is reached by paper."))
        return {
            "type": "ir.actions.act_window",
            "name": _("Paper Mail Labels"),
            "res_model": "coop.paper.label.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_partner_ids": [Command.set(partners.ids)]},
        }

    def action_done(self):
        for call in self:
            if call.state not in ("open", "full"):
                raise UserError(_("Only an open action call can be marked as done."))
        self.write({"state": "done"})
        volunteers = self.volunteer_ids.filtered(lambda v: v.state == "confirmed")
        volunteers.write({"state": "done"})
        self.env["coop.engagement.activity"]._coop_log(
            [
                {
                    "partner_id": v.partner_id.id,
                    "company_id": v.action_call_id.company_id.id,
                    "activity_type": "action_volunteered",
                    "local_group_id": v.action_call_id.local_group_id.id,
                    "res_model": v._name,
                    "res_id": v.id,
                }
                for v in volunteers
            ]
            + [
                {
                    "partner_id": call.organizer_id.id,
                    "company_id": call.company_id.id,
                    "activity_type": "action_organised",
                    "local_group_id": call.local_group_id.id,
                    "res_model": call._name,
                    "res_id": call.id,
                }
                for call in self
                if call.organizer_id
            ]
        )
        return True

    def action_cancel(self):
        if any(call.state == "done" for call in self):
            raise UserError(_("A completed action call cannot be cancelled."))
        self.write({"state": "cancel"})
        return True

    def action_reset_draft(self):
        if any(call.state != "cancel" for call in self):
            raise UserError(_("Only a cancelled action call can go back to draft."))
        self.write({"state": "draft"})
        return True

    def _coop_update_staffing(self):
        for call in self:
            if call.state == "open" and call.confirmed_count >= call.volunteers_needed:
                call.state = "full"
            elif call.state == "full" and call.confirmed_count < call.volunteers_needed:
                call.state = "open"
