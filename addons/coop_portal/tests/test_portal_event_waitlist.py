from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import CoopPortalCase, create_portal_user


@tagged("post_install", "-at_install")
class TestPortalEventWaitlist(CoopPortalCase):
    """The waiting list of full events: joined from the event page, served first come
    first served when seats free up, counted as engagement only once registered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.workshop = cls.env.ref("coop_portal.event_ara_members_workshop")  # ARA members
        # Bernard holds the only seat (demo registration).
        cls.workshop.seats_max = 1
        cls.bernard_seat = cls.env.ref("coop_portal.event_registration_ara_workshop_bernard")
        cls.partner_romain = cls.member_romain.partner_id
        cls.partner_hugo = cls.member_hugo.partner_id
        cls.partner_claire = cls.member_claire.partner_id
        cls.Registration = cls.env["event.registration"]
        cls.template = cls.env.ref("coop_portal.mail_template_event_waitlist_promoted")

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def page_url(self, event=None):
        return f"/event/{(event or self.workshop).id}/register"

    def join(self, event=None):
        event = event or self.workshop
        return self.post_form(f"/event/{event.id}/coop/waitlist", {}, self.page_url(event))

    def waiting(self, event=None):
        return self.Registration.search(
            [("event_id", "=", (event or self.workshop).id), ("coop_waiting", "=", True)],
            order="create_date, id",
        )

    def registration(self, partner, event=None):
        return self.Registration.search(
            [("event_id", "=", (event or self.workshop).id), ("partner_id", "=", partner.id)]
        )

    def wait(self, *partners, event=None):
        """Put people on the waiting list as the staff would through the portal method."""
        event = event or self.workshop
        return self.Registration.concat(*(event._coop_join_waitlist(p) for p in partners))

    def promotion_mails(self, registration):
        subject = self.template._render_field("subject", registration.ids)[registration.id]
        return self.env["mail.mail"].search(
            [
                ("model", "=", "event.registration"),
                ("res_id", "=", registration.id),
                ("subject", "=", subject),
            ]
        )

    def engagement(self, registration):
        return self.env["coop.engagement.activity"].search(
            [("res_model", "=", "event.registration"), ("res_id", "=", registration.id)]
        )

    # ------------------------------------------------------------------
    # Joining and leaving from the event page
    # ------------------------------------------------------------------
    def test_join_full_event_then_see_position_and_leave(self):
        self.authenticate("romain", "romain")
        page = self.url_open(self.page_url()).text
        self.assertIn("Join the waiting list", page)

        response = self.join()
        self.assertEqual(response.status_code, 200)
        self.assertIn("coop_waitlist=joined", response.url)
        self.assertIn("You are on the waiting list", response.text)
        self.assertRegex(
            response.text, r"You are number\s*<strong>1</strong>\s*on the waiting list"
        )
        self.assertIn("Leave the waiting list", response.text)
        self.assertNotIn("Join the waiting list", response.text)

        self.env.invalidate_all()
        mine = self.registration(self.partner_romain)
        self.assertRecordValues(
            mine, [{"state": "draft", "coop_waiting": True, "coop_waiting_position": 1}]
        )
        self.assertEqual(self.workshop.seats_taken, 1, "waiting takes no seat")
        self.assertEqual(self.workshop.coop_waiting_count, 1)

        # The next person is number 2; Romain stays number 1.
        create_portal_user(self.env, "hugo", self.partner_hugo, self.member_hugo.company_id)
        self.authenticate("hugo", "hugo")
        self.assertRegex(self.join().text, r"You are number\s*<strong>2</strong>")
        self.authenticate("romain", "romain")
        self.env.invalidate_all()
        self.assertEqual(self.registration(self.partner_hugo).coop_waiting_position, 2)
        my_events = self.url_open("/my/events").text
        self.assertIn(self.workshop.website_url, my_events)
        self.assertRegex(my_events, r"On the waiting list, number\s*1")
        self.assertNotIn(f"/event/{self.workshop.id}/ics", my_events)

        response = self.post_form(
            f"/event/{self.workshop.id}/coop/waitlist/leave", {}, self.page_url()
        )
        self.assertIn("You left the waiting list.", response.text)
        self.assertIn("Join the waiting list", response.text)
        self.env.invalidate_all()
        self.assertRecordValues(mine, [{"state": "cancel", "coop_waiting": False}])
        self.assertEqual(self.registration(self.partner_hugo).coop_waiting_position, 1)
        self.assertNotIn(self.workshop.website_url, self.url_open("/my/events").text)

    def test_event_with_seats_refuses_the_waiting_list(self):
        self.workshop.seats_max = 5
        self.authenticate("romain", "romain")
        page = self.url_open(self.page_url()).text
        self.assertNotIn("Join the waiting list", page)
        response = self.join()
        self.assertIn("This event still has seats: register on its page.", response.text)
        self.env.invalidate_all()
        self.assertFalse(self.registration(self.partner_romain))

    def test_joining_twice_or_when_registered_is_refused(self):
        self.authenticate("romain", "romain")
        self.join()
        response = self.join()
        self.assertIn("You are already on the waiting list of this event.", response.text)
        self.env.invalidate_all()
        self.assertEqual(len(self.registration(self.partner_romain)), 1)

        self.authenticate("bernard", "bernard")
        self.assertNotIn("Join the waiting list", self.url_open(self.page_url()).text)
        response = self.join()
        self.assertIn("You are already registered for this event.", response.text)
        self.env.invalidate_all()
        self.assertEqual(self.waiting().partner_id, self.partner_romain)

    def test_members_only_event_of_another_cooperative_is_not_found(self):
        self.authenticate("claire", "claire")  # Centre-Val de Loire, workshop of ARA
        # A CSRF token from a page Claire may see; the event id is forged.
        token = self.csrf("/my/events")
        for event_id in (self.workshop.id, 999999):
            for url in (
                f"/event/{event_id}/coop/waitlist",
                f"/event/{event_id}/coop/waitlist/leave",
            ):
                with self.subTest(url=url):
                    response = self.url_open(url, data={"csrf_token": token})
                    self.assertEqual(response.status_code, 404)
                    self.assertNotIn(self.workshop.name.replace("'", "&#39;"), response.text)
        self.env.invalidate_all()
        self.assertFalse(self.registration(self.partner_claire))
        # The model refuses too, as the user, before any superuser write.
        with self.assertRaises(UserError):
            self.workshop.with_user(self.user_claire)._coop_join_waitlist(self.partner_claire)
        self.assertFalse(self.registration(self.partner_claire))

    def test_public_visitor_is_asked_to_log_in(self):
        event = self.env["event.event"].create(
            {
                "name": "Visite du parc solaire",
                # a cooperative's event: the federation's website shows its visitors the
                # events of its cooperatives (not those of Odoo's sample company)
                "company_id": self.workshop.company_id.id,
                "coop_audience": "public",
                "website_published": True,
                "seats_limited": True,
                "seats_max": 1,
                "date_begin": fields.Datetime.now() + timedelta(days=10),
                "date_end": fields.Datetime.now() + timedelta(days=10, hours=2),
            }
        )
        self.Registration.create({"event_id": event.id, "partner_id": self.partner_hugo.id})
        self.authenticate(None, None)
        page = self.url_open(self.page_url(event)).text
        self.assertIn("Log in to join its waiting list.", page)
        self.assertNotIn("Join the waiting list", page)
        response = self.url_open(
            f"/event/{event.id}/coop/waitlist",
            data={"csrf_token": self.csrf(self.page_url(event))},
            allow_redirects=False,
        )
        self.assertIn("/web/login", response.headers.get("Location", ""))
        self.assertFalse(self.waiting(event))

    def test_closed_or_past_event_refuses_the_waiting_list(self):
        self.workshop.write(
            {
                "date_begin": fields.Datetime.now() - timedelta(days=2),
                "date_end": fields.Datetime.now() - timedelta(days=2, hours=-2),
            }
        )
        with self.assertRaisesRegex(UserError, "Registrations for this event are closed."):
            self.workshop.with_user(self.user_romain)._coop_join_waitlist(self.partner_romain)
        self.workshop.write(
            {
                "date_begin": fields.Datetime.now() + timedelta(days=2),
                "date_end": fields.Datetime.now() + timedelta(days=2, hours=2),
                "coop_waitlist_enabled": False,
            }
        )
        with self.assertRaisesRegex(UserError, "This event has no waiting list."):
            self.workshop.with_user(self.user_romain)._coop_join_waitlist(self.partner_romain)
        self.assertFalse(self.registration(self.partner_romain))

    # ------------------------------------------------------------------
    # Seats freeing up
    # ------------------------------------------------------------------
    def test_cancelled_seat_goes_to_the_first_waiting_only(self):
        first, second = self.wait(self.partner_romain, self.partner_hugo)
        self.assertFalse(self.promotion_mails(first))
        self.bernard_seat.action_cancel()
        self.assertRecordValues(
            first + second,
            [
                {"state": "open", "coop_waiting": False, "coop_waiting_position": 0},
                {"state": "draft", "coop_waiting": True, "coop_waiting_position": 1},
            ],
        )
        self.assertEqual(self.workshop.seats_available, 0)
        mail = self.promotion_mails(first)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing")
        self.assertEqual(mail.recipient_ids, self.partner_romain)
        self.assertIn(self.workshop.name, mail.subject)
        self.assertIn(self.workshop.website_url, mail.body_html)
        self.assertFalse(self.promotion_mails(second))

        # Romain sees himself registered on the page, Hugo is still waiting.
        self.authenticate("romain", "romain")
        page = self.url_open(self.page_url()).text
        self.assertNotIn("on the waiting list", page)
        self.assertNotIn("Join the waiting list", page)

    def test_deleted_or_archived_seat_goes_to_the_next_waiting(self):
        first, second = self.wait(self.partner_romain, self.partner_hugo)
        self.bernard_seat.unlink()
        self.assertEqual((first + second).mapped("state"), ["open", "draft"])
        first.action_archive()
        self.assertEqual(second.state, "open")
        self.assertTrue(self.promotion_mails(second))

    def test_more_seats_promote_as_many_waiting(self):
        anne = self.env["res.partner"].create({"name": "Anne Morel", "email": "anne@example.org"})
        waiting = self.wait(self.partner_romain, self.partner_hugo, anne)
        self.workshop.seats_max += 2
        self.assertEqual(waiting.mapped("state"), ["open", "open", "draft"])
        self.assertEqual(waiting[2].coop_waiting_position, 1)
        self.assertEqual(self.workshop.seats_available, 0)
        self.assertTrue(self.promotion_mails(waiting[0]))
        self.assertTrue(self.promotion_mails(waiting[1]))
        self.assertFalse(self.promotion_mails(waiting[2]))
        # No limit any more: everybody waiting gets a seat.
        self.workshop.seats_limited = False
        self.assertEqual(waiting[2].state, "open")

    def test_waiting_is_no_engagement_until_registered(self):
        (waiting,) = self.wait(self.partner_romain)
        self.assertFalse(self.engagement(waiting))
        self.bernard_seat.action_cancel()
        self.assertEqual(self.engagement(waiting).mapped("activity_type"), ["event_registered"])
        self.assertEqual(self.engagement(waiting).partner_id, self.partner_romain)

    def test_waiting_list_in_the_backend(self):
        """The region's moderator opens the event's waiting list in the back office."""
        self.wait(self.partner_romain, self.partner_hugo)
        moderator = self.env.ref("coop_membership.user_nadia_chevalier")  # moderates ARA
        action = self.workshop.with_user(moderator).action_coop_view_waitlist()
        self.assertEqual(action["context"]["search_default_coop_waiting"], 1)
        found = self.Registration.with_user(moderator).search(
            action["domain"] + [("coop_waiting", "=", True)]
        )
        self.assertEqual(found.partner_id, self.partner_romain | self.partner_hugo)
        views = self.Registration.get_views([(False, "list"), (False, "search")])["views"]
        self.assertIn('name="coop_waiting_position"', views["list"]["arch"])
        self.assertIn('name="coop_waiting"', views["search"]["arch"])
        # A seat given by hand while full is refused by event's own seat check.
        with self.assertRaises(ValidationError):
            self.registration(self.partner_hugo).action_confirm()
