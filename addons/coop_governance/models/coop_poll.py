import psycopg2

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.coop_membership.access import missing_error
from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES


class CoopPoll(models.Model):
    """Consultation of the members outside assemblies.

    Who answered is kept in ``coop.poll.participation`` (one per member, unique index).
    Named polls keep each answer (``coop.poll.answer``); anonymous polls only add one to
    a counter per option and college (``coop.poll.tally``): no row links an answer to
    anybody.
    """

    _name = "coop.poll"
    _description = "Poll"
    _inherit = ["mail.thread"]
    _order = "date_close desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    description = fields.Html()
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    college_ids = fields.Many2many(
        "coop.college",
        string="Audience Colleges",
        check_company=True,
        help="Only the members of these colleges are asked; empty: every member.",
    )
    choice_type = fields.Selection(
        [("single", "Single Choice"), ("multiple", "Multiple Choice")],
        required=True,
        default="single",
    )
    anonymous = fields.Boolean(help="Answers are counted without keeping who chose what.")
    weighted = fields.Boolean(
        string="Weight by College",
        help="Results weigh each college by its vote weight, as in the assembly.",
    )
    date_open = fields.Datetime(string="Opens", required=True, default=fields.Datetime.now)
    date_close = fields.Datetime(string="Closes", required=True)
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    option_ids = fields.One2many("coop.poll.option", "poll_id", string="Options", copy=True)
    participation_count = fields.Integer(compute="_compute_participation_count")

    @api.constrains("date_open", "date_close")
    def _check_dates(self):
        for poll in self:
            if poll.date_close <= poll.date_open:
                raise UserError(_("A poll closes after it opens."))

    def _compute_participation_count(self):
        counts = dict(
            self.env["coop.poll.participation"]
            .sudo()
            ._read_group([("poll_id", "in", self.ids)], ["poll_id"], ["__count"])
        )
        for poll in self:
            poll.participation_count = counts.get(poll, 0)

    def write(self, vals):
        locked = {"anonymous", "choice_type", "college_ids", "company_id", "weighted"}
        if locked & set(vals) and any(p.state != "draft" for p in self):
            raise UserError(_("The rules of a poll cannot change once it is open."))
        return super().write(vals)

    def action_open(self):
        for poll in self:
            if poll.state != "draft":
                raise UserError(_("Only a draft poll can be opened."))
            if len(poll.option_ids) < 2:
                raise UserError(_("A poll offers at least two options."))
        self.write({"state": "open"})
        return True

    def action_close(self):
        if any(p.state != "open" for p in self):
            raise UserError(_("Only an open poll can be closed."))
        self.write({"state": "closed"})
        self.filtered("anonymous")._rewrite_tally()
        return True

    def _rewrite_tally(self):
        """Rewrite the counters of these anonymous polls in the closing transaction.

        Each answer updated its option's counter in the answer's own transaction, so a
        counter's ``xmin`` matched the ``xmin`` of the last participation that chose it.
        Deleting and inserting the counters again gives them all the closing
        transaction's ``xmin`` (see ``coop.resolution._shuffle_urn`` for the urn).
        """
        if not self:
            return
        self.env["coop.poll.tally"].flush_model()
        self.env.cr.execute(
            """
            WITH old AS (
                DELETE FROM coop_poll_tally WHERE poll_id = ANY(%s)
                  RETURNING id, poll_id, option_id, college_id, count
            )
            INSERT INTO coop_poll_tally (id, poll_id, option_id, college_id, count)
            SELECT id, poll_id, option_id, college_id, count FROM old ORDER BY random()
            """,
            [self.ids],
        )
        self.env["coop.poll.tally"].invalidate_model()

    def _audience_domain(self):
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id), ("state", "in", ACTIVE_STATES)]
        if self.college_ids:
            domain.append(("college_id", "in", self.college_ids.ids))
        return domain

    def answer(self, member, options):
        """Record ``member``'s answer (``coop.poll.option`` records or ids)."""
        self.ensure_one()
        Input = self.env["coop.input.mixin"]
        member = Input._coop_records(
            "coop.member", member, _("Choose the membership answering the poll.")
        )
        options = Input._coop_records(
            "coop.poll.option", options, _("Choose among the options of this poll."), many=True
        )
        user = self.env.user
        officer = self.env.su or user.has_group("coop_governance.group_governance_officer")
        if not (officer or member.sudo().partner_id == user.partner_id):
            raise AccessError(_("You can only answer a poll for yourself."))
        poll = self.sudo()
        member = member.sudo()
        if not officer and not member.filtered_domain(poll._audience_domain()):
            # A poll the member is not asked in answers like a missing one: its title,
            # state and audience are not theirs to know.
            raise missing_error(self)
        now = fields.Datetime.now()
        if poll.state != "open" or not poll.date_open <= now <= poll.date_close:
            raise UserError(_("Poll %(poll)s is not open.", poll=poll.name))
        if not member.filtered_domain(poll._audience_domain()):
            raise UserError(
                _("%(person)s is not asked in poll %(poll)s.",
                  person=member.partner_id.name, poll=poll.name)
            )  # fmt: skip
        if not options or options.poll_id != poll:
            raise UserError(_("Choose among the options of this poll."))
        if poll.choice_type == "single" and len(options) != 1:
            raise UserError(_("This poll takes a single choice."))
        Participation = self.env["coop.poll.participation"].sudo()
        if Participation.search_count(
            [("poll_id", "=", poll.id), ("member_id", "=", member.id)], limit=1
        ):
            raise UserError(
                _("%(person)s already answered this poll.", person=member.partner_id.name)
            )
        # The unique index still decides between two concurrent answers.
        try:
            with self.env.cr.savepoint():
                Participation.create({"poll_id": poll.id, "member_id": member.id})
        except psycopg2.errors.UniqueViolation as e:
            raise UserError(
                _("%(person)s already answered this poll.", person=member.partner_id.name)
            ) from e
        if poll.anonymous:
            poll._tally_add(options, member.college_id)
        else:
            self.env["coop.poll.answer"].sudo().create(
                [
                    {
                        "poll_id": poll.id,
                        "member_id": member.id,
                        "option_id": option.id,
                        "college_id": member.college_id.id,
                    }
                    for option in options
                ]
            )
        return True

    def _tally_add(self, options, college):
        self.env.cr.execute(
            """
            INSERT INTO coop_poll_tally (poll_id, option_id, college_id, count)
                 SELECT %s, option_id, %s, 1 FROM unnest(%s) AS option_id
            ON CONFLICT (poll_id, option_id, college_id)
              DO UPDATE SET count = coop_poll_tally.count + 1
            """,
            [self.id, college.id or 0, options.ids],
        )
        self.env["coop.poll.tally"].invalidate_model()

    def get_results(self):
        """Options ranked by share: [{'option', 'count', 'share', 'by_college'}].

        In an anonymous poll, ``by_college`` lists only the colleges the cooperative's
        disclosure rule publishes alone; the others are summed in ``merged_colleges``
        (``{'college_ids', 'count'}``).

        Unweighted: share = answers / participants. Weighted: share = sum over colleges
        of (college answers / college participants) x weight, scaled over the colleges
        that took part (as in the assembly).
        """
        self.ensure_one()
        self.check_access("read")
        poll = self.sudo()
        if poll._results_suppressed():
            raise UserError(
                _(
                    "Fewer than %(threshold)s members answered anonymous poll %(poll)s: "
                    "its results are not published, they would tell who chose what.",
                    threshold=poll.company_id.coop_secret_min_voters,
                    poll=poll.name,
                )
            )
        participants = {
            college.id: count
            for college, count in self.env["coop.poll.participation"]
            .sudo()
            ._read_group([("poll_id", "=", poll.id)], ["college_id"], ["__count"])
        }
        if poll.anonymous:
            self.env.cr.execute(
                "SELECT option_id, college_id, count FROM coop_poll_tally WHERE poll_id = %s",
                [poll.id],
            )
            counts = {(o, c or False): n for o, c, n in self.env.cr.fetchall()}
        else:
            counts = {
                (option.id, college.id): count
                for option, college, count in self.env["coop.poll.answer"]
                .sudo()
                ._read_group([("poll_id", "=", poll.id)], ["option_id", "college_id"], ["__count"])
            }
        weights = {c.id: c.vote_weight for c in poll.company_id.sudo().coop_college_ids}
        counted = {c: weights.get(c, 0.0) for c, n in participants.items() if n and weights.get(c)}
        total_weight = sum(counted.values())
        total_participants = sum(participants.values())
        # Anonymous polls publish small colleges only merged (see the disclosure rule).
        singles, merged = (
            poll.company_id._coop_disclosure_groups(participants)
            if poll.anonymous
            else (list(participants), [])
        )
        results = []
        for option in poll.option_ids:
            by_college = {c: counts.get((option.id, c), 0) for c in participants}
            count = sum(by_college.values())
            if poll.weighted and total_weight:
                share = sum(
                    100.0 * weight / total_weight * by_college[c] / participants[c]
                    for c, weight in counted.items()
                )
            else:
                share = 100.0 * count / total_participants if total_participants else 0.0
            line = {
                "option": option,
                "count": count,
                "share": share,
                "by_college": {c: by_college[c] for c in singles},
            }
            if merged:
                line["merged_colleges"] = {
                    "college_ids": [c for c in merged if c],
                    "count": sum(by_college[c] for c in merged),
                }
            results.append(line)
        return sorted(results, key=lambda r: (-r["share"], r["option"].sequence))

    def _results_suppressed(self):
        """An anonymous poll answered by 1 to N-1 members publishes no result at all.

        Its totals alone would describe fewer people than the cooperative's threshold
        (a poll may ask a single small college).
        """
        self.ensure_one()
        if not self.anonymous:
            return False
        answered = (
            self.env["coop.poll.participation"].sudo().search_count([("poll_id", "=", self.id)])
        )
        return 0 < answered < self.company_id.coop_secret_min_voters

    def action_view_results(self):
        self.ensure_one()
        lines = "".join(
            f"{r['option'].name}: {r['count']} ({r['share']:.1f} %)\n" for r in self.get_results()
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {"title": _("Results"), "message": lines or _("No answer yet."),
                       "sticky": True},
        }  # fmt: skip

    def copy_data(self, default=None):
        vals_list = super().copy_data(default=default)
        for poll, vals in zip(self, vals_list, strict=True):
            vals["option_ids"] = [
                Command.create({"name": o.name, "sequence": o.sequence}) for o in poll.option_ids
            ]
        return vals_list
