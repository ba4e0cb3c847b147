import base64
import re

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.coop_membership.tests.common import create_user

from .common import CoopPortalCase, create_portal_user


@tagged("post_install", "-at_install")
class TestPortalDocuments(CoopPortalCase):
    """The document library: classified, versioned, read only by its audience."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.statutes = ref("coop_portal.coop_document_statutes")  # national
        cls.report = ref("coop_portal.coop_document_report_ara")  # ARA members
        cls.kit = ref("coop_portal.coop_document_kit_valence")  # Valence local group
        cls.charter = ref("coop_portal.coop_document_charter_producers")  # ARA producers
        labeaume = ref("coop_membership.partner_labeaume_solaire")
        create_portal_user(cls.env, "labeaume", labeaume, ref("coop_membership.coop_company_ara"))

    def listing(self, query=""):
        return self.url_open(f"/my/documents{query}").text

    def download(self, document):
        return self.url_open(f"/my/documents/{document.id}/download")

    def test_each_member_reads_their_audience_only(self):
        everything = self.statutes | self.report | self.kit | self.charter
        self.assertEqual(set(everything.mapped("published")), {True})
        expected = {
            "bernard": self.statutes | self.report | self.kit,  # ARA consumer, Valence group
            # ARA producer, in the Labeaume group, a sub-group of Valence's.
            "labeaume": self.statutes | self.report | self.charter | self.kit,
            "claire": self.statutes,  # Centre: only what the federation shares
            "helene": self.statutes,
        }
        for login, readable in expected.items():
            self.authenticate(login, login)
            page = self.listing()
            for document in everything:
                with self.subTest(login=login, document=document.name):
                    response = self.download(document)
                    if document in readable:
                        self.assertIn(f"/my/documents/{document.id}/download", page)
                        self.assertEqual(response.status_code, 200)
                        self.assertEqual(response.content, document.attachment_id.raw)
                    else:
                        self.assertNotIn(f"/my/documents/{document.id}/download", page)
                        self.assertEqual(response.status_code, 404)
                        self.assertNotIn(document.name, response.text)

    def test_anonymous_reads_public_documents_only(self):
        self.authenticate(None, None)
        self.assertEqual(self.download(self.statutes).status_code, 404)
        response = self.url_open("/my/documents", allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))
        self.statutes.audience = "public"
        self.assertEqual(self.download(self.statutes).status_code, 200)
        self.assertEqual(self.download(self.report).status_code, 404)
        self.assertEqual(self.url_open("/my/documents/999999/download").status_code, 404)

    def test_unpublished_and_archived_documents_disappear(self):
        self.authenticate("bernard", "bernard")
        report = self.report.with_user(self.env.ref("coop_membership.user_nadia_chevalier"))
        report.action_unpublish()
        self.assertEqual(self.download(self.report).status_code, 404)
        report.action_publish()
        self.assertEqual(self.download(self.report).status_code, 200)
        self.report.active = False
        self.assertEqual(self.download(self.report).status_code, 404)

    def test_member_who_left_no_longer_reads_member_documents(self):
        self.member_leaves(self.member_romain)
        self.authenticate("romain", "romain")
        self.assertEqual(self.download(self.report).status_code, 404)

    def test_search_and_filters(self):
        self.authenticate("bernard", "bernard")
        page = self.listing("?search=stand")
        self.assertIn(f"/my/documents/{self.kit.id}/download", page)
        self.assertNotIn(f"/my/documents/{self.report.id}/download", page)
        page = self.listing(f"?year=2025&category={self.report.category_id.id}")
        self.assertIn(f"/my/documents/{self.report.id}/download", page)
        self.assertNotIn(f"/my/documents/{self.statutes.id}/download", page)
        # The charter's category exists but Bernard may not read it: no trace of it.
        page = self.listing(f"?search={self.charter.name}")
        self.assertNotIn(f"/my/documents/{self.charter.id}/download", page)
        self.assertIn("No document matches.", page)
        # The number shown is the number listed, with and without filters or search.
        for query in ("", "?year=2025", f"?category={self.kit.category_id.id}", "?search=stand"):
            page = self.listing(query)
            shown = re.search(r'role="status">\s*(\d+)', page)
            self.assertTrue(shown, query)
            listed = len(set(re.findall(r"/my/documents/(\d+)/download", page)))
            self.assertEqual(int(shown.group(1)), listed, query)
        # Junk in the filters is ignored, never an error.
        response = self.url_open("/my/documents?year=abc&category=1%20OR%201=1&company=-1")
        self.assertEqual(response.status_code, 200)

    def test_new_versions_are_kept(self):
        self.assertEqual(self.report.version, 1)
        first = self.report.attachment_id
        self.report.write(
            {"upload": base64.b64encode(b"%PDF-1.4 v2"), "upload_name": "rapport_v2.pdf",
             "upload_note": "Coquille page 3"}
        )  # fmt: skip
        self.assertEqual(self.report.version, 2)
        self.assertEqual(sorted(self.report.version_ids.mapped("version")), [1, 2])
        self.assertTrue(first.exists(), "the first version is kept")
        self.authenticate("bernard", "bernard")
        self.assertEqual(self.download(self.report).content, b"%PDF-1.4 v2")
        with self.assertRaises(UserError):
            self.report.version_ids[-1].unlink()

    def test_publication_guards(self):
        officer = self.env.ref("coop_membership.user_nadia_chevalier")
        Document = self.env["coop.document"].with_user(officer)
        category = self.report.category_id
        with self.assertRaisesRegex(UserError, "Publish action"):
            Document.create({"name": "X", "category_id": category.id, "published": True})
        draft = Document.create({"name": "Sans fichier", "category_id": category.id})
        with self.assertRaisesRegex(UserError, "Upload the file"):
            draft.action_publish()
        with self.assertRaisesRegex(UserError, "actions"):
            draft.write({"published": True})
        with self.assertRaisesRegex(UserError, "colleges"):
            Document.create({"name": "Y", "category_id": category.id, "audience": "colleges"})
        with self.assertRaisesRegex(UserError, "year"), mute_logger("odoo.sql_db"):
            Document.create({"name": "Z", "category_id": category.id, "year": 20250})

    def test_closing_an_assembly_publishes_its_minutes(self):
        self.open_votes()
        self.assembly.with_user(self.gov_officer).action_close()
        minutes = self.env["coop.document"].search([("assembly_id", "=", self.assembly.id)])
        self.assertEqual((minutes.source, minutes.published), ("minutes", True))
        self.authenticate("bernard", "bernard")
        response = self.download(minutes)
        self.assertEqual(response.status_code, 200)
        self.assertIn(self.assembly.minutes_number, response.text)
        self.authenticate("claire", "claire")
        self.assertEqual(self.download(minutes).status_code, 404)

    def test_reading_counts_in_the_engagement_level(self):
        """Bernard downloading the report counts once in his engagement; his browser
        prefetching the link does not."""
        Activity = self.env["coop.engagement.activity"]
        domain = [
            ("partner_id", "=", self.member_bernard.partner_id.id),
            ("activity_type", "=", "document_read"),
            ("res_model", "=", "coop.document"),
            ("res_id", "=", self.report.id),
        ]
        self.assertFalse(Activity.search_count(domain))
        self.authenticate("bernard", "bernard")
        # The browser prefetching the link, or asking for its headers, is not Bernard
        # reading it.
        url = f"/my/documents/{self.report.id}/download"
        prefetches = ({"Sec-Purpose": "prefetch"}, {"Purpose": "prefetch"}, {"X-Moz": "prefetch"})
        for headers in prefetches:
            response = self.url_open(url, headers=headers)
            self.assertEqual(response.status_code, 200)
        self.assertEqual(self.opener.head(self.base_url() + url).status_code, 200)
        self.assertFalse(Activity.search_count(domain), "a prefetch is no reading")
        self.download(self.report)
        self.download(self.report)
        self.assertEqual(Activity.search_count(domain), 1, "once per document")

    def test_moderators_publish_for_their_region_only(self):
        ref = self.env.ref
        ara, centre = (
            ref("coop_membership.coop_company_ara"),
            ref("coop_membership.coop_company_centre"),
        )
        moderator = create_user(
            self.env,
            "moderator_ara_docs",
            "coop_engagement.group_coop_moderator",
            ara,
            centre,
            name="Modératrice ARA",
            coop_moderated_company_ids=[Command.set(ara.ids)],
        )
        Document = (
            self.env["coop.document"]
            .with_user(moderator)
            .with_context(allowed_company_ids=(ara | centre).ids)
        )
        mine = Document.create(
            {"name": "Compte rendu atelier", "company_id": ara.id,
             "category_id": self.report.category_id.id,
             "upload": base64.b64encode(b"notes"), "upload_name": "notes.txt"}
        )  # fmt: skip
        mine.action_publish()
        self.assertTrue(mine.published)
        centre_doc = self.statutes.copy({"company_id": centre.id, "national": False})
        with self.assertRaises(AccessError):
            Document.browse(centre_doc.id).write({"name": "Piraté"})
        with self.assertRaises(AccessError):
            Document.create(
                {"name": "Pour le Centre", "company_id": centre.id,
                 "category_id": self.report.category_id.id}
            )  # fmt: skip

    def test_home_counter_counts_readable_documents(self):
        self.authenticate("bernard", "bernard")
        counters = self.make_jsonrpc_request("/my/counters", {"counters": ["coop_document_count"]})
        minutes = self.env["coop.document"].search_count(
            [
                ("source", "=", "minutes"),
                ("company_id", "=", self.member_bernard.company_id.id),
                ("published", "=", True),
            ]
        )
        # His cooperative's three demo documents, the federation's public summary (the
        # home page shows it to everyone) and the published minutes.
        self.assertEqual(counters["coop_document_count"], 4 + minutes)

    def test_group_moderators_publish_inside_their_groups(self):
        ref = self.env.ref
        ara = ref("coop_membership.coop_company_ara")
        valence = ref("coop_engagement.coop_local_group_valence")
        moderator = create_user(
            self.env,
            "moderator_valence_docs",
            "coop_engagement.group_coop_moderator",
            ara,
            name="Modérateur Valence",
            email="moderateur@example.org",
            coop_moderated_group_ids=[Command.set(valence.ids)],
        )
        Document = self.env["coop.document"].with_user(moderator)
        base = {"company_id": ara.id, "category_id": self.report.category_id.id,
                "upload": base64.b64encode(b"x"), "upload_name": "x.txt"}  # fmt: skip
        for vals in (
            {"audience": "members"},
            {"audience": "public"},
            {"audience": "local_groups", "local_group_ids": [(6, 0, self.valence_other().ids)]},
            {"audience": "local_groups", "local_group_ids": [(6, 0, valence.ids)],
             "national": True},
        ):  # fmt: skip
            with self.subTest(vals=vals), self.assertRaises(UserError):
                Document.create(dict(base, name="Hors groupe", **vals))
        mine = Document.create(
            dict(base, name="Compte rendu", audience="local_groups",
                 local_group_ids=[(6, 0, valence.ids)])
        )  # fmt: skip
        with self.assertRaises(UserError):
            mine.write({"audience": "members"})
        # No file slipped into another document through its versions.
        attachment = (
            self.env["ir.attachment"]
            .with_user(moderator)
            .create({"name": "evil.pdf", "raw": b"evil"})
        )
        with self.assertRaises(AccessError):
            self.env["coop.document.version"].with_user(moderator).create(
                {"document_id": self.statutes.id, "version": 99, "attachment_id": attachment.id}
            )

    def valence_other(self):
        """A local group of the same cooperative that the Valence moderator does not run."""
        return self.env["coop.local.group"].create(
            {"name": "Romans", "company_id": self.env.ref("coop_membership.coop_company_ara").id}
        )
