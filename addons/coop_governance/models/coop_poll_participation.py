from odoo import fields, models


class CoopPollParticipation(models.Model):
    """Who answered a poll (never what, for anonymous polls)."""

    _name = "coop.poll.participation"
    _description = "Poll Participation"

    poll_id = fields.Many2one("coop.poll", required=True, index=True, ondelete="cascade")
    member_id = fields.Many2one("coop.member", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="poll_id.company_id", store=True)
    college_id = fields.Many2one(related="member_id.college_id", store=True)

    _sql_constraints = [
        ("poll_member_uniq", "unique(poll_id, member_id)", "A member answers a poll once."),
    ]
