from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError


class CoopResolution(models.Model):
    _inherit = "coop.resolution"  # pylint: disable=consider-merging-classes-inherited

    # Members stand from the member space only while this window is open; the staff
    # may still enter candidacies until the vote opens.
    candidacy_date_start = fields.Datetime(string="Candidacies Open")
    candidacy_date_end = fields.Datetime(string="Candidacies Close")
    candidacy_window_open = fields.Boolean(compute="_compute_candidacy_window_open")

    @api.constrains("candidacy_date_start", "candidacy_date_end")
    def _check_candidacy_window(self):
        for election in self:
            start, end = election.candidacy_date_start, election.candidacy_date_end
            if start and end and start >= end:
                raise ValidationError(_("Candidacies must open before they close."))

    # Not stored: it also depends on the time of reading.
    @api.depends("kind", "state", "candidacy_date_start", "candidacy_date_end")
    def _compute_candidacy_window_open(self):
        now = fields.Datetime.now()
        for election in self:
            election.candidacy_window_open = bool(
                election.kind == "election"
                and election.state in ("draft", "proposed")
                and election.candidacy_date_start
                and election.candidacy_date_end
                and election.candidacy_date_start <= now < election.candidacy_date_end
            )

    def action_start_vote(self):
        # The ballot lists the standing candidacies: the board decides on each one first.
        for election in self:
            pending = election.candidacy_ids.filtered(
                lambda c: c.state == "submitted" and c.validation_state == "pending"
            )
            if pending:
                raise UserError(
                    _(
                        "Validate or reject the candidacies of %(election)s before its vote "
                        "opens: %(names)s.",
                        election=election.name,
                        names=", ".join(pending.mapped("partner_id.name")),
                    )
                )
        return super().action_start_vote()
