from odoo import _, fields, models


class CoopMessageReport(models.Model):
    """A member reports a private message: the cooperative's moderators read it here,
    with a copy of the message (kept even if the chat is deleted), and get an activity."""

    _name = "coop.message.report"
    _description = "Reported Private Message"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"

    company_id = fields.Many2one("res.company", string="Cooperative", required=True, index=True)
    reporter_id = fields.Many2one("res.partner", string="Reported By", required=True)
    reported_partner_id = fields.Many2one("res.partner", string="Author", required=True)
    channel_id = fields.Many2one("discuss.channel", string="Conversation", ondelete="set null")
    message_id = fields.Many2one("mail.message", ondelete="set null")
    message_body = fields.Html(string="Message Text", readonly=True, sanitize=True)
    message_date = fields.Datetime(readonly=True)
    reason = fields.Text(readonly=True)
    state = fields.Selection(
        [("new", "To review"), ("done", "Reviewed")], default="new", required=True, tracking=True
    )

    def action_done(self):
        self.write({"state": "done"})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        return True

    def _coop_notify_moderators(self):
        """A to-do for each moderator of the report's cooperative (issue #25 §2)."""
        moderators = self.env["res.users"]._coop_moderators_by_company(self.company_id)
        for report in self.sudo():
            for user in moderators.get(report.company_id.id, []):
                report.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=_("Reported private message"),
                    note=_(
                        "%(reporter)s reports a message from %(author)s.",
                        reporter=report.reporter_id.name,
                        author=report.reported_partner_id.name,
                    ),
                )
