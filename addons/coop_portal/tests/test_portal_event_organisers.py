import base64
import json

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestEventOrganisers(CoopPortalCase):
    """Organisers (the region's moderators) see and export the participants of their
    events from the backend, with Odoo's own list export; not another region's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.user_nadia = ref("coop_membership.user_nadia_chevalier")  # moderates ARA
        cls.workshop = ref("coop_portal.event_ara_members_workshop")
        cls.centre = ref("coop_membership.coop_company_centre")
        cls.centre_event = cls.env["event.event"].create(
            {
                "name": "Atelier sobriété à Tours",
                "company_id": cls.centre.id,
                "date_begin": "2027-03-01 17:00:00",
                "date_end": "2027-03-01 19:00:00",
            }
        )
        cls.env["event.registration"].create(
            {
                "event_id": cls.centre_event.id,
                "partner_id": cls.member_claire.partner_id.id,
                "name": "Claire Martin",
                "email": "claire@example.org",
            }
        )

    def test_moderator_exports_the_participants_of_her_region(self):
        Registration = self.env["event.registration"].with_user(self.user_nadia)
        mine = Registration.search([("event_id", "=", self.workshop.id)])
        self.assertIn(self.member_bernard.partner_id, mine.partner_id)
        # Odoo's export of the list view (CSV / XLSX): the same rows the list shows.
        rows = mine.export_data(["event_id/name", "partner_id/name", "email", "state"])["datas"]
        self.assertEqual(len(rows), len(mine))
        self.assertIn("Bernard Roux", [row[1] for row in rows])
        # The Centre-Val de Loire event and its participant stay out of her reach.
        self.assertFalse(Registration.search([("event_id", "=", self.centre_event.id)]))
        with self.assertRaises(AccessError):
            self.centre_event.registration_ids.with_user(self.user_nadia).read(["email"])

    def test_xlsx_export_through_the_web_client(self):
        self.user_nadia.password = "nadia"
        self.authenticate(self.user_nadia.login, "nadia")
        registrations = self.workshop.registration_ids
        data = {
            "model": "event.registration",
            "fields": [
                {"name": "partner_id", "label": "Attendee"},
                {"name": "state", "label": "Status"},
            ],
            "ids": registrations.ids,
            "domain": [],
            "import_compat": False,
        }
        response = self.url_open(
            "/web/export/xlsx",
            data={"data": json.dumps(data), "csrf_token": self.csrf("/odoo")},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.content.startswith(b"PK"), "an XLSX (zip) file")
        self.assertTrue(base64.b64encode(response.content))
        # Forged ids of another region's registrations: refused, nothing exported.
        data["ids"] = self.centre_event.registration_ids.ids
        with mute_logger("odoo.addons.web.controllers.export", "odoo.http"):
            response = self.url_open(
                "/web/export/xlsx",
                data={"data": json.dumps(data), "csrf_token": self.csrf("/odoo")},
            )
        self.assertNotIn(b"Claire", response.content)
        self.assertNotEqual(response.status_code, 200)
