from odoo import fields, models


class CoopPollResponseLine(models.Model):
    """One option of an answer set: its rank (1 = first preference), its score (0-5),
    or the answer for a slot of a time poll (2 yes, 1 if need be, 0 no)."""

    _name = "coop.poll.response.line"
    _description = "Poll Answer Set Line"
    _log_access = False

    response_id = fields.Many2one(
        "coop.poll.response", required=True, index=True, ondelete="cascade"
    )
    poll_id = fields.Many2one("coop.poll", required=True, index=True, ondelete="cascade")
    option_id = fields.Many2one("coop.poll.option", required=True, ondelete="cascade")
    value = fields.Integer(required=True)
