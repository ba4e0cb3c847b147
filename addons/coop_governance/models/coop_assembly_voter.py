from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class CoopAssemblyVoter(models.Model):
    """One line of the census frozen when an assembly is convened."""

    _name = "coop.assembly.voter"
    _description = "Assembly Voter"
    _order = "assembly_id, member_number, id"
    _rec_names_search = ["member_number", "partner_id.name", "representative_id.name"]

    assembly_id = fields.Many2one(
        "coop.assembly", required=True, index=True, ondelete="cascade", readonly=True
    )
    assembly_state = fields.Selection(related="assembly_id.state", string="Assembly State")
    member_id = fields.Many2one("coop.member", required=True, index=True, readonly=True)
    partner_id = fields.Many2one("res.partner", string="Person", required=True, readonly=True)
    # An organisation in the census acts through its representative of the day: the
    # membership's current one (a change after the convocation hands the vote to the new
    # person; each ballot keeps the user who cast it, and the membership's history the
    # dates).
    representative_id = fields.Many2one(
        related="member_id.representative_id", string="Representative", readonly=True
    )
    contact_partner_id = fields.Many2one(
        "res.partner",
        string="Convened Person",
        compute="_compute_contact_partner_id",
        help="Who receives the convocation, votes and gives or holds proxies: the member, "
        "or the representative of an organisation.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        readonly=True,
        help="The member's cooperative (differs from the assembly's at a national assembly).",
    )
    college_id = fields.Many2one(
        "coop.college", readonly=True, index=True, help="College at the census cutoff date."
    )
    member_number = fields.Char(readonly=True, index=True)
    attendance = fields.Selection(
        [
            ("absent", "Absent"),
            ("present", "Present"),
            ("remote", "Remote"),
            ("represented", "Represented"),
            ("postal", "Postal Vote"),
        ],
        default="absent",
        required=True,
        index=True,
    )
    proxy_holder_id = fields.Many2one(
        "coop.assembly.voter",
        index="btree_not_null",
        domain="[('assembly_id', '=', assembly_id), ('attendance', 'in', ('present', 'remote')),"
        " ('id', '!=', id)]",
    )
    proxy_ids = fields.One2many("coop.assembly.voter", "proxy_holder_id", string="Proxies Held")
    proxy_count = fields.Integer(readonly=True, default=0, help="Proxies this voter holds.")
    checkin_at = fields.Datetime(string="Checked In", readonly=True)
    convocation_channel = fields.Selection([("email", "Email"), ("paper", "Paper")], readonly=True)

    _sql_constraints = [
        (
            "assembly_member_uniq",
            "unique(assembly_id, member_id)",
            "A member appears once in the census of an assembly.",
        ),
        (
            "no_self_proxy",
            "CHECK(proxy_holder_id IS NULL OR proxy_holder_id != id)",
            "A member cannot hold their own proxy.",
        ),
    ]

    @api.depends("partner_id", "representative_id")
    def _compute_contact_partner_id(self):
        for voter in self:
            voter.contact_partner_id = voter.representative_id or voter.partner_id

    @api.depends("partner_id.name", "member_number", "representative_id.name")
    def _compute_display_name(self):
        for voter in self:
            name = voter.partner_id.name or ""
            if voter.representative_id:
                # Proxy pickers and attendance sheets find the organisation by the person
                # who will stand for it.
                name = _(
                    "%(organisation)s (represented by %(person)s)",
                    organisation=name,
                    person=voter.representative_id.name,
                )
            voter.display_name = f"{voter.member_number} - {name}" if voter.member_number else name

    # ------------------------------------------------------------------
    # Attendance and proxies: one place for the rules.
    # ------------------------------------------------------------------
    def write(self, vals):
        if {"attendance", "proxy_holder_id"} & set(vals):
            for voter in self:
                if voter.assembly_id.state not in ("convened", "open"):
                    raise UserError(
                        _("Attendance is recorded while the assembly is convened or open.")
                    )
            if vals.get("proxy_holder_id"):
                # Before the database's own check, which would only say "bad query".
                if vals["proxy_holder_id"] in self.ids:
                    raise ValidationError(_("A member cannot hold their own proxy."))
                vals["attendance"] = "represented"
            elif vals.get("attendance") and vals["attendance"] != "represented":
                vals["proxy_holder_id"] = False
            if vals.get("attendance") in ("absent", "represented", "postal") and self.filtered(
                "proxy_count"
            ):
                raise UserError(
                    _(
                        "%(person)s holds proxies: hand them to another member before "
                        "changing their attendance.",
                        person=self.filtered("proxy_count")[0].partner_id.name,
                    )
                )
            self._check_has_not_voted(vals)
        holders_before = self.proxy_holder_id
        res = super().write(vals)
        if "proxy_holder_id" in vals:
            (holders_before | self.proxy_holder_id)._update_proxy_count()
            self._check_proxy_rules()
        return res

    def _check_has_not_voted(self, vals):
        if "attendance" not in vals and "proxy_holder_id" not in vals:
            return
        voted = self.env["coop.ballot"].sudo().search_count([("voter_id", "in", self.ids)], limit=1)
        if voted:
            raise UserError(
                _("A member who already voted keeps the attendance under which they voted.")
            )

    def _update_proxy_count(self):
        if not self:
            return
        self.flush_recordset(["proxy_holder_id"])
        counts = dict(
            self._read_group(
                [("proxy_holder_id", "in", self.ids)], ["proxy_holder_id"], ["__count"]
            )
        )
        for holder in self:
            holder.write({"proxy_count": counts.get(holder, 0)})

    def _check_proxy_rules(self):
        for voter in self.filtered("proxy_holder_id"):
            holder = voter.proxy_holder_id
            if holder.assembly_id != voter.assembly_id:
                raise ValidationError(
                    _(
                        "%(holder)s is not in the census of this assembly.",
                        holder=holder.partner_id.name,
                    )
                )
            if holder == voter:
                raise ValidationError(_("A member cannot hold their own proxy."))
            # Before the assembly opens, proxies are handed to a fellow member who will
            # attend (French practice: the "pouvoir" is given ahead); once it is open,
            # only to a member present or attending remotely.
            allowed = ("present", "remote")
            if voter.assembly_id.state == "convened":
                allowed += ("absent",)
            if holder.attendance not in allowed:
                raise ValidationError(
                    _(
                        "%(holder)s cannot hold a proxy: only a member present or attending "
                        "remotely can (no chains of proxies).",
                        holder=holder.partner_id.name,
                    )
                )
            if voter.proxy_count:
                raise ValidationError(
                    _(
                        "%(person)s holds proxies and cannot be represented in turn "
                        "(no chains of proxies).",
                        person=voter.partner_id.name,
                    )
                )
            cap = voter.assembly_id.company_id.coop_proxy_max
            if cap and holder.proxy_count > cap:
                raise ValidationError(
                    _(
                        "%(holder)s already holds %(cap)s proxies, the maximum set by the "
                        "statutes.",
                        holder=holder.partner_id.name,
                        cap=cap,
                    )
                )

    def action_check_in(self, attendance="present"):
        """Record arrival (in the room or online)."""
        if attendance not in ("present", "remote"):
            raise UserError(_("Check-in records a member present in the room or online."))
        for voter in self:
            if voter.attendance == "represented":
                raise UserError(
                    _(
                        "%(person)s gave a proxy to %(holder)s; cancel the proxy before "
                        "checking them in.",
                        person=voter.partner_id.name,
                        holder=voter.proxy_holder_id.partner_id.name,
                    )
                )
            if voter.attendance == "postal":
                raise UserError(
                    _("%(person)s already voted by post.", person=voter.partner_id.name)
                )
        self.write({"attendance": attendance, "checkin_at": fields.Datetime.now()})
        return True

    def action_give_proxy(self, holder):
        """Record that these voters are represented by ``holder`` (a voter or its id)."""
        holder = self.env["coop.input.mixin"]._coop_records(
            self._name, holder, _("Choose the proxy holder among the members of the census.")
        )
        if not holder:
            raise UserError(_("Choose the proxy holder among the members of the census."))
        self.write({"proxy_holder_id": holder.id})
        return True

    def action_cancel_proxy(self):
        self.filtered("proxy_holder_id").write({"proxy_holder_id": False, "attendance": "absent"})
        return True

    def action_mark_absent(self):
        self.write({"attendance": "absent", "checkin_at": False})
        return True
