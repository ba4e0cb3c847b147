from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from . import test_portal_accessibility as a11y
from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalCandidacyTour(a11y.AxeAuditMixin, CoopPortalCase):
    """A member stands as a candidate in Chromium; the page passes axe-core."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.election = cls.env.ref("coop_governance.coop_resolution_ara_board")
        now = fields.Datetime.now()
        cls.election.write(
            {
                "candidacy_date_start": now - timedelta(days=1),
                "candidacy_date_end": now + timedelta(days=10),
            }
        )

    def test_bernard_stands_as_candidate(self):
        """Bernard writes his statement and stands in the board election of his assembly."""
        voter = self.voter(self.member_bernard)
        self.start_tour(f"/my/assemblies/{voter.id}", "coop_portal_candidacy_tour", login="bernard")
        candidacy = self.env["coop.candidacy"].search(
            [("resolution_id", "=", self.election.id), ("member_id", "=", self.member_bernard.id)]
        )
        self.assertEqual(candidacy.validation_state, "pending")
        self.assertIn("rapprocher le conseil", candidacy.statement)

    def test_candidacy_form_accessible(self):
        """The assembly page with its candidacy form has no serious or critical axe violation."""
        self.assert_accessible(f"/my/assemblies/{self.voter(self.member_bernard).id}", "bernard")
