import io
import re
from datetime import datetime, timedelta

import openpyxl

from odoo import fields
from odoo.exceptions import UserError

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import GovernanceCommon


class TestPollTypes(GovernanceCommon):
    """Ranked, score, time and consent polls, answered by the governance officer who
    records the members' answers (the portal's member flows are in coop_portal)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cons = cls._create_members(5, cls.colleges_a[0], "Consumer")

    def _poll(self, choice_type, options=("Solar roof", "Wind farm", "Heat network"), **vals):
        """A poll of coop A's members prepared and opened by the governance officer."""
        now = fields.Datetime.now()
        poll = (
            self.env["coop.poll"]
            .with_user(self.gov_officer_a)
            .create(
                {
                    "name": "Next project",
                    "company_id": self.company_a.id,
                    "choice_type": choice_type,
                    "date_open": now - timedelta(hours=1),
                    "date_close": now + timedelta(days=7),
                    "option_ids": [(0, 0, {"name": name, **extra}) for name, extra in options]
                    if options and isinstance(options[0], tuple)
                    else [(0, 0, {"name": name}) for name in options or ()],
                    **vals,
                }
            )
        )
        poll.action_open()
        return poll

    def test_ranked_choice_runoff_and_bad_ballots(self):
        """Ranked ballots with duplicates or gaps are refused and store nothing; the
        runoff moves the heat network's voters to wind, which wins."""
        poll = self._poll("ranked")
        solar, wind, heat = poll.option_ids.ids
        for values, message in (
            ({solar: 1, wind: 1}, "share a rank"),
            ({solar: 1, wind: 3}, "without gaps"),
            ({solar: 2}, "without gaps"),
            ({}, "at least one"),
            ({solar: "1"}, "rank number"),
            ({solar: 1, 999999: 2}, "among the options"),
        ):
            with self.subTest(values=values), self.assertRaisesRegex(UserError, message):
                poll.answer_set(self.cons[0], values)
        self.assertFalse(poll.participation_count)
        # Round 1: solar 2, wind 2, heat 1: heat (fewest first preferences) goes; its
        # ballot ranks wind second. Round 2: wind 3 of 5: wind wins.
        for member, values in zip(
            self.cons,
            [
                {solar: 1, wind: 2},
                {solar: 1},
                {wind: 1, solar: 2},
                {wind: 1},
                {heat: 1, wind: 2},
            ],
            strict=True,
        ):
            poll.answer_set(member, values)
        with self.assertRaisesRegex(UserError, "already answered"):
            poll.answer_set(self.cons[0], {solar: 1})
        result = poll.get_set_results()
        self.assertEqual(result["winner"].name, "Wind farm")
        self.assertEqual(result["rounds"], 2)
        self.assertEqual([r["option"].name for r in result["rows"]][0], "Wind farm")

    def test_score_poll_ranked_by_mean_and_bounds(self):
        """Scores outside 0-5 or missing options are refused; the best mean wins."""
        poll = self._poll("score", options=("Solar roof", "Wind farm"))
        solar, wind = poll.option_ids.ids
        for values in ({solar: 6, wind: 1}, {solar: -1, wind: 1}, {solar: 3}):
            with self.subTest(values=values), self.assertRaises(UserError):
                poll.answer_set(self.cons[0], values)
        poll.answer_set(self.cons[0], {solar: 5, wind: 2})
        poll.answer_set(self.cons[1], {solar: 2, wind: 4})
        rows = poll.get_set_results()["rows"]
        # Solar (5+2)/2 = 3.5, wind (2+4)/2 = 3.
        self.assertEqual([(r["option"].name, r["mean"]) for r in rows],
                         [("Solar roof", 3.5), ("Wind farm", 3.0)])  # fmt: skip

    def test_time_poll_best_slot_and_quorum(self):
        """Two members answer a time poll: Tuesday has the most yes; below the quorum of
        three answers the result says so."""
        monday, tuesday = datetime(2027, 1, 11, 18), datetime(2027, 1, 12, 18)
        poll = self._poll(
            "time",
            options=(("Monday 18:00", {"slot": monday}), ("Tuesday 18:00", {"slot": tuesday})),
            quorum_type="count",
            quorum_count=3,
        )
        mon, tue = poll.option_ids.ids
        with self.assertRaisesRegex(UserError, "yes, if need be or no"):
            poll.answer_set(self.cons[0], {mon: "perhaps", tue: "yes"})
        poll.answer_set(self.cons[0], {mon: "maybe", tue: "yes"})
        poll.answer_set(self.cons[1], {mon: "no", tue: "yes"})
        result = poll.get_set_results()
        self.assertEqual(result["rows"][0]["option"].name, "Tuesday 18:00")
        self.assertFalse(result["quorum_reached"])
        self.assertIn("Quorum not reached", poll.results_html)
        poll.answer_set(self.cons[2], {mon: "yes", tue: "no"})
        self.assertTrue(poll.get_set_results()["quorum_reached"])

    def test_consent_block_needs_a_reason(self):
        """A block without a reason is refused; one block stops the proposal."""
        poll = self._poll("consent", options=())
        with self.assertRaisesRegex(UserError, "needs a reason"):
            poll.answer_set(self.cons[0], consent="block", reason="  ")
        poll.answer_set(self.cons[0], consent="agree")
        poll.answer_set(self.cons[1], consent="disagree")
        self.assertTrue(poll.get_set_results()["passes"])
        poll.answer_set(self.cons[2], consent="block", reason="Le budget n'est pas voté.")
        result = poll.get_set_results()
        self.assertFalse(result["passes"])
        self.assertEqual(result["reasons"], ["Le budget n'est pas voté."])

    def test_anonymous_poll_keeps_no_name(self):
        """An anonymous score poll stores answer sets without member or author, publishes
        nothing below the disclosure threshold, and exports no names."""
        with superuser_setup("arrange: the cooperative publishes from 3 answers"):
            self.company_a.coop_secret_min_voters = 3
        poll = self._poll("score", options=("Solar roof", "Wind farm"), anonymous=True)
        solar, wind = poll.option_ids.ids
        poll.answer_set(self.cons[0], {solar: 5, wind: 1})
        with self.assertRaisesRegex(UserError, "not published"):
            poll.get_set_results()
        self.assertIn("Too few members", poll.results_html)
        poll.answer_set(self.cons[1], {solar: 4, wind: 0})
        poll.answer_set(self.cons[2], {solar: 3, wind: 2})
        responses = self.env["coop.poll.response"].search([("poll_id", "=", poll.id)])
        self.assertEqual(len(responses), 3)
        self.assertFalse(responses.member_id)
        old_ids = set(responses.ids)
        poll.action_close()
        responses = self.env["coop.poll.response"].search([("poll_id", "=", poll.id)])
        self.assertEqual(len(responses), 3)
        self.assertFalse(old_ids & set(responses.ids), "written again under new ids")
        self.assertEqual(poll.get_set_results()["rows"][0]["mean"], 4.0)
        action = poll.action_export_answers()
        attachment = self.env["ir.attachment"].browse(
            int(re.search(r"/web/content/(\d+)", action["url"])[1])
        )
        sheet = openpyxl.load_workbook(io.BytesIO(attachment.raw)).active
        cells = [c.value for row in sheet.iter_rows() for c in row]
        self.assertEqual(sheet.max_row, 4, "a header and three answer sets")
        for member in self.cons[:3]:
            self.assertNotIn(member.partner_id.name, cells)
        action = poll.action_export_answers_csv()
        attachment = self.env["ir.attachment"].browse(
            int(re.search(r"/web/content/(\d+)", action["url"])[1])
        )
        lines = attachment.raw.decode("utf-8").splitlines()
        self.assertEqual(lines[0], "College,Solar roof,Wind farm")
        self.assertEqual(sorted(lines[1:]), [",3,2", ",4,0", ",5,1"])

    def test_named_poll_export_names_the_members(self):
        """A named consent poll exports each member's name, position and reason."""
        poll = self._poll("consent", options=())
        poll.answer_set(self.cons[0], consent="block", reason="Trop cher")
        action = poll.action_export_answers_csv()
        attachment = self.env["ir.attachment"].browse(
            int(re.search(r"/web/content/(\d+)", action["url"])[1])
        )
        lines = attachment.raw.decode("utf-8").splitlines()
        self.assertEqual(lines[0], "Member,College,Position,Reason")
        self.assertEqual(
            lines[1],
            f"{self.cons[0].partner_id.name},{self.cons[0].college_id.name},Block,Trop cher",
        )
