from odoo import fields, models


class CoopPollResponse(models.Model):
    """One member's answer set to a ranked, score, time or consent poll.

    Named polls keep the member; anonymous polls keep none (``member_id`` empty) and no
    author either (``_log_access`` off: ``create_uid`` would name them); who answered
    is only in ``coop.poll.participation``. At closing, an anonymous poll's answer sets
    are written again under new ids in random order (``coop.poll._shuffle_responses``)
    so that neither ids nor physical order follow the order of the participations.
    """

    _name = "coop.poll.response"
    _description = "Poll Answer Set"
    _log_access = False

    poll_id = fields.Many2one("coop.poll", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="poll_id.company_id", store=True)
    member_id = fields.Many2one("coop.member", index="btree_not_null", ondelete="cascade")
    consent = fields.Selection(
        [
            ("agree", "Agree"),
            ("abstain", "Abstain"),
            ("disagree", "Disagree"),
            ("block", "Block"),
        ]
    )
    reason = fields.Text()
    line_ids = fields.One2many("coop.poll.response.line", "response_id", string="Lines")
