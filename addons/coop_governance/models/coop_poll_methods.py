"""How each poll type decides: pure Python, no ORM, one function per method.

Every function takes the poll's options in their order (a list of keys, the option ids)
and the answers as plain dicts, and returns a list of rows ranked best first. Each row
carries ``option`` (the key) and ``rank`` (1 for the best; rows that stay tied share
none: the tie rule of the method always separates them, and says how). The ORM side
(``coop.poll.response``) only reads the answers and calls these; the unit tests
(tests/test_poll_methods.py) check them against worked examples, ties included.

Tie rules, in short (the docstrings say more):

- ranked choice (instant runoff): eliminate the option with the fewest first
  preferences among those still in; tie: the one with the fewest ranked mentions on
  all ballots (any rank); still tied: the one that comes LAST in the poll's option
  order. A winner needs more than half of the ballots still expressing a preference.
- score (0-5): ranked by mean score; tie: more answers that scored the option (a mean
  over more people), then the option order.
- time poll: ranked by most "yes", then most "if need be", then fewest "no", then the
  slot order (the earliest slot first).
- consent: passes when nobody blocks; the counts of agree / abstain / disagree / block
  are reported, disagreements do not stop it (they are recorded dissent).
"""

from collections import Counter

YES, IF_NEED_BE, NO = 2, 1, 0
CONSENT_VALUES = ("agree", "abstain", "disagree", "block")
SCORE_MIN, SCORE_MAX = 0, 5


def _order(options):
    return {option: index for index, option in enumerate(options)}


def instant_runoff(options, ballots):
    """Ranked choice decided by instant runoff for one winner.

    :param options: the option keys in the poll's order.
    :param ballots: one list per voter, their options from first preference on (a voter
        may rank only some options; an unranked option is below every ranked one).
    :return: ``{"winner": key or None, "rounds": [{option: votes}], "eliminated":
        [keys in order of elimination], "ranking": [rows]}``.

    Each round counts every ballot for its highest-ranked option still in. An option
    with more than half of the ballots that still rank one of the options still in wins.
    Otherwise the option with the fewest votes this round is eliminated; among tied
    options, the one ranked (at any rank) on the fewest ballots goes; if still tied, the
    one LAST in the poll's option order goes (the order the poll's author set is the
    only fact left that nobody chose after seeing the votes). With two options left and
    a tie in votes, the same rule eliminates one, so there is always a single winner
    when at least one ballot ranks anything.

    The ranking lists the winner first, then the eliminated options from the last
    eliminated to the first.
    """
    order = _order(options)
    mentions = Counter(option for ballot in ballots for option in set(ballot) if option in order)
    remaining = list(options)
    rounds, eliminated = [], []
    winner = None
    while remaining:
        votes = dict.fromkeys(remaining, 0)
        for ballot in ballots:
            top = next((option for option in ballot if option in votes), None)
            if top is not None:
                votes[top] += 1
        rounds.append(votes)
        expressed = sum(votes.values())
        if not expressed:
            break
        leader = max(remaining, key=lambda o: (votes[o], mentions[o], -order[o]))
        if votes[leader] * 2 > expressed or len(remaining) == 1:
            winner = leader
            break
        loser = min(remaining, key=lambda o: (votes[o], mentions[o], -order[o]))
        remaining.remove(loser)
        eliminated.append(loser)
    ranked = (
        ([winner] if winner is not None else [])
        + [o for o in remaining if o != winner]
        + eliminated[::-1]
    )
    return {
        "winner": winner,
        "rounds": rounds,
        "eliminated": eliminated,
        "ranking": [
            {"option": option, "rank": rank, "first": rounds[0][option] if rounds else 0}
            for rank, option in enumerate(ranked, 1)
        ],
    }


def score(options, answers):
    """Score poll, 0 to 5 per option, ranked by mean score.

    :param answers: one ``{option: score}`` per voter (a voter may leave an option
        unscored: it does not count in that option's mean).
    :return: rows ``{"option", "rank", "mean", "count", "total"}`` best first. Tie on
        the mean: the option scored by more voters first, then the poll's option order.
    """
    order = _order(options)
    totals, counts = Counter(), Counter()
    for answer in answers:
        for option, value in answer.items():
            if option in order:
                totals[option] += value
                counts[option] += 1
    rows = [
        {
            "option": option,
            "total": totals[option],
            "count": counts[option],
            "mean": totals[option] / counts[option] if counts[option] else 0.0,
        }
        for option in options
    ]
    rows.sort(key=lambda r: (-r["mean"], -r["count"], order[r["option"]]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def time_poll(options, answers):
    """Time poll (find a date): per slot, yes / if need be / no.

    :param options: the slots in the poll's order (earliest first).
    :param answers: one ``{slot: YES | IF_NEED_BE | NO}`` per voter.
    :return: rows ``{"option", "rank", "yes", "if_need_be", "no"}``: most "yes" first,
        then most "if need be", then fewest "no", then the earlier slot.
    """
    order = _order(options)
    counts = {option: Counter() for option in options}
    for answer in answers:
        for option, value in answer.items():
            if option in counts:
                counts[option][value] += 1
    rows = [
        {
            "option": option,
            "yes": counts[option][YES],
            "if_need_be": counts[option][IF_NEED_BE],
            "no": counts[option][NO],
        }
        for option in options
    ]
    rows.sort(key=lambda r: (-r["yes"], -r["if_need_be"], r["no"], order[r["option"]]))
    for rank, row in enumerate(rows, 1):
        row["rank"] = rank
    return rows


def consent(answers):
    """Consent proposal: agree / abstain / disagree / block.

    :param answers: the positions, one per voter (values of CONSENT_VALUES).
    :return: ``{"passes": bool, "counts": {position: n}}``. The proposal passes when at
        least one member answered and nobody blocks; disagreement is recorded, it does
        not stop the proposal (that is what a block is for, and a block needs a reason).
    """
    counts = Counter(answers)
    counts = {value: counts.get(value, 0) for value in CONSENT_VALUES}
    return {"passes": bool(sum(counts.values())) and not counts["block"], "counts": counts}
