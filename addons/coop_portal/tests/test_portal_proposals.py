from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from . import test_portal_accessibility as a11y
from .common import CoopPortalCase, create_portal_user

# Waits for the website editor on the proposal's text and rationale (a page left while it
# loads fails the browser test), and fails if it never comes.
WAIT_PROPOSAL_EDITOR = """
    for (let i = 0; i < 150 && !document.querySelector(".o_coop_editor_ready"); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (document.querySelectorAll(".o_coop_editor_ready [role=textbox]").length !== 2) {
        throw new Error("the website editor did not replace the text and rationale");
    }
"""


class TestPortalProposals(CoopPortalCase):
    """Bernard drafts a proposal in the member space; Romain co-signs it."""

    def setUp(self):
        super().setUp()
        self.company = self.member_bernard.company_id
        self.company.write(
            {"coop_proposal_threshold_type": "count", "coop_proposal_threshold_count": 2}
        )
        self.Proposal = self.env["coop.proposal"]

    def _draft_as_bernard(self, name="Un jardin partagé"):
        self.authenticate("bernard", "bernard")
        response = self.post_form(
            "/my/proposals/new",
            {"name": name, "body": "Créer un jardin <b>partagé</b>.", "rationale": "Pour tous."},
        )
        self.assertEqual(response.status_code, 200)
        return self.Proposal.search([("author_id", "=", self.member_bernard.id)], limit=1)

    def test_draft_edit_coauthor_publish_sign(self):
        """Bernard drafts, edits, invites Romain, publishes; Romain signs then withdraws."""
        proposal = self._draft_as_bernard()
        self.assertEqual(proposal.name, "Un jardin partagé")
        self.assertIn("<b>partagé</b>", proposal.body)  # the editor's bold is kept
        edit_url = f"/my/proposals/{proposal.id}/edit"
        self.post_form(edit_url, {"name": "Un jardin", "body": "Deux jardins.", "rationale": ""})
        self.assertEqual(proposal.name, "Un jardin")
        page = self.url_open(f"{edit_url}?q={self.member_romain.member_number}")
        self.assertIn(self.member_romain.partner_id.name, page.text)
        self.post_form(edit_url, {"coauthor_id": self.member_romain.id})
        self.assertEqual(proposal.coauthor_ids, self.member_romain)
        response = self.post_form(edit_url, {"publish": "1"})
        self.assertEqual(proposal.state, "published")
        self.assertIn("Versions of the text", response.text)
        diff = self.url_open(f"/my/proposals/{proposal.id}?revision=1")
        self.assertIn("Deux", diff.text)
        # Editing a published proposal: not found.
        self.assertEqual(self.url_open(edit_url).status_code, 404)
        self.authenticate("romain", "romain")
        url = f"/my/proposals/{proposal.id}"
        self.post_form(f"{url}/sign", {}, form_url=url)
        self.assertEqual(proposal.signature_count, 1)
        second = self.post_form(f"{url}/sign", {}, form_url=url)
        self.assertEqual(proposal.signature_count, 1)
        self.post_form(f"{url}/sign", {"withdraw": "1"}, form_url=url)
        self.assertEqual(proposal.signature_count, 0)
        self.assertIn("This was not recorded", second.text)

    def test_editor_html_is_sanitized_and_versioned(self):
        """Bernard's text keeps its bold and list but loses a script and an onclick, and
        the text he replaced is kept as a version."""
        proposal = self._draft_as_bernard()
        edit_url = f"/my/proposals/{proposal.id}/edit"
        body = (
            '<p onclick="alert(1)">Un <strong>jardin</strong></p><script>alert(2)</script>'
            "<ul><li>des bacs</li><li>un composteur</li></ul>"
        )
        self.post_form(edit_url, {"name": "Un jardin", "body": body, "rationale": "<p>Ok</p>"})
        self.assertIn("<strong>jardin</strong>", proposal.body)
        self.assertIn("<li>un composteur</li>", proposal.body)
        self.assertNotIn("script", proposal.body)
        self.assertNotIn("alert", proposal.body)
        self.assertNotIn("onclick", proposal.body)
        history = proposal.html_field_history_metadata["body"]
        self.assertEqual(len(history), 1)
        self.assertEqual(history[0]["create_uid"], self.user_bernard.id)
        old = proposal.html_field_history_get_content_at_revision("body", history[0]["revision_id"])
        self.assertIn("<b>partagé</b>", old)
        # The edit page gives the editor the stored HTML (escaped in the text area).
        page = self.url_open(edit_url)
        self.assertIn("&lt;strong&gt;jardin&lt;/strong&gt;", page.text)
        # Text typed without JavaScript (no tag) keeps its lines as paragraphs.
        self.post_form(edit_url, {"name": "Un jardin", "body": "Ligne 1\n\nLigne 2 < 3"})
        self.assertIn("Ligne 2 &lt; 3", proposal.body)
        self.assertEqual(proposal.body.count("<p>"), 2)

    def test_second_signature_is_refused_in_french(self):
        """A second signature is refused with a clear message and stores nothing."""
        proposal = self._draft_as_bernard()
        self.post_form(f"/my/proposals/{proposal.id}/edit", {"publish": "1"})
        self.authenticate("romain", "romain")
        url = f"/my/proposals/{proposal.id}"
        self.post_form(f"{url}/sign", {}, form_url=url)
        with superuser_setup("arrange: Romain reads the member space in English"):
            self.user_romain.lang = "en_US"
        response = self.post_form(f"{url}/sign", {}, form_url=url)
        self.assertIn("You have already signed this proposal.", response.text)
        self.assertEqual(proposal.signature_count, 1)

    def test_empty_title_stores_nothing(self):
        """A draft without a title is refused and nothing is stored."""
        self.authenticate("bernard", "bernard")
        response = self.post_form("/my/proposals/new", {"name": "  ", "body": "Texte"})
        self.assertIn("This was not recorded", response.text)
        self.assertFalse(self.Proposal.search([("author_id", "=", self.member_bernard.id)]))

    def test_forged_ids_are_not_found(self):
        """Another cooperative's member gets 404 on a draft, its edit page and signing."""
        proposal = self._draft_as_bernard()
        self.authenticate("claire", "claire")
        url = f"/my/proposals/{proposal.id}"
        self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self.url_open(f"{url}/edit").status_code, 404)
        self.assertEqual(self.url_open("/my/proposals/999999999").status_code, 404)
        token = self.csrf("/my/proposals")
        response = self.url_open(f"{url}/sign", data={"csrf_token": token})
        self.assertEqual(response.status_code, 404)
        self.assertEqual(proposal.signature_count, 0)
        # Once published, Claire (another cooperative) still does not see it.
        self.authenticate("bernard", "bernard")
        self.post_form(f"{url}/edit", {"publish": "1"})
        self.authenticate("claire", "claire")
        self.assertEqual(self.url_open(url).status_code, 404)

    def test_post_without_csrf_is_refused(self):
        """A POST without the CSRF token stores nothing."""
        proposal = self._draft_as_bernard()
        self.url_open(f"/my/proposals/{proposal.id}/edit", data={"publish": "1"})
        self.assertEqual(proposal.state, "draft")


