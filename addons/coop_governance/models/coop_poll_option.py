from odoo import fields, models


class CoopPollOption(models.Model):
    _name = "coop.poll.option"
    _description = "Poll Option"
    _order = "poll_id, sequence, id"

    poll_id = fields.Many2one("coop.poll", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="poll_id.company_id", store=True)
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True)
    # Time polls: each option is a slot; its name says it in words ("Tuesday evening").
    slot = fields.Datetime(help="For a time poll: the date and time this option proposes.")
