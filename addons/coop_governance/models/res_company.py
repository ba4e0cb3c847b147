import math

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError


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
    coop_secret_min_voters = fields.Integer(
        string="Smallest Published College (voters)",
        default=5,
        help="In a secret vote or an anonymous poll, the result of a college with fewer "
        "voters than this is never published on its own: it is merged with other colleges "
        "(see the minutes and results).",
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

    @api.constrains("coop_secret_min_voters")
    def _check_coop_secret_min_voters(self):
        for company in self:
            if company.coop_secret_min_voters < 1:
                raise ValidationError(
                    _(
                        "The smallest college published in a secret vote has at least one "
                        "voter: use 1 to publish every college."
                    )
                )

    def _coop_disclosure_groups(self, sizes):
        """Which colleges of a secret tally may be published on their own.

        ``sizes`` maps a key (a college) to its number of voters. Returns
        ``(singles, merged)``: the keys published one by one, and the keys published
        only as one merged row (empty when nothing needs merging). Statistical disclosure
        control with the cooperative's threshold N (``coop_secret_min_voters``):

        * primary suppression: a college with 1 to N-1 voters is never published alone
          (a college with no voter reveals nobody and stays as it is);
        * the small colleges are merged into one row; when that row itself has fewer
          than N voters, the smallest of the other colleges with voters joins it
          (secondary suppression), so that neither the merged row nor the total minus
          the published rows describes fewer than N people;
        * when all the voters together are fewer than N, every college with voters is
          merged: only the totals, which the outcome needs, are published.

        Worked examples with N = 5 (sizes in voters):
        {A: 20, B: 2, C: 3, D: 1, E: 1} -> A alone, B+C+D+E merged (7 voters);
        {A: 30, B: 2, C: 1} -> B+C has 3 voters, so A joins: everything merged (33);
        {A: 30, B: 12, C: 1} -> A alone, B+C merged (13); {A: 8, B: 6} -> nothing merged.
        """
        self.ensure_one()
        threshold = max(self.coop_secret_min_voters, 1)
        small = [key for key, n in sizes.items() if 0 < n < threshold]
        if not small:
            return list(sizes), []
        merged = list(small)
        if sum(sizes[key] for key in merged) < threshold:
            others = sorted(
                (key for key, n in sizes.items() if n >= threshold), key=lambda k: sizes[k]
            )
            merged += others[:1]
        return [key for key in sizes if key not in merged], merged

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

    # Members' proposals: by default 5 % of the members (members and resigning members)
    # sign, capped at 100 signatures, so that a small cooperative needs a handful and a
    # federation of 40,000 members not 2,000; or a fixed number of signatures.
    coop_proposal_threshold_type = fields.Selection(
        [("share", "Share of the Members"), ("count", "Number of Members")],
        string="Proposal Threshold",
        default="share",
        required=True,
    )
    coop_proposal_threshold_share = fields.Float(
        string="Proposal Threshold (%)", default=5.0, digits=(5, 2)
    )
    coop_proposal_threshold_count = fields.Integer(
        string="Proposal Threshold (signatures)",
        default=100,
        help="The number of signatures required, or the cap of the share when the "
        "threshold is a share of the members (0: no cap).",
    )
    coop_proposal_signature_days = fields.Integer(
        string="Co-signature Period (days)",
        default=60,
        help="Days a published proposal stays open for co-signature.",
    )

    # Members amend a convened assembly's resolutions until this many days before it
    # (each assembly may move its own deadline).
    coop_amendment_days = fields.Integer(
        string="Amendments Close (days before the assembly)",
        default=7,
        help="Members propose amendments to the resolutions of a convened assembly until "
        "this many days before it; each assembly may set its own deadline.",
    )

    def _coop_proposal_threshold(self):
        """Signatures a proposal of this cooperative needs (at least 1)."""
        self.ensure_one()
        if self.coop_proposal_threshold_type == "count":
            return max(1, self.coop_proposal_threshold_count)
        members = (
            self.env["coop.member"]
            .sudo()
            .search_count([("company_id", "=", self.id), ("state", "in", ("member", "resigning"))])
        )
        required = math.ceil(members * self.coop_proposal_threshold_share / 100.0 - 1e-9)
        if self.coop_proposal_threshold_count > 0:
            required = min(required, self.coop_proposal_threshold_count)
        return max(1, required)
