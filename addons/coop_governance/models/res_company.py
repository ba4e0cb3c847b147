from odoo import _, fields, models


class ResCompany(models.Model):
    _inherit = "res.company"

    # Defaults follow common cooperative statutes; every cooperative sets its own.
    coop_convocation_delay = fields.Integer(
        string="Convocation Delay (days)",
        default=15,
        help="Minimum number of days between the convocation and the assembly.",
    )
    coop_convocation_delay_second = fields.Integer(
        string="Second Convocation Delay (days)",
        default=6,
        help="Minimum number of days between a second convocation and its assembly.",
    )
    coop_quorum_ordinary_first = fields.Float(
        string="Ordinary Quorum, First Convocation (%)", default=25.0, digits=(5, 2)
    )
    coop_quorum_ordinary_second = fields.Float(
        string="Ordinary Quorum, Second Convocation (%)", default=0.0, digits=(5, 2)
    )
    coop_quorum_extraordinary_first = fields.Float(
        string="Extraordinary Quorum, First Convocation (%)", default=33.33, digits=(5, 2)
    )
    coop_quorum_extraordinary_second = fields.Float(
        string="Extraordinary Quorum, Second Convocation (%)", default=25.0, digits=(5, 2)
    )
    coop_proxy_max = fields.Integer(
        string="Proxies per Holder",
        default=2,
        help="Maximum number of proxies one member may hold at an assembly (0: no limit).",
    )
    coop_abstention_expressed = fields.Boolean(
        string="Abstentions Count as Expressed",
        help="When set, abstentions count in the expressed votes (and so weigh against "
        "adoption); otherwise only yes and no votes are expressed.",
    )
    coop_member_resolution_threshold = fields.Float(
        string="Member Resolution Support (%)",
        default=5.0,
        digits=(5, 2),
        help="Share of the members who must sign (proposers and co-signers) a resolution "
        "proposed by members before it is put on the agenda.",
    )
    coop_deliberation_sequence_id = fields.Many2one(
        "ir.sequence",
        string="Register of Deliberations",
        copy=False,
        help="Numbers given to the minutes of closed assemblies; never reused.",
    )

    def _coop_quorum_percent(self, assembly_type, convocation):
        """Quorum (percent of the census) for an assembly type and convocation.

        A mixed assembly decides extraordinary matters: the stricter quorum applies.
        """
        self.ensure_one()
        kind = "ordinary" if assembly_type == "ordinary" else "extraordinary"
        rank = "first" if convocation == 1 else "second"
        return self[f"coop_quorum_{kind}_{rank}"]

    def _coop_get_deliberation_sequence(self):
        """Return the company's register of deliberations, creating it on first use."""
        self.ensure_one()
        if not self.coop_deliberation_sequence_id:
            self.sudo().coop_deliberation_sequence_id = (
                self.env["ir.sequence"]
                .sudo()
                .create(
                    {
                        "name": _("Register of deliberations - %(company)s", company=self.name),
                        "code": "coop.assembly.minutes",
                        "prefix": "PV-%(year)s-",
                        "padding": 4,
                        "company_id": self.id,
                        "implementation": "standard",
                    }
                )
            )
        return self.coop_deliberation_sequence_id
