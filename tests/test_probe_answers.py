"""Over RPC, another member's record and a missing id get the same answer (issue #21 §2).

An answer that differs, or that names the record, lets anyone probe which ids exist and
what they are: a poll's title, a voter of another member.
"""

import re

from odoo.exceptions import AccessError, MissingError
from odoo.tests import TransactionCase, tagged


def _shape(exception):
    """The refusal as a prober sees it: its kind and its words, ids aside."""
    return type(exception).__name__, re.sub(r"\d+", "N", str(exception))


@tagged("post_install", "-at_install")
class TestProbeAnswers(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.bernard = ref("coop_portal.user_bernard_roux")  # ARA
        cls.claire = ref("coop_portal.user_claire_martin")  # Centre
        cls.assembly = ref("coop_governance.coop_assembly_ara_upcoming")
        cls.resolution = cls.assembly.resolution_ids[:1]
        romain = ref("coop_membership.member_romain_blanc")
        cls.romain_voter = cls.assembly.voter_ids.filtered(lambda v: v.member_id == romain)
        cls.poll = ref("coop_governance.coop_poll_ara_workshop")  # ARA, open

    def refusal(self, call):
        try:
            with self.env.cr.savepoint():
                call()
        except (AccessError, MissingError) as error:
            return _shape(error)
        self.fail("not refused")

    def test_another_members_voter_answers_like_a_missing_one(self):
        """Bernard sends a ballot for Romain's voter id and for an id that does not exist:
        one and the same refusal."""
        resolution = self.resolution.with_user(self.bernard)
        missing = self.env["coop.assembly.voter"].search([], order="id desc", limit=1).id + 1000
        self.assertTrue(self.romain_voter)
        self.assertEqual(
            self.refusal(lambda: resolution.cast_vote(self.romain_voter.id, "yes")),
            self.refusal(lambda: resolution.cast_vote(missing, "yes")),
        )

    def test_another_cooperatives_poll_answers_like_a_missing_one(self):
        """Claire (Centre) answers ARA's poll and a poll that does not exist: the same
        refusal, and the poll's title appears nowhere."""
        Poll = self.env["coop.poll"].with_user(self.claire)
        member = self.env.ref("coop_membership.member_claire_martin")
        option = self.poll.option_ids[:1].id
        missing = self.env["coop.poll"].search([], order="id desc", limit=1).id + 1000
        hidden = self.refusal(lambda: Poll.browse(self.poll.id).answer(member.id, [option]))
        self.assertEqual(
            hidden, self.refusal(lambda: Poll.browse(missing).answer(member.id, [option]))
        )
        self.assertNotIn(self.poll.name, hidden[1])
