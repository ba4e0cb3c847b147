from datetime import date, timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import GovernanceCommon

CONVOCATIONS = "coop_governance.action_report_convocation"


class TestCandidacyEligibility(GovernanceCommon):
    """Who may stand in an election (cooperative settings) and the board's validation."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cons, cls.prod = cls.colleges_a[0], cls.colleges_a[1]
        long_ago = date(2015, 1, 1)
        cls.senior = cls._create_member("Senior Member", college=cls.cons, admission_date=long_ago)
        cls.newcomer = cls._create_member("New Member", college=cls.cons)
        cls.producer = cls._create_member("Producer", college=cls.prod, admission_date=long_ago)
        cls.leaver = cls._create_member("Leaving Member", college=cls.cons, admission_date=long_ago)
        cls.company_a.write({"coop_candidacy_min_months": 6, "coop_candidacy_college_ids": False})
        cls.assembly = cls._create_assembly(resolutions=1)
        now = fields.Datetime.now()
        cls.election = cls.env["coop.resolution"].create(
            {
                "assembly_id": cls.assembly.id,
                "name": "Board election",
                "kind": "election",
                "seats": 2,
                "candidacy_date_start": now - timedelta(days=1),
                "candidacy_date_end": now + timedelta(days=7),
            }
        )
        cls.Candidacy = cls.env["coop.candidacy"]

    def _reason(self, member):
        return self.Candidacy.with_user(self.gov_officer_a)._coop_check_eligibility(
            member, self.election
        )

    def test_settings_decide_eligibility(self):
        """A senior member may stand; a newcomer, another college or a leaver may not."""
        self.assertFalse(self._reason(self.senior))
        self.assertIn("6 months", self._reason(self.newcomer))
        self.company_a.coop_candidacy_college_ids = self.cons
        self.assertIn("college", self._reason(self.producer))
        self.assertFalse(self._reason(self.senior))
        with superuser_setup("arrange: the board excluded this member"):
            self.leaver.action_exclude(reason="Statutes")
        self.assertIn("excluded", self._reason(self.leaver))

    def test_window_on_the_election(self):
        """Candidacies are open between the election's dates only, and must open first."""
        self.assertTrue(self.election.candidacy_window_open)
        self.election.with_user(self.gov_officer_a).candidacy_date_end = (
            fields.Datetime.now() - timedelta(hours=1)
        )
        self.assertFalse(self.election.candidacy_window_open)
        with self.assertRaises(UserError):
            self.election.with_user(self.gov_officer_a).candidacy_date_start = (
                fields.Datetime.now() + timedelta(days=30)
            )

    def test_board_validates_or_rejects(self):
        """The governance officer validates an eligible candidacy and rejects with a reason."""
        with superuser_setup("arrange: a candidacy declared from the member space"):
            pending = self.Candidacy.create(
                {
                    "resolution_id": self.election.id,
                    "member_id": self.senior.id,
                    "statement": "<p>For a local energy plan.</p>",
                    "validation_state": "pending",
                }
            )
            recent = self.Candidacy.create(
                {
                    "resolution_id": self.election.id,
                    "member_id": self.newcomer.id,
                    "validation_state": "pending",
                }
            )
        pending = pending.with_user(self.gov_officer_a)
        pending.action_validate()
        self.assertEqual(pending.validation_state, "validated")
        # The board cannot validate a candidate the settings make ineligible.
        recent = recent.with_user(self.gov_officer_a)
        with self.assertRaisesRegex(UserError, "6 months"):
            recent.action_validate()
        with self.assertRaisesRegex(UserError, "reason"):
            recent.action_reject()
        recent.rejection_reason = "Member for two weeks only."
        recent.action_reject()
        self.assertEqual(recent.validation_state, "rejected")
        self.assertEqual(recent.state, "withdrawn", "a rejected candidate is off the ballot")
        # A candidacy still to validate holds the vote back.
        with superuser_setup("arrange: another candidacy declared from the member space"):
            self.Candidacy.create(
                {
                    "resolution_id": self.election.id,
                    "member_id": self.producer.id,
                    "validation_state": "pending",
                }
            )
        with self.assertRaisesRegex(UserError, "Validate or reject the candidacies"):
            self.election.with_user(self.gov_officer_a).action_start_vote()
        # The officer of another cooperative does not see them.
        with self.assertRaises(AccessError):
            pending.with_user(self.gov_officer_b).action_validate()

    def test_convocation_lists_validated_candidates(self):
        """The paper convocation shows validated candidates and statements, not pending ones."""
        with superuser_setup("arrange: one validated, one pending candidacy"):
            self.Candidacy.create(
                [
                    {
                        "resolution_id": self.election.id,
                        "member_id": self.senior.id,
                        "statement": "<p>For a local energy plan.</p>",
                    },
                    {
                        "resolution_id": self.election.id,
                        "member_id": self.producer.id,
                        "statement": "<p>Hidden until validated.</p>",
                        "validation_state": "pending",
                    },
                ]
            )
            self.assembly.action_convene()
        voter = self._voter(self.assembly, self.newcomer)
        pdf = self._render_pdf(CONVOCATIONS, voter, self.gov_officer_a)
        text = " ".join(" ".join(page.split()) for page in self._pdf_pages_text(pdf))
        self.assertIn("Candidates: Board election", text)
        self.assertIn("Senior Member", text)
        self.assertIn("For a local energy plan.", text)
        self.assertNotIn("Hidden until validated.", text)
