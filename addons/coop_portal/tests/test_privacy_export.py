import io
import json
import re
import subprocess
import zipfile

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase, create_portal_user


@tagged("post_install", "-at_install")
class TestPrivacyExport(CoopPortalCase):
    """ "Download my data" in the member space (issue #26 §2, GDPR art. 15 and 20)."""

    def download(self, login):
        """The member's ZIP through the route: (JSON data, JSON text, report text).

        Odoo renders reports as HTML in tests, and a real PDF cannot be rendered inside a
        test request (wkhtmltopdf would wait for the test server): the PDF itself is
        tested through the model in test_pdf_is_a_real_pdf_with_name_and_number.
        """
        self.authenticate(login, login)
        response = self.post_form("/my/privacy/export", {}, form_url="/my/cooperative")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/zip")
        archive = zipfile.ZipFile(io.BytesIO(response.content))
        self.assertEqual(sorted(archive.namelist()), ["personal_data.json", "personal_data.pdf"])
        raw_json = archive.read("personal_data.json").decode()
        report = archive.read("personal_data.pdf").decode()
        return json.loads(raw_json), raw_json, report

    def test_pdf_is_a_real_pdf_with_name_and_number(self):
        """The PDF of Claire's download opens as a PDF and reads her name, her member
        number and her register line."""
        claire = self.user_claire.partner_id.with_user(self.user_claire)
        name, content = claire.with_context(force_report_rendering=True)._coop_personal_data_zip()
        self.assertTrue(name.endswith(".zip"))
        pdf = zipfile.ZipFile(io.BytesIO(content)).read("personal_data.pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))
        text = subprocess.run(
            ["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
        ).stdout.decode()
        self.assertIn("Claire Martin", text)
        self.assertIn(self.member_claire.member_number, text)
        operation = self.env["coop.share.operation"].search(
            [("member_id", "=", self.member_claire.id)], limit=1
        )
        self.assertIn(operation.name, text)

    def test_member_downloads_all_her_data_as_json_and_pdf(self):
        """Claire downloads her data: her membership, register lines, event registration,
        local group and consents are in the JSON, her name and number in the PDF."""
        claire = self.member_claire.partner_id
        with superuser_setup("an event Claire registered to, in her cooperative"):
            event = self.env["event.event"].create(
                {
                    "name": "Atelier sobriété GDPR",
                    "company_id": self.member_claire.company_id.id,
                    "date_begin": "2030-03-01 09:00:00",
                    "date_end": "2030-03-01 12:00:00",
                }
            )
            self.env["event.registration"].create({"event_id": event.id, "partner_id": claire.id})
        self.authenticate("claire", "claire")
        page = self.url_open("/my/cooperative").text
        self.assertIn('action="/my/privacy/export"', page)
        data, _raw, text = self.download("claire")
        self.assertEqual(data["person"], "Claire Martin")
        self.assertEqual(data["identity"][0]["email"], claire.email)
        numbers = [m["member_number"] for m in data["memberships"]]
        self.assertEqual(numbers, [self.member_claire.member_number])
        operations = self.env["coop.share.operation"].search(
            [("member_id", "=", self.member_claire.id)]
        )
        self.assertTrue(operations)
        self.assertEqual(
            sorted(o["name"] for o in data["share_operations"]),
            sorted(operations.mapped("name")),
        )
        self.assertIn("Atelier sobriété GDPR", [r["event_id"] for r in data["event_registrations"]])
        self.assertEqual(
            [g["local_group_id"] for g in data["local_groups"]],
            claire.coop_local_group_membership_ids.local_group_id.mapped("display_name"),
        )
        self.assertIs(data["consents"][0]["coop_newsletter_optin"], claire.coop_newsletter_optin)
        self.assertIn("Claire Martin", text)
        self.assertIn(self.member_claire.member_number, text)
        self.assertIn("Atelier sobriété GDPR", text)

    def test_another_members_data_never_appears(self):
        """Bernard's name, email and member number are nowhere in Claire's download, and
        Claire cannot ask for Bernard's data through the model either."""
        _data, raw, text = self.download("claire")
        bernard = self.member_bernard.partner_id
        for value in (bernard.name, bernard.email, self.member_bernard.member_number):
            # Whole words: a member number may be part of a register number.
            self.assertNotRegex(raw, rf"\b{re.escape(value)}\b")
            self.assertNotRegex(text, rf"\b{re.escape(value)}\b")
        with self.assertRaises(AccessError):
            bernard.with_user(self.user_claire)._coop_personal_data()

    def test_secret_vote_choice_is_never_exported(self):
        """Bernard votes online; his download lists his open votes with their choice but,
        for secret resolutions, only that he took part."""
        resolutions = self.open_votes()
        voter = self.voter(self.member_bernard)
        self.authenticate("bernard", "bernard")
        data = {}
        for resolution in resolutions:
            if resolution.kind == "election":
                data[f"choice_{resolution.id}"] = str(resolution.candidacy_ids[:1].id)
                data[f"choice_{resolution.id}_voted"] = "1"
            else:
                data[f"choice_{resolution.id}"] = "no"
        data["confirm"] = "1"
        self.post_form(
            f"/my/assemblies/{voter.id}/vote", data, form_url=f"/my/assemblies/{voter.id}"
        )
        ballots = self.env["coop.ballot"].search([("voter_id", "=", voter.id)])
        secret = ballots.filtered("secret")
        self.assertTrue(secret, "the demo assembly has a secret resolution")
        self.assertTrue(ballots - secret, "the demo assembly has an open resolution")
        exported, raw, _text = self.download("bernard")
        votes = exported["votes"]
        mine = self.env["coop.ballot"].search(
            [("voter_id.partner_id", "=", self.member_bernard.partner_id.id)]
        )
        self.assertEqual(len(votes), len(mine))
        by_resolution = {
            (b.assembly_id.display_name, b.resolution_id.display_name): b for b in mine
        }
        for vote in votes:
            ballot = by_resolution[(vote["assembly_id"], vote["resolution_id"])]
            self.assertEqual(vote["secret"], ballot.secret)
            if ballot.secret:
                self.assertNotIn("choice", vote)
            elif ballot in ballots and ballot.resolution_id.kind != "election":
                self.assertEqual(vote["choice"], "No")
        # Nothing of the anonymous urn either.
        slots = self.env["coop.ballot.secret"].search(
            [("resolution_id", "in", secret.resolution_id.ids)]
        )
        for token in slots.mapped("token"):
            self.assertNotIn(token, raw)

    def test_person_without_membership_downloads_her_data(self):
        """Someone with a login but no membership (a candidate) finds the button on her
        cooperative page and downloads her identity, with no membership."""
        with superuser_setup("a person with a portal login and no membership"):
            partner = self.env["res.partner"].create(
                {"name": "Zoé Candidate", "email": "zoe.candidate@example.org"}
            )
            create_portal_user(self.env, "zoe_candidate", partner, self.member_claire.company_id)
        self.authenticate("zoe_candidate", "zoe_candidate")
        page = self.url_open("/my/cooperative").text
        self.assertIn('action="/my/privacy/export"', page)
        data, _raw, report = self.download("zoe_candidate")
        self.assertEqual(data["identity"][0]["email"], "zoe.candidate@example.org")
        self.assertEqual(data["memberships"], [])
        self.assertIn("Zoé Candidate", report)

    def test_public_user_is_sent_to_login(self):
        """Someone not logged in who posts to the download address lands on the login
        page and gets no file."""
        response = self.url_open(
            "/my/privacy/export", data={"csrf_token": "x"}, allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 303))
        self.assertIn("/web/login", response.headers["Location"])


@tagged("post_install", "-at_install")
class TestConsentLog(CoopPortalCase):
    """Each consent change is logged with its date and source (issue #26 §2)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.officer_centre = create_user(
            cls.env,
            "officer_centre_consents",
            "base.group_user,coop_membership.group_coop_officer",
            cls.member_claire.company_id,
        )
        cls.claire = cls.member_claire.partner_id

    def consent_lines(self, consent="newsletter"):
        return self.env["coop.member.consent"].search(
            [("partner_id", "=", self.claire.id), ("consent", "=", consent)], order="id"
        )

    def test_member_withdraws_newsletter_from_her_profile(self):
        """Claire unticks the newsletter in her member space: the log says withdrawn, from
        the member space, today; her download lists it."""
        self.assertTrue(self.claire.coop_newsletter_optin)
        before = self.consent_lines()
        self.claire.with_user(self.user_claire)._coop_portal_update_profile(
            {"coop_newsletter_optin": False}
        )
        line = self.consent_lines() - before
        self.assertEqual(len(line), 1)
        self.assertFalse(line.given)
        self.assertEqual(line.source, "portal")
        self.assertEqual(line.date.date(), fields.Date.today())
        sections = self.claire.with_user(self.user_claire)._coop_personal_data()
        log = next(s for s in sections if s["key"] == "consent_log")["rows"]
        self.assertIn(
            {"consent": "Newsletter", "given": False, "source": "Member space"},
            [{k: row[k] for k in ("consent", "given", "source")} for row in log],
        )

    def test_back_office_and_import_changes_are_logged_and_shown(self):
        """The officer ticks Claire's name visible to her groups, then an import withdraws
        it: two lines, back office then import, that the officer reads on the contact."""
        before = self.consent_lines("group_visible")
        claire = self.claire.with_user(self.officer_centre)
        claire.write({"coop_group_visible": True})
        claire.with_context(coop_consent_source="import").write({"coop_group_visible": False})
        lines = self.consent_lines("group_visible") - before
        self.assertEqual(lines.mapped("source"), ["back_office", "import"])
        self.assertEqual(lines.mapped("given"), [True, False])
        self.assertEqual(claire.coop_consent_ids.filtered(lambda c: c in lines), lines)

    def test_unchanged_consent_is_not_logged(self):
        """Saving the contact without changing a consent adds no line."""
        before = self.env["coop.member.consent"].search_count([("partner_id", "=", self.claire.id)])
        self.claire.with_user(self.officer_centre).write(
            {"coop_newsletter_optin": self.claire.coop_newsletter_optin, "city": "Tours"}
        )
        self.assertEqual(
            self.env["coop.member.consent"].search_count([("partner_id", "=", self.claire.id)]),
            before,
        )
