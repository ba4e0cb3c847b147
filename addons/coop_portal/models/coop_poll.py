from odoo import _, api, models
from odoo.exceptions import UserError


class CoopPoll(models.Model):
    _inherit = "coop.poll"

    @api.model
    def _portal_polls(self, members):
        """[(poll, member, answered)] of the open and closed polls asking these members."""
        Poll = self.sudo()
        polls = Poll.search(
            [("company_id", "in", members.company_id.ids), ("state", "in", ("open", "closed"))]
        )
        answered = {
            (p.poll_id.id, p.member_id.id)
            for p in self.env["coop.poll.participation"]
            .sudo()
            .search([("poll_id", "in", polls.ids), ("member_id", "in", members.ids)])
        }
        result = []
        for poll in polls:
            for member in members.filtered_domain(poll._audience_domain()):
                result.append((poll, member, (poll.id, member.id) in answered))
        return result

    def _portal_results_published(self):
        """Members see the results once the poll is closed, unless an anonymous poll
        has too few answers to publish any (see ``_results_suppressed``); a named time
        poll shows them while open."""
        self.ensure_one()
        if self.choice_type == "time" and not self.anonymous and self.state == "open":
            # Finding a date is done in the open, as on Framadate: members see the
            # slots that suit the others while they answer.
            return True
        return self.state == "closed" and not self.sudo()._results_suppressed()

    def _portal_answer(self, member, option_ids):
        """Answer for one of the user's memberships (ownership checked, then the poll's rules).

        :param option_ids: the chosen options' ids (None for one the form could not read).
        """
        self.ensure_one()
        member._portal_check_owner()
        poll = self.sudo()
        wanted = set(option_ids or [])
        options = poll.option_ids.filtered(lambda o: o.id in wanted)
        if not options or len(options) != len(wanted):
            raise UserError(_("Choose among the options of this poll."))
        return poll.answer(member.sudo(), options)

    def _portal_answer_set(self, member, values, consent=None, reason=None):
        """Answer a ranked, score, time or consent poll for one of the user's memberships
        (ownership checked, then the poll's rules in ``coop.poll.answer_set``).

        :param values: ``{option id: value}`` as the poll page's form reads them (ids
            None when unreadable, values the rank, score or "yes"/"maybe"/"no").
        """
        self.ensure_one()
        member._portal_check_owner()
        return self.sudo().answer_set(member.sudo(), values, consent=consent, reason=reason)
