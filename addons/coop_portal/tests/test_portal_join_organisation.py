from odoo.tests import tagged

from .common import CoopPortalCase
from .test_portal_join import TestPortalJoin


@tagged("post_install", "-at_install")
class TestPortalJoinOrganisation(CoopPortalCase):
    """An organisation applies on the public page through its representative."""

    def organisation(self, **change):
        data = TestPortalJoin.application(
            self,
            partner_name="Commune de Chinon",
            email="mairie@chinon.example.org",
            is_organisation="on",
            legal_form="local_authority",
            siret="213 700 727",
            representative_name="Lucie Caron",
            representative_function="Adjointe à la transition énergétique",
            representative_email="lucie.caron@example.org",
            representative_phone="06 11 22 33 44",
        )
        data.update(change)
        return data

    def test_organisation_applies_with_its_representative(self):
        """The town hall of Chinon applies: the office receives an organisation's request
        naming its legal form, SIREN and its representative."""
        Request = self.env["coop.subscription.request"]
        page = self.url_open("/cooperative/join").text
        self.assertIn('name="is_organisation"', page)
        self.assertIn("Local authority", page)
        response = self.post_form("/cooperative/join", self.organisation())
        self.assertEqual(response.status_code, 200)
        self.assertNotIn("alert-danger", response.text)
        request = Request.search([("email", "=", "mairie@chinon.example.org")])
        self.assertEqual(len(request), 1)
        self.assertRecordValues(
            request,
            [
                {
                    "is_organisation": True,
                    "legal_form": "local_authority",
                    "siret": "213700727",
                    "representative_email": "lucie.caron@example.org",
                    "state": "submitted",
                }
            ],
        )
        self.assertEqual(request.representative_id.name, "Lucie Caron")
        self.assertTrue(request.partner_id.is_company)

    def test_bad_organisation_applications_store_nothing(self):
        """A wrong SIREN, no representative, or the town's own mailbox as the
        representative's: a clear message and nothing stored."""
        Request = self.env["coop.subscription.request"]
        before = Request.search_count([])
        for change, message in (
            ({"siret": "213 700 728"}, "not a valid SIREN"),
            ({"siret": ""}, "SIREN or SIRET"),
            ({"legal_form": "kingdom"}, "legal form"),
            ({"representative_name": ""}, "represents the organisation"),
            ({"representative_email": "not an email"}, "own email address"),
            ({"representative_email": "mairie@chinon.example.org"}, "must be their own"),
        ):
            with self.subTest(change=change):
                self.forget_join_attempts()
                response = self.post_form("/cooperative/join", self.organisation(**change))
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertEqual(Request.search_count([]), before)
