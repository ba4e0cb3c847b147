from odoo import fields, models


class CoopPollAnswer(models.Model):
    """An answer to a named poll (one line per chosen option)."""

    _name = "coop.poll.answer"
    _description = "Poll Answer"

    poll_id = fields.Many2one("coop.poll", required=True, index=True, ondelete="cascade")
    member_id = fields.Many2one("coop.member", required=True, index=True, ondelete="cascade")
    option_id = fields.Many2one("coop.poll.option", required=True, ondelete="cascade")
    college_id = fields.Many2one("coop.college")
    company_id = fields.Many2one(related="poll_id.company_id", store=True)
