from odoo import _, api, fields, models
from odoo.exceptions import UserError


class CoopDocumentVersion(models.Model):
    """One uploaded file of a document. Versions are kept: a new file adds one."""

    _name = "coop.document.version"
    _description = "Document Version"
    _order = "document_id, version desc"

    document_id = fields.Many2one(
        "coop.document", required=True, index=True, ondelete="cascade", readonly=True
    )
    company_id = fields.Many2one(related="document_id.company_id", store=True, index=True)
    version = fields.Integer(required=True, readonly=True)
    attachment_id = fields.Many2one(
        "ir.attachment", required=True, readonly=True, ondelete="restrict"
    )
    name = fields.Char(related="attachment_id.name", string="File")
    file_size = fields.Integer(related="attachment_id.file_size")
    note = fields.Char(help="What changed in this version.")

    _sql_constraints = [
        (
            "document_version_uniq",
            "unique(document_id, version)",
            "A version number is given once per document.",
        ),
    ]

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(
            _("The versions of a document are kept: archive the document or add a version.")
        )
