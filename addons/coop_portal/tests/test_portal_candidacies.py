import io
from datetime import timedelta
from html import escape

from PIL import Image

from odoo import fields
from odoo.tests import tagged

from odoo.addons.coop_governance.tests.common import GovernanceCommon
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase

CONVOCATIONS = "coop_governance.action_report_convocation"
STATEMENT = "I stand to bring the local groups closer to the board."


def png_bytes():
    buffer = io.BytesIO()
    Image.new("RGB", (40, 40), (200, 80, 40)).save(buffer, format="PNG")
    return buffer.getvalue()


@tagged("post_install", "-at_install")
class TestPortalCandidacies(CoopPortalCase):
    """A member stands in the board election of their assembly from the member space."""

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
        cls.company = cls.election.company_id
        cls.company.write({"coop_candidacy_min_months": 6, "coop_candidacy_college_ids": False})
        cls.Candidacy = cls.env["coop.candidacy"]

    def stand(self, voter, statement=STATEMENT, files=None, election=None):
        url = f"/my/assemblies/{voter.id}/candidacy/{(election or self.election).id}"
        data = {"statement": statement, "csrf_token": self.csrf(f"/my/assemblies/{voter.id}")}
        return self.url_open(url, data=data, files=files)

    def mine(self, member):
        return self.Candidacy.search(
            [("resolution_id", "=", self.election.id), ("member_id", "=", member.id)]
        )

    def test_eligible_member_stands_and_withdraws(self):
        """Bernard stands with a statement and a photo; the board checks it; he withdraws."""
        voter = self.voter(self.member_bernard)
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/assemblies/{voter.id}").text
        self.assertIn("Stand as a candidate", page)
        response = self.stand(voter, files={"photo": ("me.png", png_bytes(), "image/png")})
        self.assertEqual(response.status_code, 200)
        self.assertIn("The board checks your eligibility", response.text)
        candidacy = self.mine(self.member_bernard)
        self.assertEqual(candidacy.validation_state, "pending")
        self.assertIn(STATEMENT, candidacy.statement)
        self.assertTrue(candidacy.photo)
        # Standing is an engagement of the top democratic degree.
        activity = self.env["coop.engagement.activity"].search(
            [("res_model", "=", "coop.candidacy"), ("res_id", "=", candidacy.id)]
        )
        self.assertEqual(activity.activity_type, "board_candidacy")
        self.assertEqual(activity.partner_id, self.member_bernard.partner_id)
        # Not published before the board validates it.
        self.assertNotIn(STATEMENT, self.url_open(f"/my/assemblies/{voter.id}").text)
        token = self.csrf(f"/my/assemblies/{voter.id}")
        response = self.url_open(
            f"/my/assemblies/{voter.id}/candidacy/{self.election.id}/withdraw",
            data={"csrf_token": token},
        )
        self.assertIn("Your candidacy is withdrawn.", response.text)
        self.assertEqual(candidacy.state, "withdrawn")

    def test_ineligible_member_refused(self):
        """A too recent member or one of a college not allowed is told why; nothing is stored."""
        voter = self.voter(self.member_bernard)
        self.authenticate("bernard", "bernard")
        cases = [
            {"coop_candidacy_min_months": 12 * 50},
            {
                "coop_candidacy_min_months": 0,
                "coop_candidacy_college_ids": [
                    fields.Command.set(
                        self.env["coop.college"]
                        .search(
                            [
                                ("company_id", "=", self.company.id),
                                ("id", "!=", self.member_bernard.college_id.id),
                            ]
                        )
                        .ids
                    )
                ],
            },
        ]
        for settings in cases:
            with self.subTest(settings=settings):
                self.company.write(settings)
                reason = self.Candidacy._coop_check_eligibility(self.member_bernard, self.election)
                self.assertTrue(reason)
                response = self.stand(voter)
                self.assertIn("This was not recorded.", response.text)
                self.assertIn(escape(reason), response.text)
                self.assertFalse(self.mine(self.member_bernard))

    def test_outside_window_and_bad_photo_refused(self):
        """After the window closes, or with a file that is no image, nothing is stored."""
        voter = self.voter(self.member_bernard)
        self.authenticate("bernard", "bernard")
        response = self.stand(voter, files={"photo": ("cv.png", b"not an image", "image/png")})
        self.assertIn("JPEG, PNG or WebP", response.text)
        self.assertFalse(self.mine(self.member_bernard))
        self.election.candidacy_date_end = fields.Datetime.now() - timedelta(minutes=1)
        self.assertNotIn("Stand as a candidate", self.url_open(f"/my/assemblies/{voter.id}").text)
        response = self.stand(voter)
        self.assertIn("Candidacies are not open for this election.", response.text)
        self.assertFalse(self.mine(self.member_bernard))

    def test_forged_ids_and_csrf(self):
        """Another cooperative's member gets 404; a forged election 404; no CSRF, no candidacy."""
        voter = self.voter(self.member_bernard)
        self.authenticate("claire", "claire")
        token = self.csrf("/my/assemblies")
        response = self.url_open(
            f"/my/assemblies/{voter.id}/candidacy/{self.election.id}",
            data={"statement": STATEMENT, "csrf_token": token},
        )
        self.assertEqual(response.status_code, 404)
        self.assertNotIn("Bernard", response.text)
        self.authenticate("bernard", "bernard")
        motion = self.env.ref("coop_governance.coop_resolution_ara_accounts")
        self.assertEqual(self.stand(voter, election=motion).status_code, 404)
        response = self.url_open(
            f"/my/assemblies/{voter.id}/candidacy/{self.election.id}",
            data={"statement": STATEMENT},
        )
        self.assertEqual(response.status_code, 400)
        self.assertFalse(self.mine(self.member_bernard))

    def test_validated_candidacy_is_published(self):
        """Once the board validates Bernard, members read his statement online and on paper."""
        voter = self.voter(self.member_bernard)
        self.authenticate("bernard", "bernard")
        self.stand(voter, files={"photo": ("me.png", png_bytes(), "image/png")})
        candidacy = self.mine(self.member_bernard)
        candidacy.with_user(self.gov_officer).action_validate()
        self.assertEqual(candidacy.validation_state, "validated")
        self.authenticate("romain", "romain")
        page = self.url_open(f"/my/assemblies/{self.voter(self.member_romain).id}").text
        self.assertIn(STATEMENT, page)
        self.assertIn("data:image/png;base64,", page)
        with superuser_setup("arrange: the convocation of a member, printed by the secretary"):
            pdf, _format = (
                self.env["ir.actions.report"]
                .with_user(self.gov_officer)
                .with_context(force_report_rendering=True)
                ._render_qweb_pdf(CONVOCATIONS, self.voter(self.member_romain).ids)
            )
        text = " ".join(" ".join(p.split()) for p in GovernanceCommon._pdf_pages_text(pdf))
        self.assertIn(f"Candidates: {self.election.name}", text)
        self.assertIn(STATEMENT, text)
        self.assertIn(self.member_bernard.partner_id.name, text)

    def test_rejected_candidate_reads_the_reason(self):
        """The board rejects Bernard's candidacy with a reason: he reads it, cannot stand again."""
        voter = self.voter(self.member_bernard)
        self.authenticate("bernard", "bernard")
        self.stand(voter)
        candidacy = self.mine(self.member_bernard).with_user(self.gov_officer)
        candidacy.rejection_reason = "Board members cannot be employees."
        candidacy.action_reject()
        page = self.url_open(f"/my/assemblies/{voter.id}").text
        self.assertIn("Board members cannot be employees.", page)
        self.assertNotIn("Stand as a candidate", page)
        response = self.stand(voter)
        self.assertIn("The board rejected your candidacy in this election.", response.text)
        self.assertEqual(candidacy.validation_state, "rejected")
