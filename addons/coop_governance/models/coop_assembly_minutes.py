"""The minutes (procès-verbal) of a general assembly: how they are built.

- At the close (``coop.assembly._close``) the minutes get their number in the
  cooperative's register of deliberations and the head of the audit chain
  (``_minutes_values_at_close``).
- The report ``coop_governance.action_report_minutes`` (report/coop_governance_reports.xml)
  prints them: attendance by college (``_minutes_attendance``), each resolution's
  publishable results per college (``coop.resolution.result``, stored by the tally), the
  notes, the number and the chain head. While the assembly is open they print as a
  marked draft.
- The chair and the secretary sign them; signed minutes no longer change (guard rule).
"""

from odoo import _, fields, models
from odoo.exceptions import UserError

from odoo.addons.coop_membership.models.coop_state_guard_mixin import GuardRule

# What signed minutes say.
MINUTES_FIELDS = frozenset({"minutes_notes", "chair_id", "secretary_id", "name", "agenda", "place"})


class CoopAssembly(models.Model):
    _inherit = "coop.assembly"

    chair_id = fields.Many2one("res.partner", tracking=True)
    secretary_id = fields.Many2one("res.partner", tracking=True)
    minutes_number = fields.Char(readonly=True, copy=False, index="btree_not_null")
    minutes_notes = fields.Html()
    audit_head = fields.Char(
        readonly=True,
        copy=False,
        help="SHA-256 of the last ballot of the audit chain; written in the minutes at closing.",
    )
    chair_signed_on = fields.Datetime(string="Signed by the Chair", readonly=True, copy=False)
    secretary_signed_on = fields.Datetime(
        string="Signed by the Secretary", readonly=True, copy=False
    )

    _sql_constraints = [
        (
            "minutes_number_uniq",
            "unique(company_id, minutes_number)",
            "A minutes number is given once in the register of deliberations.",
        ),
    ]

    def _coop_guard_rules(self):
        return [
            *super()._coop_guard_rules(),
            GuardRule(
                MINUTES_FIELDS,
                lambda a: a.state == "closed" and (a.chair_signed_on or a.secretary_signed_on),
                _("Signed minutes cannot be changed."),
            ),
        ]

    def _minutes_values_at_close(self):
        """The minutes' number in the register of deliberations and the audit chain's head,
        written when the assembly closes (after its last ballots are linked)."""
        self.ensure_one()
        return {
            "minutes_number": self.company_id._coop_get_deliberation_sequence().next_by_id(),
            "audit_head": self._audit_chain_head(),
        }

    def action_print_minutes(self):
        """Print the minutes; while the assembly is open they print as a marked draft."""
        self.ensure_one()
        if self.state not in ("open", "closed"):
            raise UserError(_("The minutes are printed once the assembly is open (as a draft)."))
        return self.env.ref("coop_governance.action_report_minutes").report_action(self)

    def _minutes_attendance(self):
        """Attendance by college (and a total line) for the minutes, in one query."""
        self.ensure_one()
        groups = (
            self.env["coop.assembly.voter"]
            .sudo()
            ._read_group([("assembly_id", "=", self.id)], ["college_id", "attendance"], ["__count"])
        )
        lines = {}
        for college, attendance, count in groups:
            name = college.name if college else _("No college")
            line = lines.setdefault(
                name,
                {
                    "college": name,
                    "census": 0,
                    "present": 0,
                    "remote": 0,
                    "represented": 0,
                    "postal": 0,
                    "attending": 0,
                    "total_line": False,
                },
            )
            line["census"] += count
            if attendance != "absent":
                line[attendance] += count
                line["attending"] += count
        result = sorted(lines.values(), key=lambda line: line["college"])
        total = {"college": _("Total"), "total_line": True}
        for key in ("census", "present", "remote", "represented", "postal", "attending"):
            total[key] = sum(line[key] for line in result)
        return [*result, total]

    def action_sign_chair(self):
        self._sign("chair")
        return True

    def action_sign_secretary(self):
        self._sign("secretary")
        return True

    def _sign(self, role):
        for assembly in self:
            if assembly.state != "closed":
                raise UserError(_("Minutes are signed once the assembly is closed."))
            person = assembly.chair_id if role == "chair" else assembly.secretary_id
            if not person:
                raise UserError(_("Name the chair and the secretary before signing."))
            if assembly[f"{role}_signed_on"]:
                raise UserError(_("These minutes are already signed."))
            assembly._guarded_write({f"{role}_signed_on": fields.Datetime.now()})
            assembly.message_post(
                body=_(
                    "Minutes %(number)s signed by %(person)s.",
                    number=assembly.minutes_number,
                    person=person.name,
                )
            )
