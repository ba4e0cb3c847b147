import re
from datetime import timedelta

import vobject

from odoo import Command, fields
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestCalendarFeeds(CoopPortalCase):
    """Bernard's private calendar link, and the public feeds of a cooperative and a group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.ara = ref("coop_membership.coop_company_ara")
        cls.centre = ref("coop_membership.coop_company_centre")
        cls.valence = ref("coop_engagement.coop_local_group_valence")
        begin = fields.Datetime.now().replace(microsecond=0) + timedelta(days=15)

        def event(name, company, **values):
            return cls.env["event.event"].create(
                dict(
                    {
                        "name": name,
                        "company_id": company.id,
                        "coop_shared_company_ids": [Command.set(company.ids)],
                        "date_begin": begin,
                        "date_end": begin + timedelta(hours=2),
                        "is_published": True,
                    },
                    **values,
                )
            )

        cls.public_group = event(
            "Balade solaire, Valence", cls.ara, coop_local_group_id=cls.valence.id
        )
        cls.members_group = event(
            "Réunion des sociétaires, Valence",
            cls.ara,
            coop_local_group_id=cls.valence.id,
            coop_audience="members",
        )
        cls.draft = event("Brouillon; non publié", cls.ara, is_published=False)
        cls.centre_event = event("Atelier à Tours", cls.centre)
        cls.registered = event("Visite du parc, Montélimar", cls.ara)
        cls.env["event.registration"].create(
            {
                "event_id": cls.registered.id,
                "partner_id": cls.member_bernard.partner_id.id,
                "state": "open",
            }
        )
        cls.valence.action_join(cls.member_bernard.partner_id)

    def summaries(self, response):
        self.assertEqual(response.status_code, 200)
        self.assertTrue(response.headers["Content-Type"].startswith("text/calendar"))
        calendar = vobject.readOne(response.content.decode())
        return {vevent.summary.value for vevent in calendar.contents.get("vevent", [])}

    def new_link(self):
        self.authenticate("bernard", "bernard")
        page = self.url_open(
            "/my/calendar/regenerate", data={"csrf_token": self.csrf("/my/calendar")}
        )
        match = re.search(r"/my/calendar/([A-Za-z0-9_-]+)\.ics", page.text)
        self.assertTrue(match, "the new link is shown")
        return match.group(0)

    def test_private_feed_shows_my_events_only(self):
        """Bernard's feed: his registration and his group's events, members-only included."""
        link = self.new_link()
        self.authenticate(None, None)  # a calendar app has no session
        summaries = self.summaries(self.url_open(link))
        self.assertIn("Visite du parc, Montélimar", summaries)
        self.assertIn("Balade solaire, Valence", summaries)
        self.assertIn("Réunion des sociétaires, Valence", summaries)
        self.assertNotIn("Atelier à Tours", summaries)
        self.assertNotIn("Brouillon; non publié", summaries)
        # Only the hash is stored: the link is not in the database.
        token = link.rsplit("/", 1)[1][: -len(".ics")]
        self.env.cr.execute(
            "SELECT count(*) FROM res_users WHERE coop_calendar_token_hash = %s", [token]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_revoked_link_answers_like_a_wrong_one(self):
        """Revoked or replaced, the link answers 404 exactly like a made-up one."""
        link = self.new_link()
        with mute_logger("odoo.http"):
            wrong = self.url_open("/my/calendar/" + "x" * 43 + ".ics")
            self.url_open("/my/calendar/revoke", data={"csrf_token": self.csrf("/my/calendar")})
            revoked = self.url_open(link)
            self.assertEqual(wrong.status_code, 404)
            self.assertEqual(revoked.status_code, 404)
            self.assertEqual(revoked.content, wrong.content)
            # A new link works; the one before it no longer does.
            first, second = self.new_link(), self.new_link()
            self.assertEqual(self.url_open(first).status_code, 404)
            self.assertEqual(self.url_open(second).status_code, 200)

    def test_public_feeds_show_published_public_events_only(self):
        """The cooperative's and the group's feeds: no members-only or unpublished event."""
        self.authenticate(None, None)
        coop = self.summaries(self.url_open(f"/cooperative/{self.ara.id}/calendar.ics"))
        self.assertIn("Balade solaire, Valence", coop)
        self.assertIn("Visite du parc, Montélimar", coop)
        self.assertNotIn("Réunion des sociétaires, Valence", coop)
        self.assertNotIn("Brouillon; non publié", coop)
        self.assertNotIn("Atelier à Tours", coop)
        group = self.summaries(self.url_open(f"/cooperative/groups/{self.valence.id}/calendar.ics"))
        self.assertEqual(
            group & {"Balade solaire, Valence", "Réunion des sociétaires, Valence"},
            {"Balade solaire, Valence"},
        )
        self.assertNotIn("Visite du parc, Montélimar", group)
        with mute_logger("odoo.http"):
            self.assertEqual(
                self.url_open("/cooperative/groups/999999/calendar.ics").status_code, 404
            )
