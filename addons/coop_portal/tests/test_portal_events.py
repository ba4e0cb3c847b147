import json

from odoo.tests import tagged

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalEvents(CoopPortalCase):
    """Members-only and inter-cooperative events, the webinar link, /my/events."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workshop = cls.env.ref("coop_portal.event_ara_members_workshop")  # ARA members
        cls.evening = cls.env.ref("coop_portal.event_federation_evening")  # every region

    def page(self, event):
        return self.url_open(f"/event/{event.id}/register")

    def test_members_only_events_reach_their_members_only(self):
        for login, expected in [
            ("bernard", {self.workshop, self.evening}),
            ("claire", {self.evening}),
            ("helene", {self.evening}),
        ]:
            self.authenticate(login, login)
            listing = self.url_open("/event").text
            for event in (self.workshop, self.evening):
                with self.subTest(login=login, event=event.name):
                    response = self.page(event)
                    if event in expected:
                        self.assertEqual(response.status_code, 200)
                        self.assertIn(event.website_url, listing)
                    else:
                        self.assertIn(response.status_code, (403, 404))
                        self.assertNotIn(event.name.replace("'", "&#39;"), response.text)
                        self.assertNotIn(event.name.replace("'", "&#39;"), listing)
        self.authenticate(None, None)
        for event in (self.workshop, self.evening):
            response = self.page(event)
            self.assertIn(response.status_code, (403, 404))
            self.assertNotIn(event.name.replace("'", "&#39;"), response.text)

    def test_webinar_link_for_registered_members_only(self):
        link = "https://visio.example.org/atelier-ag-ara"
        self.authenticate("bernard", "bernard")  # registered in the demo
        self.assertIn(link, self.page(self.workshop).text)
        self.authenticate("romain", "romain")  # same cooperative, not registered
        page = self.page(self.workshop).text
        self.assertEqual(self.page(self.workshop).status_code, 200)
        self.assertNotIn(link, page)
        # Nor over RPC: the field is for the event staff.
        for fields_, refused in ((["name"], False), (["coop_online_url"], True)):
            response = self.url_open(
                "/web/dataset/call_kw",
                data=json.dumps(
                    {
                        "jsonrpc": "2.0",
                        "method": "call",
                        "id": 1,
                        "params": {
                            "model": "event.event",
                            "method": "read",
                            "args": [self.workshop.ids, fields_],
                            "kwargs": {},
                        },
                    }
                ),  # fmt: skip
                headers={"Content-Type": "application/json"},
            ).json()
            self.assertEqual("error" in response, refused, response)
            self.assertNotIn(link, json.dumps(response))

    def test_my_events_lists_coming_and_past_registrations(self):
        past = self.env.ref("coop_engagement.event_valence_solar_evening")
        self.env["event.registration"].create(
            {"event_id": past.id, "partner_id": self.member_bernard.partner_id.id, "state": "done"}
        )
        self.authenticate("bernard", "bernard")
        page = self.url_open("/my/events").text
        self.assertIn(self.workshop.website_url, page)
        self.assertIn(f"/event/{self.workshop.id}/ics", page)
        self.assertIn(past.website_url, page)
        self.authenticate("claire", "claire")
        page = self.url_open("/my/events").text
        self.assertNotIn(self.workshop.website_url, page)
        self.authenticate(None, None)
        response = self.url_open("/my/events", allow_redirects=False)
        self.assertIn("/web/login", response.headers.get("Location", ""))
