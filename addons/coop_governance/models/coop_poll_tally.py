from odoo import fields, models


class CoopPollTally(models.Model):
    """Counter of an anonymous poll: answers per option and college, nothing else."""

    _name = "coop.poll.tally"
    _description = "Anonymous Poll Tally"
    _log_access = False

    poll_id = fields.Many2one("coop.poll", required=True, index=True, ondelete="cascade")
    option_id = fields.Many2one("coop.poll.option", required=True, ondelete="cascade")
    college_id = fields.Integer(default=0, required=True, help="College id, 0 when none.")
    count = fields.Integer(required=True, default=0)

    _sql_constraints = [
        (
            "poll_option_college_uniq",
            "unique(poll_id, option_id, college_id)",
            "One counter per option and college.",
        ),
    ]
