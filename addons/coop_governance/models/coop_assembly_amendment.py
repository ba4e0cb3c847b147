from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.coop_membership.models.coop_state_guard_mixin import GuardRule


class CoopAssembly(models.Model):
    _inherit = "coop.assembly"  # pylint: disable=consider-merging-classes-inherited

    # Members amend the resolutions of a convened assembly until this deadline (a
    # cooperative setting gives its default, the staff may move it until the assembly
    # opens). Amendments published for co-signature close with it.
    amendment_deadline = fields.Datetime(
        string="Amendments Close",
        compute="_compute_amendment_deadline",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        tracking=True,
        help="Members propose and co-sign amendments to the resolutions from the "
        "convocation until then. Defaults to the cooperative's number of days before "
        "the assembly.",
    )
    amendment_window_open = fields.Boolean(compute="_compute_amendment_window_open")

    @api.depends("date", "company_id.coop_amendment_days")
    def _compute_amendment_deadline(self):
        for assembly in self:
            assembly.amendment_deadline = assembly.date and assembly.date - timedelta(
                days=max(0, assembly.company_id.coop_amendment_days)
            )

    # Not stored: it also depends on the time of reading.
    @api.depends("state", "amendment_deadline")
    def _compute_amendment_window_open(self):
        now = fields.Datetime.now()
        for assembly in self:
            assembly.amendment_window_open = bool(
                assembly.state == "convened"
                and assembly.amendment_deadline
                and now < assembly.amendment_deadline
            )

    @api.constrains("amendment_deadline", "date")
    def _check_amendment_deadline(self):
        for assembly in self:
            if assembly.amendment_deadline and assembly.amendment_deadline > assembly.date:
                raise ValidationError(_("Amendments must close before the assembly."))

    def _coop_guard_rules(self):
        return [
            *super()._coop_guard_rules(),
            GuardRule(
                frozenset({"amendment_deadline"}),
                lambda a: a.state not in ("draft", "convened"),
                _("The amendment deadline changes only before the assembly opens."),
            ),
        ]

    def write(self, vals):
        res = super().write(vals)
        if {"amendment_deadline", "date"}.intersection(vals):
            self._coop_sync_amendment_deadlines()
        return res

    def _coop_sync_amendment_deadlines(self):
        """Amendments open for co-signature close with their assembly's window."""
        amendments = (
            self.env["coop.proposal"]
            .sudo()
            .search(
                [
                    ("amended_resolution_id.assembly_id", "in", self.ids),
                    ("state", "in", ("published", "threshold")),
                ]
            )
        )
        for assembly in amendments.amended_resolution_id.assembly_id:
            amendments.filtered(
                lambda p, a=assembly: p.amended_resolution_id.assembly_id == a
            )._guarded_write({"deadline": assembly.amendment_deadline})
