import base64

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES

AUDIENCES = [
    ("members", "Members of the cooperative"),
    ("colleges", "Members of some colleges"),
    ("local_groups", "Members of some local groups"),
    ("public", "Everyone (public)"),
]


class CoopDocument(models.Model):
    """A document of the cooperative's library, classified and published to an audience.

    Its file is the latest of its versions (``coop.document.version``); the minutes of a
    closed assembly are a document too, rendered from the assembly when downloaded.
    """

    _name = "coop.document"
    _description = "Cooperative Document"
    _inherit = ["mail.thread"]
    _order = "year desc, sequence, id desc"
    _check_company_auto = True

    name = fields.Char(string="Title", required=True, tracking=True)
    description = fields.Text()
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    national = fields.Boolean(
        help="Shared with the members of every cooperative under this one (federation).",
        tracking=True,
    )
    visible_company_ids = fields.Many2many(
        "res.company",
        "coop_document_visible_company_rel",
        "document_id",
        "company_id",
        compute="_compute_visible_company_ids",
        store=True,
        string="Shared with",
    )
    category_id = fields.Many2one(
        "coop.document.category", required=True, index=True, tracking=True
    )
    year = fields.Integer(
        required=True, index=True, default=lambda self: fields.Date.context_today(self).year
    )
    audience = fields.Selection(AUDIENCES, required=True, default="members", tracking=True)
    college_ids = fields.Many2many("coop.college", string="Colleges", check_company=True)
    local_group_ids = fields.Many2many(
        "coop.local.group", string="Local Groups", check_company=True
    )
    published = fields.Boolean(readonly=True, copy=False, index=True, tracking=True)
    published_date = fields.Date(readonly=True, copy=False)
    source = fields.Selection(
        [("upload", "Uploaded file"), ("minutes", "Assembly minutes")],
        default="upload",
        required=True,
        readonly=True,
    )
    assembly_id = fields.Many2one(
        "coop.assembly", readonly=True, index="btree_not_null", check_company=True
    )
    version_ids = fields.One2many("coop.document.version", "document_id", string="Versions")
    attachment_id = fields.Many2one(
        "ir.attachment", compute="_compute_current_version", string="Current File"
    )
    version = fields.Integer(compute="_compute_current_version", string="Current Version")
    upload = fields.Binary(
        string="New Version", store=False, help="Upload a file: it becomes the new version."
    )
    upload_name = fields.Char(store=False)
    upload_note = fields.Char(string="Version Note", store=False)

    @api.constrains("year")
    def _check_year(self):
        for document in self:
            if not 1900 <= document.year <= 2200:
                raise ValidationError(_("Give the year of the document (four digits)."))

    @api.depends("company_id", "national")
    def _compute_visible_company_ids(self):
        for document in self:
            document.visible_company_ids = (
                document.company_id._coop_federation_companies()
                if document.national
                else document.company_id
            )

    @api.depends("version_ids.version")
    def _compute_current_version(self):
        for document in self:
            latest = document.version_ids.sorted("version", reverse=True)[:1]
            document.attachment_id = latest.attachment_id
            document.version = latest.version

    # ------------------------------------------------------------------
    # Versions: every upload is kept
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        uploads = [
            (vals.pop("upload", None), vals.pop("upload_name", None), vals.pop("upload_note", None))
            for vals in vals_list
        ]
        if any(vals.get("published") or vals.get("published_date") for vals in vals_list):
            raise UserError(_("A document is published with its Publish action."))
        documents = super().create(vals_list)
        for document, (data, name, note) in zip(documents, uploads, strict=True):
            if data:
                document._add_version(data, name, note)
        documents._check_audience()
        return documents

    def write(self, vals):
        data, name, note = (
            vals.pop("upload", None),
            vals.pop("upload_name", None),
            vals.pop("upload_note", None),
        )
        if {"published", "published_date"} & set(vals):
            raise UserError(_("A document is published and unpublished with its actions."))
        res = super().write(vals) if vals else True
        if data:
            for document in self:
                document._add_version(data, name, note)
        if {"audience", "college_ids", "local_group_ids", "national", "company_id"} & set(vals):
            self._check_audience()
        return res

    def _add_version(self, data, name, note=None):
        self.ensure_one()
        # Versions are created as superuser once the caller may write the document:
        # nobody adds a file to a document they cannot change.
        self.check_access("write")
        if self.source != "upload":
            raise UserError(_("The minutes of an assembly come from the assembly itself."))
        raw = base64.b64decode(data) if isinstance(data, (str, bytes)) else data
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name or self.name,
                    "raw": raw,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        number = (max(self.version_ids.mapped("version")) if self.version_ids else 0) + 1
        self.env["coop.document.version"].sudo().create(
            {"document_id": self.id, "version": number, "attachment_id": attachment.id,
             "note": note or False}
        )  # fmt: skip
        self._message_log(
            body=_("Version %(version)s: %(file)s", version=number, file=attachment.name)
        )

    def _check_moderator_scope(self):
        """A moderator of local groups only (not of the cooperative) publishes for them.

        The record rule lets them write the documents of their groups; this keeps those
        documents inside the groups (audience, national sharing).
        """
        user = self.env.user
        if self.env.su or user.has_group("coop_membership.group_coop_user"):
            return
        if not user.has_group("coop_engagement.group_coop_moderator"):
            return
        groups = (
            self.env["coop.local.group"]
            .sudo()
            .search([("id", "child_of", user.coop_moderated_group_ids.ids)])
        )
        for document in self.sudo():
            if document.company_id in user.coop_moderated_company_ids:
                continue
            if (
                document.audience != "local_groups"
                or document.national
                or not document.local_group_ids
                or document.local_group_ids - groups
            ):
                raise UserError(
                    _(
                        "As moderator of local groups, you publish for the members of your "
                        "groups only: choose the audience Local Groups and your groups."
                    )
                )

    def _check_audience(self):
        self._check_moderator_scope()
        for document in self:
            if document.audience == "colleges" and not document.college_ids:
                raise UserError(_("Choose the colleges this document is published for."))
            if document.audience == "local_groups" and not document.local_group_ids:
                raise UserError(_("Choose the local groups this document is published for."))

    # ------------------------------------------------------------------
    # Publication
    # ------------------------------------------------------------------
    def action_publish(self):
        for document in self:
            if document.source == "upload" and not document.version_ids:
                raise UserError(
                    _(
                        "Upload the file of %(document)s before publishing it.",
                        document=document.name,
                    )
                )
        self._check_audience()
        self._publish_write({"published": True, "published_date": fields.Date.context_today(self)})
        return True

    def action_unpublish(self):
        self._publish_write({"published": False})
        return True

    def _publish_write(self, vals):
        # Skips only our own guard in write(); access rights and tracking still apply.
        return super().write(vals)  # pylint: disable=super-method-mismatch

    # ------------------------------------------------------------------
    # Who may read: one place, used by the member space and its tests
    # ------------------------------------------------------------------
    @api.model
    def _portal_domain(self, partner, members=None):
        """Published documents ``partner`` may read (their active memberships decide).

        :param members: ``partner._coop_portal_members()`` when the caller has them.
        """
        public = [("published", "=", True), ("audience", "=", "public")]
        if not partner or partner == self.env.ref("base.public_partner"):
            return public
        if members is None:
            members = partner._coop_portal_members()
        members = members.filtered(lambda m: m.state in ACTIVE_STATES)
        if not members:
            return public
        groups = (
            self.env["coop.local.group.membership"]
            .sudo()
            .search([("partner_id", "in", partner._coop_portal_identities())])
            .local_group_id
        )
        groups |= self.env["coop.local.group"].sudo().search([("id", "parent_of", groups.ids)])
        return [
            ("published", "=", True),
            "|",
            ("audience", "=", "public"),
            "&",
            ("visible_company_ids", "in", members.company_id.ids),
            "|",
            "|",
            ("audience", "=", "members"),
            "&",
            ("audience", "=", "colleges"),
            ("college_ids", "in", members.college_id.ids),
            "&",
            ("audience", "=", "local_groups"),
            ("local_group_ids", "in", groups.ids),
        ]

    def _portal_content(self):
        """(bytes, mimetype, filename) of the current version, or the minutes PDF."""
        self.ensure_one()
        document = self.sudo()
        if document.source == "minutes":
            pdf, _type = (
                self.env["ir.actions.report"]
                .sudo()
                ._render_qweb_pdf("coop_governance.action_report_minutes", document.assembly_id.ids)
            )
            filename = "%s.pdf" % (document.assembly_id.minutes_number or document.name).replace(
                "/", "_"
            )
            return pdf, "application/pdf", filename
        attachment = document.attachment_id
        return attachment.raw, attachment.mimetype, attachment.name

    def _portal_log_read(self, partner):
        """Reading the cooperative's documents counts in the democratic level (2)."""
        members = partner._coop_portal_members().filtered(
            lambda m: m.company_id in self.visible_company_ids
        )
        self.env["coop.engagement.activity"].sudo()._coop_log(
            [
                {
                    "partner_id": member.partner_id.id,
                    "company_id": member.company_id.id,
                    "activity_type": "document_read",
                    "res_model": self._name,
                    "res_id": self.id,
                }
                for member in members
            ]
        )

    # ------------------------------------------------------------------
    # Minutes of closed assemblies: published without a second upload
    # ------------------------------------------------------------------
    @api.model
    def _coop_publish_minutes(self, assemblies):
        category = self.env.ref("coop_portal.coop_document_category_minutes", False)
        existing = self.sudo().search([("assembly_id", "in", assemblies.ids)]).assembly_id
        vals_list = [
            {
                "name": _("Minutes: %(assembly)s", assembly=assembly.name),
                "company_id": assembly.company_id.id,
                "national": assembly.national,
                "category_id": category.id,
                "year": assembly.date.year,
                "audience": "members",
                "assembly_id": assembly.id,
                "source": "minutes",
            }
            for assembly in assemblies - existing
        ]
        documents = self.sudo().create(vals_list)
        documents.action_publish()
        return documents
