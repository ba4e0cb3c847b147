from odoo import fields, models

from .coop_ballot import CHOICES


class CoopBallotSecret(models.Model):
    """Anonymous urn slot of a secret resolution.

    Unlinkability, by construction:

    * no voter, partner, channel or chain link is stored here; the college stays
      because college-weighted results need it (as separate urns per college do on
      paper);
    * ``_log_access = False``: no create/write date or user;
    * when voting opens, the urn is filled at once with one empty slot per voter of
      the census, inserted in random order, so a slot's id says nothing about who
      will use it or when;
    * a vote fills a slot picked at random among the free slots of the voter's
      college, so neither the id nor the physical order follows the order of votes.

    Within the application nobody can link a slot to a ``coop.ballot`` participation
    record. Out of scope: a database superuser reading PostgreSQL system columns
    (``xmin``) or the write-ahead log at voting time.
    """

    _name = "coop.ballot.secret"
    _description = "Secret Ballot (anonymous)"
    _log_access = False
    _order = "token"

    resolution_id = fields.Many2one(
        "coop.resolution", required=True, readonly=True, index=True, ondelete="cascade"
    )
    college_id = fields.Many2one("coop.college", readonly=True)
    token = fields.Char(readonly=True, required=True)
    choice = fields.Selection(CHOICES, readonly=True)
    approvals = fields.Char(readonly=True)
    used = fields.Boolean(readonly=True, default=False)

    def init(self):
        # Free slots by resolution, college and random token: picking one stays cheap.
        self.env.cr.execute(
            """
            CREATE INDEX IF NOT EXISTS coop_ballot_secret_free_idx
                ON coop_ballot_secret (resolution_id, (COALESCE(college_id, 0)), token)
             WHERE NOT used
            """
        )
