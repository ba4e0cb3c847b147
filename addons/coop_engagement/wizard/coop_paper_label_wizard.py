import base64
import csv
import io

from odoo import _, fields, models
from odoo.exceptions import UserError


class CoopPaperLabelWizard(models.TransientModel):
    """Address labels for the people reached by paper: a PDF to print, or a CSV for
    a mailing house."""

    _name = "coop.paper.label.wizard"
    _description = "Paper Mail Labels"

    partner_ids = fields.Many2many("res.partner", string="Recipients", required=True)
    csv_file = fields.Binary(string="CSV File", readonly=True)
    csv_filename = fields.Char()

    def _coop_check_addresses(self):
        # The recipients as stored, not as the rules filter them: a contact card the
        # user may not read (another cooperative's member) refuses the whole sheet.
        recipients = self.sudo().partner_ids.with_env(self.env)
        recipients.check_access("read")
        missing = self.partner_ids.filtered(lambda p: not p._coop_has_postal_address())
        if missing:
            raise UserError(
                _(
                    "These people have no complete postal address (street, postal code, "
                    "city): %(names)s",
                    names=", ".join(missing.mapped("name")),
                )
            )

    def action_print_pdf(self):
        self.ensure_one()
        self._coop_check_addresses()
        return self.env.ref("coop_engagement.action_report_coop_paper_labels").report_action(
            self.partner_ids
        )

    def _coop_csv_rows(self):
        for partner in self.partner_ids.sorted(lambda p: (p.zip or "", p.name or "")):
            yield [
                partner.name or "",
                partner.street or "",
                partner.street2 or "",
                partner.zip or "",
                partner.city or "",
                partner.country_id.name or "",
            ]

    def action_export_csv(self):
        self.ensure_one()
        self._coop_check_addresses()
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        # Column names in the user's language: they are the mail-merge field names.
        writer.writerow([_("Name"), _("Street"), _("Street 2"), _("ZIP"), _("City"), _("Country")])
        writer.writerows(self._coop_csv_rows())
        self.write(
            {
                "csv_file": base64.b64encode(buffer.getvalue().encode("utf-8-sig")),
                "csv_filename": "paper_labels.csv",
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self._name}/{self.id}/csv_file/paper_labels.csv?download=true",
            "target": "self",
        }
