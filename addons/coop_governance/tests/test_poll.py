from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError

from .common import GovernanceCommon


class TestPoll(GovernanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cons, prod = cls.colleges_a[0], cls.colleges_a[1]
        cls.cons = cls._create_members(6, cons, "Consumer")
        cls.prod = cls._create_members(2, prod, "Producer")
        cls.sal = cls._create_members(1, cls.colleges_a[2], "Employee")

    def _poll(self, **vals):
        """A poll prepared and opened by the secretary of coop A's assemblies."""
        poll = (
            self.env["coop.poll"]
            .with_user(self.gov_officer_a)
            .create(
                {
                    "name": "Next project",
                    "company_id": self.company_a.id,
                    "date_open": fields.Datetime.now() - timedelta(hours=1),
                    "date_close": fields.Datetime.now() + timedelta(days=7),
                    "option_ids": [(0, 0, {"name": "Solar roof"}), (0, 0, {"name": "Wind farm"})],
                    **vals,
                }
            )
        )
        poll.action_open()
        return poll

    def _answer_example(self, poll):
        solar, wind = poll.option_ids
        for member in self.cons[:2]:
            poll.answer(member, solar)
        for member in self.cons[2:]:
            poll.answer(member, wind)
        for member in self.prod:
            poll.answer(member, solar)
        return solar, wind

    def test_named_poll_weighted_results(self):
        """A named poll weighted by college ranks solar first; answers are kept by name."""
        poll = self._poll(weighted=True)
        solar, wind = self._answer_example(poll)
        results = poll.get_results()
        # By hand: consumers (40) 2/6 solar, producers (20) 2/2 solar; scaled over 60:
        # solar = (40 x 2/6 + 20 x 1) / 60 = 55.56 %, wind = 40 x 4/6 / 60 = 44.44 %.
        self.assertEqual(results[0]["option"], solar)
        self.assertAlmostEqual(results[0]["share"], 100.0 * (40 * 2 / 6 + 20) / 60)
        self.assertAlmostEqual(results[1]["share"], 100.0 * (40 * 4 / 6) / 60)
        self.assertEqual(len(self.env["coop.poll.answer"].search([("poll_id", "=", poll.id)])), 8)

    def test_unweighted_anonymous_poll(self):
        """An anonymous poll counts one member one vote and keeps no named answer."""
        poll = self._poll(anonymous=True)
        solar, wind = self._answer_example(poll)
        results = poll.get_results()
        # One member one vote: wind 4 of 8, solar 4 of 8; solar first on sequence.
        self.assertEqual([r["count"] for r in results], [4, 4])
        self.assertFalse(self.env["coop.poll.answer"].search([("poll_id", "=", poll.id)]))
        self.assertEqual(poll.participation_count, 8)

    def test_poll_rules(self):
        """Only the colleges asked answer, once, while the poll is open."""
        poll = self._poll(college_ids=[(6, 0, self.colleges_a[:2].ids)])
        solar, wind = poll.option_ids
        with self.assertRaisesRegex(UserError, "is not asked"):
            poll.answer(self.sal, solar)
        with self.assertRaisesRegex(UserError, "single choice"):
            poll.answer(self.cons[0], solar | wind)
        poll.answer(self.cons[0], solar)
        with self.assertRaisesRegex(UserError, "already answered"):
            poll.answer(self.cons[0], wind)
        with self.assertRaisesRegex(UserError, "cannot change once it is open"):
            poll.anonymous = True
        poll.action_close()
        with self.assertRaisesRegex(UserError, "is not open"):
            poll.answer(self.cons[1], solar)
        multiple = self._poll(choice_type="multiple")
        multiple.answer(self.cons[0], multiple.option_ids)
        self.assertEqual([r["count"] for r in multiple.get_results()], [1, 1])
