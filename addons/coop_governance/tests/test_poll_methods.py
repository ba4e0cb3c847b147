"""Each poll method against worked examples, ties included (models/coop_poll_methods.py)."""

from odoo.tests import BaseCase, tagged

from ..models.coop_poll_methods import (
    IF_NEED_BE,
    NO,
    YES,
    consent,
    instant_runoff,
    score,
    time_poll,
)


@tagged("post_install", "-at_install")
class TestPollMethods(BaseCase):
    def test_instant_runoff_majority_in_first_round(self):
        """Three of five ballots put A first: A wins at once, nothing is eliminated."""
        ballots = [["A", "B"], ["A"], ["A", "C"], ["B", "C"], ["C", "B"]]
        result = instant_runoff(["A", "B", "C"], ballots)
        self.assertEqual(result["winner"], "A")
        self.assertEqual(result["eliminated"], [])
        self.assertEqual(result["rounds"][0], {"A": 3, "B": 1, "C": 1})

    def test_instant_runoff_transfers_second_preferences(self):
        """A leads the first round but C's voters prefer B: B wins in the second round.

        Round 1: A 4, B 3, C 2 (no majority of 9): C eliminated, its 2 ballots go to B.
        Round 2: A 4, B 5: B has more than half of 9.
        """
        ballots = [["A"]] * 4 + [["B", "A"]] * 3 + [["C", "B"]] * 2
        result = instant_runoff(["A", "B", "C"], ballots)
        self.assertEqual(result["eliminated"], ["C"])
        self.assertEqual(result["rounds"][1], {"A": 4, "B": 5})
        self.assertEqual(result["winner"], "B")
        self.assertEqual([r["option"] for r in result["ranking"]], ["B", "A", "C"])

    def test_instant_runoff_tie_for_elimination_by_mentions(self):
        """B and C both have one first preference; C is ranked on fewer ballots: C goes.

        Round 1: A 2, B 1, C 1 (4 ballots, no majority). Mentions: B on 3 ballots, C on 1.
        C is eliminated, its ballot has no further choice. Round 2: A 2, B 1 of 3: A wins.
        """
        ballots = [["A", "B"], ["A", "B"], ["B"], ["C"]]
        result = instant_runoff(["A", "B", "C"], ballots)
        self.assertEqual(result["eliminated"][0], "C")
        self.assertEqual(result["rounds"][1], {"A": 2, "B": 1})
        self.assertEqual(result["winner"], "A")

    def test_instant_runoff_full_tie_eliminates_the_last_option(self):
        """A and B tie on first preferences and on mentions: the one last in the poll's
        order (B) is eliminated, so A wins; the same ballots with B listed first make B win."""
        ballots = [["A", "B"], ["B", "A"]]
        self.assertEqual(instant_runoff(["A", "B"], ballots)["winner"], "A")
        self.assertEqual(instant_runoff(["B", "A"], ballots)["winner"], "B")

    def test_instant_runoff_without_ballots(self):
        """Nobody ranked anything: no winner."""
        self.assertIsNone(instant_runoff(["A", "B"], [])["winner"])

    def test_score_ranked_by_mean(self):
        """Means: A (5+3)/2 = 4, B (4+4+4)/3 = 4, C (0+5)/2 = 2.5. A and B tie on the
        mean: B was scored by three members, A by two: B first."""
        answers = [{"A": 5, "B": 4, "C": 0}, {"A": 3, "B": 4, "C": 5}, {"B": 4}]
        rows = score(["A", "B", "C"], answers)
        self.assertEqual([r["option"] for r in rows], ["B", "A", "C"])
        self.assertEqual([r["mean"] for r in rows], [4.0, 4.0, 2.5])
        self.assertEqual([r["rank"] for r in rows], [1, 2, 3])

    def test_score_full_tie_follows_option_order(self):
        """Same mean and same number of scores: the poll's option order decides."""
        rows = score(["X", "Y"], [{"X": 2, "Y": 2}])
        self.assertEqual([r["option"] for r in rows], ["X", "Y"])

    def test_time_poll_best_slot(self):
        """Monday: 2 yes; Tuesday: 2 yes and 1 if need be; Wednesday: 3 if need be.
        Tuesday is best (same yes as Monday, more if-need-be), then Monday, Wednesday."""
        answers = [
            {"mon": YES, "tue": YES, "wed": IF_NEED_BE},
            {"mon": YES, "tue": IF_NEED_BE, "wed": IF_NEED_BE},
            {"mon": NO, "tue": YES, "wed": IF_NEED_BE},
        ]
        rows = time_poll(["mon", "tue", "wed"], answers)
        self.assertEqual([r["option"] for r in rows], ["tue", "mon", "wed"])
        self.assertEqual((rows[0]["yes"], rows[0]["if_need_be"], rows[0]["no"]), (2, 1, 0))

    def test_time_poll_tie_takes_the_earlier_slot(self):
        """Two slots with the same answers: the earlier one (first in order) is best."""
        rows = time_poll(["mon", "tue"], [{"mon": YES, "tue": YES}, {"mon": NO, "tue": NO}])
        self.assertEqual(rows[0]["option"], "mon")

    def test_consent(self):
        """A proposal passes with disagreements but no block; one block stops it."""
        result = consent(["agree", "agree", "disagree", "abstain"])
        self.assertTrue(result["passes"])
        self.assertEqual(result["counts"], {"agree": 2, "abstain": 1, "disagree": 1, "block": 0})
        self.assertFalse(consent(["agree"] * 9 + ["block"])["passes"])
        self.assertFalse(consent([])["passes"], "nobody answered: nothing passes")
