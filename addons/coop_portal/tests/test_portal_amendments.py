from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from . import test_portal_accessibility as a11y
from .common import CoopPortalCase

# Waits (up to 15 s) for the website editor of the amendment form to be ready.
WAIT_EDITOR = """
    for (let i = 0; i < 150 && !document.querySelector(".o_coop_editor_ready"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
"""


@tagged("post_install", "-at_install")
class TestPortalAmendments(CoopPortalCase):
    """Bernard amends a resolution of his convened assembly from the member space."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.accounts = ref("coop_governance.coop_resolution_ara_accounts")
        cls.election = ref("coop_governance.coop_resolution_ara_board")
        cls.board_amendment = ref("coop_governance.coop_resolution_ara_members_fund_amendment")
        cls.Proposal = cls.env["coop.proposal"]

    def amend_url(self, resolution, member=None):
        voter = self.voter(member or self.member_bernard)
        return f"/my/assemblies/{voter.id}/amend/{resolution.id}"

    def amendments(self):
        # Bernard's assembly: the demo has an amendment of Romain's to another resolution.
        return self.Proposal.search(
            [
                ("amended_resolution_id", "in", (self.accounts | self.board_amendment).ids),
            ]
        )

    def test_bernard_amends_and_publishes(self):
        """From the assembly page Bernard drafts an amendment, publishes it; Romain co-signs."""
        self.assertTrue(self.assembly.amendment_window_open)
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/assemblies/{self.voter(self.member_bernard).id}").text
        self.assertIn(f'href="{self.amend_url(self.accounts)}"', page)
        self.assertNotIn(self.amend_url(self.election), page)  # elections are not amended
        self.assertNotIn(self.amend_url(self.board_amendment), page)  # nor amendments
        form = self.url_open(self.amend_url(self.accounts))
        self.assertEqual(form.status_code, 200)
        self.assertIn("Propose an amendment", form.text)
        response = self.post_form(
            self.amend_url(self.accounts),
            {"name": "Affecter l'excédent", "body": "<p>Affecter 10 % aux réserves.</p>"},
        )
        amendment = self.amendments()
        self.assertEqual(amendment.amended_resolution_id, self.accounts)
        self.assertEqual(amendment.author_id, self.member_bernard)
        self.assertTrue(response.url.endswith(f"/my/proposals/{amendment.id}/edit"))
        self.assertIn("Edit my amendment", response.text)
        response = self.post_form(f"/my/proposals/{amendment.id}/edit", {"publish": "1"})
        self.assertEqual(amendment.state, "published")
        self.assertEqual(amendment.deadline, self.assembly.amendment_deadline)
        self.assertIn("Amendment to the resolution", response.text)
        self.authenticate("romain", "romain")
        page = self.url_open(f"/my/assemblies/{self.voter(self.member_romain).id}").text
        self.assertIn(f'href="/my/proposals/{amendment.id}"', page)
        listing = self.url_open("/my/proposals").text
        self.assertIn("Amendment to Approbation des comptes", " ".join(listing.split()))
        url = f"/my/proposals/{amendment.id}"
        self.post_form(f"{url}/sign", {}, form_url=url)
        self.assertEqual(amendment.signature_count, 1)

    def test_closed_window_and_amendment_of_amendment_store_nothing(self):
        """Once the window closes, or to amend an amendment, Bernard is refused: nothing stored."""
        self.authenticate("bernard", "bernard")
        response = self.post_form(
            self.amend_url(self.board_amendment), {"name": "Sous-amendement", "body": "Non"}
        )
        self.assertIn("An amendment cannot be amended in turn.", response.text)
        self.assertIn("This was not recorded", response.text)
        with superuser_setup("arrange: the staff closes the amendment window"):
            self.assembly.amendment_deadline = fields.Datetime.now() - timedelta(minutes=1)
        page = self.url_open(f"/my/assemblies/{self.voter(self.member_bernard).id}").text
        self.assertNotIn("Propose an amendment", page)
        response = self.post_form(self.amend_url(self.accounts), {"name": "Trop tard", "body": "X"})
        self.assertIn("are closed", response.text)
        self.assertFalse(self.amendments())

    def test_forged_ids_are_not_found(self):
        """Another member's census line, another assembly's resolution, a missing id: 404."""
        self.authenticate("claire", "claire")
        self.assertEqual(self.url_open(self.amend_url(self.accounts)).status_code, 404)
        token = self.csrf("/my/assemblies")
        response = self.url_open(
            self.amend_url(self.accounts), data={"csrf_token": token, "name": "Forgé"}
        )
        self.assertEqual(response.status_code, 404)
        self.authenticate("bernard", "bernard")
        voter = self.voter(self.member_bernard)
        other = self.env["coop.resolution"].search(
            [("assembly_id", "!=", self.assembly.id)], limit=1
        )
        for url in (
            f"/my/assemblies/{voter.id}/amend/{other.id}",
            f"/my/assemblies/{voter.id}/amend/999999999",
            f"/my/assemblies/999999999/amend/{self.accounts.id}",
        ):
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        self.assertFalse(self.amendments())

    def test_post_without_csrf_is_refused(self):
        """A POST without the CSRF token stores nothing."""
        self.authenticate("bernard", "bernard")
        self.url_open(self.amend_url(self.accounts), data={"name": "Sans jeton", "body": "X"})
        self.assertFalse(self.amendments())


@tagged("post_install", "-at_install")
class TestPortalAmendmentTour(a11y.AxeAuditMixin, CoopPortalCase):
    """Hélène amends a resolution of her Île-de-France assembly, in Chromium."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        idf = cls.member_helene_idf.company_id
        cls.officer_idf = create_user(
            cls.env,
            "gov_officer_idf",
            "base.group_user,coop_governance.group_governance_officer",
            idf,
        )
        assembly = cls.env["coop.assembly"].create(
            {
                "name": "Assemblée générale d'Île-de-France",
                "company_id": idf.id,
                "date": fields.Datetime.now() + timedelta(days=40),
            }
        )
        cls.resolution = cls.env["coop.resolution"].create(
            {
                "assembly_id": assembly.id,
                "name": "Budget des toitures solaires",
                "text": "<p>Le budget des toitures est de 200 000 euros.</p>",
            }
        )
        cls.idf_assembly = assembly.with_user(cls.officer_idf)
        cls.idf_assembly.action_convene()
        cls.voter_helene = cls.Voter.search(
            [("assembly_id", "=", assembly.id), ("member_id", "=", cls.member_helene_idf.id)]
        )

    def test_helene_amends_a_resolution(self):
        """Hélène proposes an amendment from her assembly page and publishes it."""
        self.start_tour("/my/assemblies", "coop_portal_amendment_tour", login="helene")
        amendment = self.env["coop.proposal"].search(
            [("amended_resolution_id", "=", self.resolution.id)]
        )
        self.assertEqual(amendment.author_id, self.member_helene_idf)
        self.assertEqual(amendment.state, "published")
        self.assertIn("250 000", amendment.body)
        self.assertEqual(amendment.deadline, self.idf_assembly.amendment_deadline)
        # The officer sees it on the resolution's form.
        self.assertEqual(self.resolution.with_user(self.officer_idf).amendment_proposal_count, 1)

    def test_amendment_pages_are_accessible(self):
        """The assembly page with its amendment links and the amendment form pass axe-core."""
        for url in (
            f"/my/assemblies/{self.voter_helene.id}",
            f"/my/assemblies/{self.voter_helene.id}/amend/{self.resolution.id}",
        ):
            with self.subTest(url=url):
                # The form is audited once the website editor has loaded: a page left while
                # its bundle loads fails the browser test.
                steps = (WAIT_EDITOR if "/amend/" in url else "") + a11y.AUDIT_PAGE
                self.assert_accessible(url, login="helene", steps=steps)
