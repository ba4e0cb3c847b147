import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError


class CoopLocalGroup(models.Model):
    _name = "coop.local.group"
    _description = "Local Group"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "company_id, complete_name"
    _parent_store = True
    _rec_name = "complete_name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    parent_id = fields.Many2one(
        "coop.local.group",
        string="Parent Group",
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("coop.local.group", "parent_id", string="Sub-groups")
    active = fields.Boolean(default=True)
    zip_prefixes = fields.Char(
        string="Territory",
        help="Postal-code prefixes or departments, separated by commas, e.g. "
        '"37, 41000". Members living there are suggested this group.',
    )
    membership_ids = fields.One2many(
        "coop.local.group.membership", "local_group_id", string="Members"
    )
    member_count = fields.Integer(compute="_compute_member_count")
    coordinator_ids = fields.Many2many(
        "res.partner", compute="_compute_coordinator_ids", string="Coordinators"
    )
    # Public contact card
    mailing_list_id = fields.Many2one(
        "mailing.list",
        readonly=True,
        copy=False,
        help="The group's members, kept in step with the group; each message carries "
        "mass_mailing's unsubscribe link, which needs no login.",
    )
    # Whether the group was ever written to; a flag, not the list, which not every
    # reader of the group may read.
    coop_has_mailing_list = fields.Boolean(
        string="Has Messages", compute="_compute_coop_has_mailing_list"
    )
    contact_email = fields.Char()
    meeting_place = fields.Char()
    description = fields.Html(translate=True)
    last_activity_date = fields.Date(
        compute="_compute_last_activity_date",
        help="Latest engagement activity recorded for this group or its events.",
    )
    coop_channel_include_subgroups = fields.Boolean(
        string="Sub-groups in the Discussion",
        default=True,
        help="The members of the sub-groups also take part in this group's discussion.",
    )

    _sql_constraints = [
        (
            "name_company_uniq",
            "unique(company_id, parent_id, name)",
            "A local group with this name already exists here.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        groups = super().create(vals_list)
        groups._coop_sync_channels()
        return groups

    def write(self, vals):
        res = super().write(vals)
        if {"name", "parent_id", "active", "coop_channel_include_subgroups"}.intersection(vals):
            self._coop_sync_channels()
        return res

    def _coop_sync_channels(self):
        """The discussions of these groups' cooperatives follow their groups."""
        companies = self.with_context(active_test=False).company_id
        self.env["discuss.channel"]._coop_sync_channels(companies, kinds=("group",))

    def _coop_channel_for_current_user(self):
        """The group's discussion if the current user takes part in it, else nothing.

        Discuss opens a group channel to its members only: the user's own row among the
        channel's members is that rule, read in one indexed query rather than through the
        channel's record rules on every page of the group.
        """
        self.ensure_one()
        membership = (
            self.env["discuss.channel.member"]
            .sudo()
            .search_fetch(
                [
                    ("channel_id.coop_local_group_id", "=", self.id),
                    ("partner_id", "=", self.env.user.partner_id.id),
                ],
                ["channel_id"],
                limit=1,
            )
        )
        return membership.channel_id.with_env(self.env)

    def _coop_role_of(self, partner):
        """The role of ``partner`` in this group ("coordinator", "contact", "member"), or
        False if they do not belong to it (its sub-groups not included); one query."""
        self.ensure_one()
        membership = (
            self.env["coop.local.group.membership"]
            .sudo()
            .search_fetch(
                [("local_group_id", "=", self.id), ("partner_id", "=", partner.id)],
                ["role"],
                limit=1,
            )
        )
        return membership.role or False

    def _creation_message(self):
        # A code string, not the model's name from ir.model: records made while the
        # module installs (demo data) are logged before its translations reach the
        # database, which left "Local Group créé" in French chatters.
        return _("Local group created")

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for group in self:
            group.complete_name = (
                f"{group.parent_id.complete_name} / {group.name}" if group.parent_id else group.name
            )

    def _compute_member_count(self):
        counts = dict(
            self.env["coop.local.group.membership"]._read_group(
                [("local_group_id", "in", self.ids)], ["local_group_id"], ["__count"]
            )
        )
        for group in self:
            group.member_count = counts.get(group, 0)

    @api.depends("membership_ids.role", "membership_ids.partner_id")
    def _compute_coordinator_ids(self):
        for group in self:
            group.coordinator_ids = group.membership_ids.filtered(
                lambda m: m.role == "coordinator"
            ).partner_id

    @api.depends("mailing_list_id")
    def _compute_coop_has_mailing_list(self):
        for group in self:
            group.coop_has_mailing_list = bool(group.sudo().mailing_list_id)

    def _compute_last_activity_date(self):
        last = dict(
            self.env["coop.engagement.activity"]
            .sudo()
            ._read_group([("local_group_id", "in", self.ids)], ["local_group_id"], ["date:max"])
        )
        for group in self:
            group.last_activity_date = last.get(group.sudo())

    @api.constrains("zip_prefixes")
    def _check_zip_prefixes(self):
        for group in self:
            for prefix in group._coop_prefix_list():
                if not re.fullmatch(r"[0-9A-Za-z]{1,5}", prefix):
                    raise ValidationError(
                        _(
                            'Territory of %(group)s: "%(prefix)s" is not a postal-code '
                            "prefix or a department number.",
                            group=group.name,
                            prefix=prefix,
                        )
                    )

    def _coop_prefix_list(self):
        self.ensure_one()
        return [p.strip() for p in (self.zip_prefixes or "").split(",") if p.strip()]

    @api.model
    def _coop_suggest(self, partners):
        """Map each partner to the local groups whose territory holds their postal code.

        The longest matching prefix wins within a cooperative; one search for all the
        groups of the partners' cooperatives, no query per partner.
        """
        groups = self.search([("zip_prefixes", "!=", False)])
        result = {}
        for partner in partners:
            zip_code = (partner.zip or "").replace(" ", "")
            best = {}
            for group in groups:
                for prefix in group._coop_prefix_list():
                    if zip_code.startswith(prefix):
                        current = best.get(group.company_id.id)
                        if not current or len(prefix) > current[0]:
                            best[group.company_id.id] = (len(prefix), group)
                        elif len(prefix) == current[0]:
                            best[group.company_id.id] = (len(prefix), current[1] | group)
            result[partner.id] = self.browse().union(*(g for _length, g in best.values()))
        return result

    # ------------------------------------------------------------------
    # Group messages: one mass_mailing list per group
    # ------------------------------------------------------------------
    def _coop_mailing_list(self):
        """The group's mailing list, created with its current members on first use."""
        self.ensure_one()
        if not self.mailing_list_id:
            self.sudo().mailing_list_id = (
                self.env["mailing.list"]
                .sudo()
                .create(
                    {
                        "name": _("Local group: %(group)s", group=self.complete_name),
                        "is_public": False,
                        "coop_company_id": self.company_id.id,
                    }
                )
            )
            self.membership_ids._coop_sync_group_list()
        elif not self.mailing_list_id.coop_company_id:
            # Lists made before they carried a cooperative (see mailing.list).
            self.mailing_list_id.sudo().coop_company_id = self.company_id
        return self.mailing_list_id

    def action_coop_group_mailing(self):
        """Write to the group: a new mass mailing to its list (drafted, sent by the user)."""
        self.ensure_one()
        self._coop_check_group_writer()
        # The list is created (as superuser) only once the caller's right is checked.
        mailing_list = self._coop_mailing_list()
        action = mailing_list._coop_action_new_mailing(self.name)
        # Sent from the writer; a moderator without an address of her own writes from
        # the group's contact address, or else the cooperative's.
        group = self.sudo()
        email_from = (
            self.env.user.email_formatted or group.contact_email or group.company_id.email_formatted
        )
        if email_from:
            action["context"]["default_email_from"] = email_from
        return action

    def action_coop_view_group_mailings(self):
        """The messages written to the group, for those who may write to it."""
        self.ensure_one()
        self._coop_check_group_writer()
        action = {
            "type": "ir.actions.act_window",
            "name": _("Messages to %(group)s", group=self.name),
            "res_model": "mailing.mailing",
            "view_mode": "list,form",
            # Read as the user: the record rules decide which messages she sees.
            "domain": [("contact_list_ids", "in", self.mailing_list_id.ids)],
            "context": {"create": False},
        }
        if not self.env.user.has_group("mass_mailing.group_mass_mailing_user"):
            action["views"] = [
                (self.env.ref("coop_engagement.mailing_mailing_view_list_coop_group").id, "list"),
                (self.env.ref("coop_engagement.mailing_mailing_view_form_coop_group").id, "form"),
            ]
        return action

    def _coop_check_group_writer(self):
        """Raise unless the current user may write to this group's members.

        Email marketing users may; a moderator may for the groups she moderates (her
        cooperatives' groups, or her groups and their sub-groups), without the email
        marketing app over every cooperative's lists. Either way from the group's
        cooperative, selected in the company switcher. Read as superuser to name the
        group in the error, since the caller may not see it.
        """
        self.ensure_one()
        user = self.env.user
        group = self.sudo()
        if user.has_group("mass_mailing.group_mass_mailing_user"):
            allowed = self.has_access("read")
        elif user.has_group("coop_membership.group_coop_manager"):
            # A manager does every job of her cooperatives, the moderator's included.
            allowed = group.company_id in user.company_ids
        else:
            allowed = user.has_group("coop_engagement.group_coop_moderator") and bool(
                group.search_count(
                    [
                        ("id", "=", group.id),
                        "|",
                        ("company_id", "in", user.coop_moderated_company_ids.ids),
                        ("id", "child_of", user.coop_moderated_group_ids.ids),
                    ]
                )
            )
        if not allowed:
            raise AccessError(
                _(
                    "You cannot write to the local group %(group)s: only its moderators "
                    "and email marketing users of %(company)s can.",
                    group=group.complete_name,
                    company=group.company_id.name,
                )
            )
        if group.company_id not in self.env.companies:
            raise AccessError(
                _(
                    "Select %(company)s in the company switcher to write to the local "
                    "group %(group)s.",
                    company=group.company_id.name,
                    group=group.complete_name,
                )
            )

    def action_join(self, partner, role="member"):
        """Add a person to the group (they may belong to several groups)."""
        self.ensure_one()
        existing = self.membership_ids.filtered(lambda m: m.partner_id == partner)
        if existing:
            return existing
        return self.env["coop.local.group.membership"].create(
            {"local_group_id": self.id, "partner_id": partner.id, "role": role}
        )

    def action_view_suggested_members(self):
        """Open the members of the cooperative living in the group's territory."""
        self.ensure_one()
        prefixes = self._coop_prefix_list()
        if not prefixes:
            raise ValidationError(_("Set the territory of the group first."))
        zip_domain = [("zip", "=like", f"{p}%") for p in prefixes]
        domain = [
            ("company_id", "=", self.company_id.id),
            ("is_active_member", "=", True),
            ("partner_id", "not in", self.membership_ids.partner_id.ids),
        ]
        domain += ["|"] * (len(zip_domain) - 1) + zip_domain
        return {
            "type": "ir.actions.act_window",
            "name": _("Suggested members for %(group)s", group=self.name),
            "res_model": "coop.member",
            "view_mode": "list,form",
            "domain": domain,
        }

    @api.model
    def _coop_alert_silent_groups(self, days=90):
        """Schedule an activity for moderators on groups with nothing recorded for
        ``days`` days (no engagement activity and no event of the group)."""
        limit = fields.Date.subtract(fields.Date.context_today(self), days=days)
        self.env.flush_all()
        self.env.cr.execute(
            """
            SELECT g.id
              FROM coop_local_group g
             WHERE g.active
               AND g.create_date < %(limit)s
               AND NOT EXISTS (SELECT 1 FROM coop_engagement_activity a
                                WHERE a.local_group_id = g.id AND a.date >= %(limit)s)
               AND NOT EXISTS (SELECT 1 FROM event_event e
                                WHERE e.coop_local_group_id = g.id
                                  AND e.date_begin >= %(limit)s)
            """,
            {"limit": limit},
        )
        groups = self.sudo().browse([row[0] for row in self.env.cr.fetchall()])
        if not groups:
            return groups
        activity_type = self.env.ref("mail.mail_activity_data_todo")
        # Do not pile up alerts: one open alert per group and moderator is enough.
        open_alerts = (
            self.env["mail.activity"]
            .sudo()
            ._read_group(
                [
                    ("res_model", "=", self._name),
                    ("res_id", "in", groups.ids),
                    ("activity_type_id", "=", activity_type.id),
                ],
                ["res_id", "user_id"],
            )
        )
        already = {(res_id, user.id) for res_id, user in open_alerts}
        moderators = self.env["res.users"]._coop_moderators_by_company(groups.company_id)
        model_id = self.env["ir.model"]._get_id(self._name)
        vals_list = []
        for group in groups:
            users = self.env["res.users"].union(*moderators.get(group.company_id.id, []))
            users |= group._coop_group_moderators()
            for user in users:
                if (group.id, user.id) in already:
                    continue
                vals_list.append(
                    {
                        "res_model_id": model_id,
                        "res_id": group.id,
                        "activity_type_id": activity_type.id,
                        "user_id": user.id,
                        "summary": _(
                            "Local group %(group)s has been silent for %(days)s days",
                            group=group.complete_name,
                            days=days,
                        ),
                    }
                )
        self.env["mail.activity"].sudo().create(vals_list)
        return groups

    def _coop_group_moderators(self):
        self.ensure_one()
        return (
            self.env["res.users"]
            .sudo()
            .search(
                [
                    (
                        "coop_moderated_group_ids",
                        "in",
                        self.search([("id", "parent_of", self.id)]).ids,
                    )
                ]
            )
        )
