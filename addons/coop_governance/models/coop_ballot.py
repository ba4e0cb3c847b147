import hashlib
import json

from odoo import _, api, fields, models
from odoo.exceptions import UserError

CHOICES = [("yes", "Yes"), ("no", "No"), ("abstain", "Abstain")]
CHANNELS = [
    ("online", "Online"),
    ("in_room", "In the Room"),
    ("postal", "Postal"),
    ("proxy", "By Proxy"),
]


class CoopBallot(models.Model):
    """A ballot, or for a secret resolution the bare record that the voter took part.

    Every ballot is a link of the assembly's audit chain: ``hash`` is the SHA-256 of
    the previous link's hash followed by the canonical content (see ``_canonical``).
    The voter's ``receipt`` (SHA-256 of the content) is stored with the ballot; its place
    in the chain (``chain_index``, ``prev_hash``, ``hash``) is filled once, shortly after
    commit, by ``coop.assembly._link_ballots``.
    For secret resolutions ``choice`` stays empty: the choice goes to an anonymous
    ``coop.ballot.secret`` slot that nothing links back to this record.
    Ballots are written by ``coop.resolution.cast_vote`` only and never changed.
    """

    _name = "coop.ballot"
    _description = "Ballot"
    _order = "assembly_id, chain_index, id"

    assembly_id = fields.Many2one("coop.assembly", required=True, readonly=True, index=True)
    resolution_id = fields.Many2one(
        "coop.resolution", required=True, readonly=True, index=True, ondelete="restrict"
    )
    voter_id = fields.Many2one(
        "coop.assembly.voter", required=True, readonly=True, index=True, ondelete="restrict"
    )
    partner_id = fields.Many2one(related="voter_id.partner_id", string="Person")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    college_id = fields.Many2one("coop.college", readonly=True)
    choice = fields.Selection(CHOICES, readonly=True)
    approvals = fields.Char(
        readonly=True, help="Election ballots: approved candidacy ids, sorted, comma-separated."
    )
    secret = fields.Boolean(readonly=True)
    channel = fields.Selection(CHANNELS, required=True, readonly=True)
    cast_by_id = fields.Many2one(
        "coop.assembly.voter", string="Cast by Proxy Holder", readonly=True
    )
    receipt = fields.Char(
        readonly=True, help="SHA-256 of the ballot's content, shown to the voter on their receipt."
    )
    chain_index = fields.Integer(readonly=True, help="Empty until linked into the audit chain.")
    prev_hash = fields.Char(readonly=True)
    hash = fields.Char(readonly=True)

    _sql_constraints = [
        (
            "one_ballot_per_voter",
            "unique(resolution_id, voter_id)",
            "This member already voted on this resolution.",
        ),
        (
            "chain_index_uniq",
            "unique(assembly_id, chain_index)",
            "Two ballots cannot share a place in the audit chain.",
        ),
    ]

    @api.model
    def _canonical(
        self,
        assembly_id,
        index,
        resolution_id,
        voter_id,
        choice,
        channel,
        cast_by_id,
        college_id,
        approvals="",
    ):
        """Canonical ballot content hashed in the audit chain (stable JSON)."""
        content = {
            "assembly": assembly_id,
            "index": index,
            "resolution": resolution_id,
            "voter": voter_id,
            "choice": choice or "",
            "channel": channel,
            "cast_by": cast_by_id or 0,
            "college": college_id or 0,
        }
        if approvals:
            content["approvals"] = approvals
        return json.dumps(content, sort_keys=True, separators=(",", ":"))

    @api.model
    def _receipt(self, assembly_id, *content):
        """The voter's receipt: the canonical content without its place in the chain."""
        canonical = self._canonical(assembly_id, 0, *content)
        return hashlib.sha256(canonical.encode()).hexdigest()

    def write(self, vals):
        if vals:
            raise UserError(_("A ballot cannot be changed."))
        return super().write(vals)

    @api.ondelete(at_uninstall=True)
    def _unlink_never(self):
        raise UserError(_("A ballot cannot be deleted."))