@tagged("post_install", "-at_install")
class TestPortalProposalTour(CoopPortalCase):
    """From Bernard's draft to the assembly's agenda, in Chromium."""

    def test_proposal_reaches_the_agenda(self):
        """Bernard drafts with Romain as co-author and publishes; Hugo co-signs, which
        reaches the threshold (set to one); the board puts it on the assembly's agenda."""
        company = self.member_bernard.company_id
        with superuser_setup("arrange: a low threshold and a login for Hugo"):
            company.write(
                {"coop_proposal_threshold_type": "count", "coop_proposal_threshold_count": 1}
            )
            create_portal_user(self.env, "hugo_prop", self.member_hugo.partner_id, company)
        self.start_tour("/my/assemblies", "coop_portal_proposal_draft_tour", login="bernard")
        proposal = self.env["coop.proposal"].search([("author_id", "=", self.member_bernard.id)])
        self.assertEqual(proposal.state, "published")
        self.assertEqual(proposal.coauthor_ids, self.member_romain)
        # Typed in the website editor: its paragraphs are stored.
        self.assertIn("<p>Créer un jardin partagé à Valence.</p>", proposal.body)
        self.start_tour("/my/proposals", "coop_portal_proposal_sign_tour", login="hugo_prop")
        self.assertEqual(proposal.state, "threshold")
        officer = proposal.activity_ids.user_id
        self.assertEqual(len(officer), 1)
        self.assertTrue(officer.has_group("coop_governance.group_governance_officer"))
        self.assertIn(company, officer.company_ids)
        board = proposal.with_user(self.gov_officer)
        board.assembly_id = self.assembly
        board.action_put_on_agenda()
        self.assertEqual(proposal.resolution_id.assembly_id, self.assembly)
        self.assertEqual(proposal.resolution_id.cosigner_ids, self.member_hugo)
        proposal.resolution_id.with_user(self.gov_officer).action_propose()
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/proposals/{proposal.id}")
        self.assertIn("Discuss it in the forum", page.text)


@tagged("post_install", "-at_install")
class TestPortalProposalAccessibility(a11y.AxeAuditMixin, CoopPortalCase):
    """The proposal pages have no serious or critical axe-core violation."""

    def test_proposal_pages_are_accessible(self):
        """Bernard's list, new draft, draft edit and published proposal (with its versions
        and a difference shown) pages pass axe-core."""
        self.authenticate("bernard", "bernard")
        Proposal = self.env["coop.proposal"].with_user(self.user_bernard)
        draft = Proposal._member_create(self.member_bernard, {"name": "Brouillon", "body": ""})
        published = Proposal._member_create(
            self.member_bernard, {"name": "Un jardin", "body": "<p>Un jardin.</p>"}
        )
        published._member_write(self.member_bernard, {"name": "Un jardin", "body": "<p>Deux.</p>"})
        published._member_publish(self.member_bernard)
        for url, steps in [
            ("/my/proposals", a11y.AUDIT_PAGE),
            # The draft forms are audited once the website editor has replaced their text areas.
            ("/my/proposals/new", WAIT_PROPOSAL_EDITOR + a11y.AUDIT_PAGE),
            (f"/my/proposals/{draft.id}/edit?q=Romain", WAIT_PROPOSAL_EDITOR + a11y.AUDIT_PAGE),
            (f"/my/proposals/{published.id}?revision=1", a11y.AUDIT_PAGE),
        ]:
            with self.subTest(url=url):
                self.assert_accessible(url, login="bernard", steps=steps)
