import csv
import io

import psycopg2
import xlsxwriter

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.coop_membership.access import missing_error

from . import coop_poll_methods as methods

# Poll types whose answers are sets (one value per option, or a position): they are
# stored in coop.poll.response, whatever the poll's anonymity, and decided by
# coop_poll_methods. Single and multiple choice keep their answers and counters.
SET_TYPES = ("ranked", "score", "time", "consent")
TIME_VALUES = {"yes": methods.YES, "maybe": methods.IF_NEED_BE, "no": methods.NO}


class CoopPoll(models.Model):
    """Poll types like Loomio's: ranked choice, score, time poll, consent proposal.

    Each type's rule and tie rule is in ``coop_poll_methods`` (pure Python, unit-tested);
    this file checks and stores the answers, applies the quorum and the disclosure rule,
    and renders the results (chart, export).
    """

    _inherit = "coop.poll"

    choice_type = fields.Selection(
        selection_add=[
            ("ranked", "Ranked Choice (Instant Runoff)"),
            ("score", "Score (0 to 5)"),
            ("time", "Time Poll (Find a Date)"),
            ("consent", "Consent Proposal"),
        ],
        ondelete={
            "ranked": "cascade",
            "score": "cascade",
            "time": "cascade",
            "consent": "cascade",
        },
    )
    quorum_type = fields.Selection(
        [("none", "No Quorum"), ("count", "Number of Answers"), ("share", "Share of the Audience")],
        string="Quorum",
        default="none",
        required=True,
    )
    quorum_count = fields.Integer(string="Answers Needed")
    quorum_share = fields.Float(string="Audience Share Needed (%)")
    quorum_reached = fields.Boolean(compute="_compute_quorum_reached")
    results_html = fields.Html(
        string="Results Chart", compute="_compute_results_html", sanitize=False
    )

    _sql_constraints = [
        (
            "quorum_positive",
            "CHECK(quorum_count >= 0 AND quorum_share >= 0 AND quorum_share <= 100)",
            "A quorum is a positive number of answers or a share from 0 to 100 %.",
        ),
    ]

    # ------------------------------------------------------------------
    # Rules of a poll
    # ------------------------------------------------------------------
    def write(self, vals):
        locked = {"quorum_type", "quorum_count", "quorum_share"}
        if locked & set(vals) and any(p.state != "draft" for p in self):
            raise UserError(_("The rules of a poll cannot change once it is open."))
        return super().write(vals)

    def action_open(self):
        # A consent proposal has no options: members take a position on the text.
        consent = self.filtered(lambda p: p.choice_type == "consent")
        for poll in self:
            if poll.state != "draft":
                raise UserError(_("Only a draft poll can be opened."))
            if poll.choice_type == "time" and not all(poll.option_ids.mapped("slot")):
                raise UserError(_("Give each slot of a time poll its date and time."))
        if consent:
            consent.write({"state": "open"})
        others = self - consent
        return super(CoopPoll, others).action_open() if others else True

    def action_close(self):
        result = super().action_close()
        self.filtered(lambda p: p.anonymous and p.choice_type in SET_TYPES)._shuffle_responses()
        return result

    def _shuffle_responses(self):
        """Write the answer sets of these anonymous polls again, under new ids taken in
        random order, in the closing transaction: ids, physical order and ``xmin`` then
        follow neither the order of the answers nor the participations (who answered)."""
        if not self:
            return
        self.env["coop.poll.response"].flush_model()
        self.env["coop.poll.response.line"].flush_model()
        cr = self.env.cr
        cr.execute(
            """
            CREATE TEMP TABLE coop_poll_shuffle ON COMMIT DROP AS
            SELECT old_id, nextval('coop_poll_response_id_seq') AS new_id
              FROM (SELECT id AS old_id FROM coop_poll_response
                     WHERE poll_id = ANY(%s) ORDER BY random()) AS shuffled
            """,
            [self.ids],
        )
        cr.execute(
            """
            INSERT INTO coop_poll_response (id, poll_id, company_id, member_id, consent, reason)
            SELECT s.new_id, r.poll_id, r.company_id, r.member_id, r.consent, r.reason
              FROM coop_poll_shuffle s JOIN coop_poll_response r ON r.id = s.old_id
             ORDER BY random()
            """
        )
        cr.execute(
            """
            WITH old AS (
                DELETE FROM coop_poll_response_line l USING coop_poll_shuffle s
                 WHERE l.response_id = s.old_id
             RETURNING s.new_id, l.poll_id, l.option_id, l.value
            )
            INSERT INTO coop_poll_response_line (response_id, poll_id, option_id, value)
            SELECT new_id, poll_id, option_id, value FROM old ORDER BY random()
            """
        )
        cr.execute(
            "DELETE FROM coop_poll_response r USING coop_poll_shuffle s WHERE r.id = s.old_id"
        )
        cr.execute("DROP TABLE coop_poll_shuffle")
        self.env["coop.poll.response"].invalidate_model()
        self.env["coop.poll.response.line"].invalidate_model()

    # ------------------------------------------------------------------
    # Answering
    # ------------------------------------------------------------------
    def answer(self, member, options):
        if any(p.choice_type in SET_TYPES for p in self):
            raise UserError(_("This poll takes a ranking, scores or a position, not a choice."))
        return super().answer(member, options)

    def answer_set(self, member, values=None, consent=None, reason=None):
        """Record ``member``'s answer set to a ranked, score, time or consent poll.

        :param values: ``{option id: value}``: the rank (1, 2, ... without gaps or
            duplicates; options left out are unranked), the score (0 to 5, every
            option), or the time poll's answer ("yes", "maybe" or "no", every slot).
        :param consent: for a consent proposal, one of agree / abstain / disagree / block.
        :param reason: required with a block.
        Nothing is stored when anything is refused.
        """
        self.ensure_one()
        Input = self.env["coop.input.mixin"]
        member = Input._coop_records(
            "coop.member", member, _("Choose the membership answering the poll.")
        )
        user = self.env.user
        officer = self.env.su or user.has_group("coop_governance.group_governance_officer")
        if not (officer or member.sudo().partner_id == user.partner_id):
            raise AccessError(_("You can only answer a poll for yourself."))
        poll = self.sudo()
        member = member.sudo()
        if not officer and not member.filtered_domain(poll._audience_domain()):
            raise missing_error(self)
        if poll.choice_type not in SET_TYPES:
            raise UserError(_("This poll takes a choice among its options."))
        now = fields.Datetime.now()
        if poll.state != "open" or not poll.date_open <= now <= poll.date_close:
            raise UserError(_("Poll %(poll)s is not open.", poll=poll.name))
        if not member.filtered_domain(poll._audience_domain()):
            raise UserError(
                _("%(person)s is not asked in poll %(poll)s.",
                  person=member.partner_id.name, poll=poll.name)
            )  # fmt: skip
        lines, response_vals = poll._check_answer_set(values or {}, consent, reason)
        Participation = self.env["coop.poll.participation"].sudo()
        already = _("%(person)s already answered this poll.", person=member.partner_id.name)
        if Participation.search_count(
            [("poll_id", "=", poll.id), ("member_id", "=", member.id)], limit=1
        ):
            raise UserError(already)
        try:
            with self.env.cr.savepoint():
                Participation.create({"poll_id": poll.id, "member_id": member.id})
        except psycopg2.errors.UniqueViolation as e:
            raise UserError(already) from e
        self.env["coop.poll.response"].sudo().create(
            {
                "poll_id": poll.id,
                "member_id": False if poll.anonymous else member.id,
                **response_vals,
                "line_ids": [
                    (0, 0, {"poll_id": poll.id, "option_id": option_id, "value": value})
                    for option_id, value in lines
                ],
            }
        )
        return True

    def _check_answer_set(self, values, consent, reason):
        """The answer set as [(option id, value)] and the response's values, or a
        UserError saying what is wrong (in the member's words)."""
        self.ensure_one()
        options = self.option_ids
        if not isinstance(values, dict) or set(values) - set(options.ids):
            raise UserError(_("Choose among the options of this poll."))
        if self.choice_type == "consent":
            if consent not in methods.CONSENT_VALUES:
                raise UserError(_("Choose agree, abstain, disagree or block."))
            reason = (reason or "").strip() if isinstance(reason, str) else ""
            if consent == "block" and not reason:
                raise UserError(_("Say why you block: a block needs a reason."))
            if len(reason) > 2000:
                raise UserError(_("Keep your reason under 2,000 characters."))
            return [], {"consent": consent, "reason": reason or False}
        if self.choice_type == "ranked":
            ranks = [v for v in values.values() if v is not None]
            if any(isinstance(v, bool) or not isinstance(v, int) for v in ranks):
                raise UserError(_("Give each ranked option a rank number."))
            if not ranks:
                raise UserError(_("Rank at least one option."))
            if len(set(ranks)) != len(ranks):
                raise UserError(_("Each rank can be given once: two options share a rank."))
            if sorted(ranks) != list(range(1, len(ranks) + 1)):
                raise UserError(_("Ranks follow each other from 1 without gaps."))
            return [(o, v) for o, v in values.items() if v is not None], {}
        if set(values) != set(options.ids):
            raise UserError(_("Answer for every option of this poll."))
        if self.choice_type == "score":
            if any(
                isinstance(v, bool)
                or not isinstance(v, int)
                or not methods.SCORE_MIN <= v <= methods.SCORE_MAX
                for v in values.values()
            ):
                raise UserError(_("Give each option a score from 0 to 5."))
            return list(values.items()), {}
        # Time poll.
        if any(v not in TIME_VALUES for v in values.values()):
            raise UserError(_("Answer yes, if need be or no for each slot."))
        return [(o, TIME_VALUES[v]) for o, v in values.items()], {}

    # ------------------------------------------------------------------
    # Results
    # ------------------------------------------------------------------
    def _audience_count(self):
        self.ensure_one()
        return self.env["coop.member"].sudo().search_count(self.sudo()._audience_domain())

    @api.depends("quorum_type", "quorum_count", "quorum_share")
    def _compute_quorum_reached(self):
        for poll in self:
            poll.quorum_reached = poll._quorum_reached()

    def _quorum_reached(self):
        self.ensure_one()
        poll = self.sudo()
        if poll.quorum_type == "none":
            return True
        answered = (
            self.env["coop.poll.participation"].sudo().search_count([("poll_id", "=", poll.id)])
        )
        if poll.quorum_type == "count":
            return answered >= poll.quorum_count
        audience = poll._audience_count()
        return bool(audience) and 100.0 * answered / audience >= poll.quorum_share

    def get_set_results(self):
        """The decision of a ranked, score, time or consent poll, by its method.

        :return: ``{"type", "answered", "quorum_reached", "rows": [{"option", "rank",
            ...}], "winner", "passes", "counts"}`` (keys per type, see coop_poll_methods).
            An anonymous poll answered by fewer members than the cooperative's threshold
            publishes nothing (UserError), as ``get_results``.
        """
        self.ensure_one()
        self.check_access("read")
        poll = self.sudo()
        if poll.choice_type not in SET_TYPES:
            raise UserError(_("This poll takes a choice among its options."))
        if poll._results_suppressed():
            raise UserError(
                _(
                    "Fewer than %(threshold)s members answered anonymous poll %(poll)s: "
                    "its results are not published, they would tell who chose what.",
                    threshold=poll.company_id.coop_secret_min_voters,
                    poll=poll.name,
                )
            )
        responses = self.env["coop.poll.response"].sudo().search([("poll_id", "=", poll.id)])
        options = poll.option_ids
        names = {o.id: o for o in options}
        result = {
            "type": poll.choice_type,
            "answered": len(responses),
            "quorum_reached": poll._quorum_reached(),
        }
        if poll.choice_type == "consent":
            result.update(methods.consent(responses.mapped("consent")))
            result["reasons"] = [r.reason for r in responses if r.consent == "block"]
            return result
        sets = [{line.option_id.id: line.value for line in r.line_ids} for r in responses]
        if poll.choice_type == "ranked":
            ballots = [sorted(s, key=s.get) for s in sets]
            decided = methods.instant_runoff(options.ids, ballots)
            rows = decided["ranking"]
            result["winner"] = names.get(decided["winner"])
            result["rounds"] = len(decided["rounds"])
        elif poll.choice_type == "score":
            rows = methods.score(options.ids, sets)
        else:
            rows = methods.time_poll(options.ids, sets)
        for row in rows:
            row["option"] = names[row["option"]]
        result["rows"] = rows
        return result

    def _chart_values(self):
        """Bars for the chart (label, value shown, width 0-100) or None when the
        results are not to be shown (draft, or too few answers to publish)."""
        self.ensure_one()
        poll = self.sudo()
        if poll.state == "draft" or poll._results_suppressed():
            return None
        if poll.choice_type not in SET_TYPES:
            rows = poll.get_results()
            return {
                "quorum_reached": poll._quorum_reached(),
                "bars": [
                    (r["option"].name, f"{r['share']:.1f} %", r["share"], r["count"]) for r in rows
                ],
            }
        result = poll.get_set_results()
        bars = []
        if poll.choice_type == "consent":
            total = result["answered"] or 1
            labels = dict(
                self.env["coop.poll.response"]._fields["consent"]._description_selection(self.env)
            )
            bars = [
                (labels[key], str(count), 100.0 * count / total, count)
                for key, count in result["counts"].items()
            ]
        elif poll.choice_type == "ranked":
            total = result["answered"] or 1
            bars = [
                (r["option"].name, str(r["first"]), 100.0 * r["first"] / total, r["rank"])
                for r in result["rows"]
            ]
        elif poll.choice_type == "score":
            bars = [
                (r["option"].name, f"{r['mean']:.2f} / 5", 20.0 * r["mean"], r["rank"])
                for r in result["rows"]
            ]
        else:
            total = result["answered"] or 1
            bars = [
                (
                    r["option"].name,
                    _("%(yes)s yes, %(maybe)s if need be", yes=r["yes"], maybe=r["if_need_be"]),
                    100.0 * (r["yes"] + 0.5 * r["if_need_be"]) / total,
                    r["rank"],
                )
                for r in result["rows"]
            ]
        return dict(result, bars=bars)

    def _compute_results_html(self):
        for poll in self:
            chart = poll._chart_values() if poll.id else None
            poll.results_html = self.env["ir.qweb"]._render(
                "coop_governance.coop_poll_results_chart", {"poll": poll, "chart": chart}
            )

    # ------------------------------------------------------------------
    # Export of the answers
    # ------------------------------------------------------------------
    def action_export_answers(self):
        """The answers as a spreadsheet (XLSX): one line per answer set (or per chosen
        option of a single/multiple choice poll). Anonymous polls export no names."""
        return self._export_answers_action("xlsx")

    def action_export_answers_csv(self):
        """The same answers as a CSV file (UTF-8, comma-separated)."""
        return self._export_answers_action("csv")

    def _export_answers_action(self, fmt):
        self.ensure_one()
        if not self.env.user.has_group("coop_governance.group_governance_officer"):
            raise AccessError(_("Only the governance officers export the answers of a poll."))
        self.check_access("read")
        poll = self.sudo()
        if poll._results_suppressed():
            raise UserError(_("Too few members answered this anonymous poll to export it."))
        if fmt == "csv":
            content, mimetype = poll._export_csv(), "text/csv"
            name = _("Answers - %s.csv", poll.name)
        else:
            content = poll._export_xlsx()
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            name = _("Answers - %s.xlsx", poll.name)
        attachment = self.env["ir.attachment"].create(
            {
                "name": name,
                "raw": content,
                "res_model": self._name,
                "res_id": self.id,
                "mimetype": mimetype,
            }
        )
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{attachment.id}?download=true",
            "target": "self",
        }

    def _export_rows(self):
        """Header and rows of the export (names only for a named poll)."""
        self.ensure_one()
        named = not self.anonymous
        options = self.option_ids
        header = ([_("Member")] if named else []) + [_("College")]
        rows = []
        if self.choice_type == "consent":
            header += [_("Position"), _("Reason")]
        elif self.choice_type in SET_TYPES:
            header += options.mapped("name")
        else:
            header += [_("Option")]
        if self.choice_type in SET_TYPES:
            labels = dict(
                self.env["coop.poll.response"]._fields["consent"]._description_selection(self.env)
            )
            time_labels = {
                methods.YES: _("yes"),
                methods.IF_NEED_BE: _("if need be"),
                methods.NO: _("no"),
            }
            for response in self.env["coop.poll.response"].search(
                [("poll_id", "=", self.id)], order="id"
            ):
                row = [response.member_id.partner_id.name or ""] if named else []
                # Anonymous answer sets keep no college either (it could name a member).
                row.append(response.member_id.college_id.name or "")
                if self.choice_type == "consent":
                    row += [labels.get(response.consent, ""), response.reason or ""]
                else:
                    values = {line.option_id.id: line.value for line in response.line_ids}
                    for option in options:
                        value = values.get(option.id)
                        if self.choice_type == "time":
                            value = time_labels.get(value, "")
                        row.append("" if value is None else value)
                rows.append(row)
        elif named:
            for answer in self.env["coop.poll.answer"].search(
                [("poll_id", "=", self.id)], order="member_id, id"
            ):
                rows.append(
                    [answer.member_id.partner_id.name, answer.college_id.name or "",
                     answer.option_id.name]
                )  # fmt: skip
        else:
            # An anonymous single/multiple choice poll has counters only.
            header = [_("Option"), _("Answers")]
            rows = [[r["option"].name, r["count"]] for r in self.get_results()]
        return header, rows

    def _export_csv(self):
        header, rows = self._export_rows()
        stream = io.StringIO()
        writer = csv.writer(stream)
        writer.writerow(header)
        writer.writerows(rows)
        return stream.getvalue().encode("utf-8")

    def _export_xlsx(self):
        header, rows = self._export_rows()
        stream = io.BytesIO()
        workbook = xlsxwriter.Workbook(stream, {"in_memory": True})
        sheet = workbook.add_worksheet(_("Answers")[:31])
        bold = workbook.add_format({"bold": True})
        sheet.write_row(0, 0, header, bold)
        for index, row in enumerate(rows, 1):
            sheet.write_row(index, 0, row)
        workbook.close()
        return stream.getvalue()
