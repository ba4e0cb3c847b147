from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from . import test_portal_accessibility as axe_tests
from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestGroupEvents(CoopPortalCase):
    """Romain coordinates the Valence group: the events he creates go live once Nadia,
    the moderator of Auvergne-Rhône-Alpes, approves them (or at once if she lets the
    group publish directly)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.valence = ref("coop_engagement.coop_local_group_valence")
        cls.valence.action_join(cls.member_romain.partner_id, role="coordinator")
        cls.user_nadia = ref("coop_membership.user_nadia_chevalier")  # moderates ARA
        centre = ref("coop_membership.coop_company_centre")
        cls.moderator_centre = create_user(
            cls.env,
            "moderator_centre",
            "coop_engagement.group_coop_moderator",
            centre,
            coop_moderated_company_ids=[Command.set(centre.ids)],
        )
        cls.Event = cls.env["event.event"]

    def event_values(self, name="Balade thermique à Valence"):
        begin = fields.Datetime.now().replace(microsecond=0) + timedelta(days=20)
        return {
            "name": name,
            "date_begin": begin,
            "date_end": begin + timedelta(hours=2),
            "audience": "public",
            "description": "Avec une caméra thermique.\nRendez-vous place des Clercs.",
        }

    def propose(self, user=None, lang=None, **values):
        group = self.valence.with_user(user or self.user_romain).with_context(lang=lang)
        return group._coop_portal_create_group_event(dict(self.event_values(), **values))

    def test_coordinator_submits_and_moderator_approves(self):
        """Romain proposes an event: hidden until Nadia approves it, then live."""
        event = self.propose()
        self.assertEqual(event.coop_approval_state, "pending")
        self.assertFalse(event.website_published)
        self.assertEqual(event.coop_local_group_id, self.valence)
        self.assertEqual(event.organizer_id, self.member_romain.partner_id)
        todo = event.activity_ids.filtered(lambda a: a.user_id == self.user_nadia)
        self.assertTrue(todo, "Nadia has an activity to approve it")
        # The moderator of another region cannot approve: as if the event did not exist.
        with self.assertRaises(MissingError):
            event.with_user(self.moderator_centre).action_coop_approve()
        self.assertFalse(event.website_published)
        event.with_user(self.user_nadia).action_coop_approve()
        self.assertEqual(event.coop_approval_state, "approved")
        self.assertTrue(event.website_published)
        self.assertFalse(event.activity_ids, "the approval activity is done")
        told = event.message_ids.filtered(lambda m: self.member_romain.partner_id in m.partner_ids)
        self.assertTrue(told, "Romain is told that his event is published")

    def test_moderator_refuses_with_a_reason(self):
        """Nadia refuses an event, with a reason Romain reads on his page; not published."""
        event = self.propose()
        nadia_event = event.with_user(self.user_nadia)
        with self.assertRaises(UserError):
            nadia_event.action_coop_refuse()
        nadia_event.coop_refusal_reason = "Même date que l'assemblée générale."
        nadia_event.action_coop_refuse()
        self.assertEqual(event.coop_approval_state, "refused")
        self.assertFalse(event.website_published)
        # Publishing it by hand is not the way around the approval either.
        other = self.propose(name="Atelier vélo")
        with self.assertRaises(AccessError):
            other.with_user(self.user_nadia).website_published = True

    def test_group_with_the_right_publishes_at_once(self):
        """Nadia lets the Valence group publish directly: Romain's event is live at once."""
        with self.assertRaises(AccessError):
            self.valence.with_user(self.officer_ara).coop_publish_events_directly = True
        with self.assertRaises(AccessError):
            self.env["coop.local.group"].with_user(self.officer_ara).create(
                {
                    "name": "Die",
                    "company_id": self.valence.company_id.id,
                    "coop_publish_events_directly": True,
                }
            )
        self.valence.with_user(self.user_nadia).coop_publish_events_directly = True
        event = self.propose()
        self.assertEqual(event.coop_approval_state, "approved")
        self.assertTrue(event.website_published)
        self.assertFalse(event.activity_ids)

    def test_member_not_coordinator_is_refused_in_french(self):
        """Bernard's neighbour Claire (not a coordinator) is refused in French, nothing stored."""
        with superuser_setup("the French language, as the members have it"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.env["ir.module.module"]._load_module_terms(["coop_portal"], ["fr_FR"])
            self.user_claire.lang = "fr_FR"
        before = self.Event.search_count([])
        with self.assertRaises(AccessError) as refusal:
            self.propose(user=self.user_claire, lang="fr_FR")
        self.assertIn("Seuls les coordinateurs", str(refusal.exception))
        self.assertEqual(self.Event.search_count([]), before)

    def test_bad_dates_store_nothing(self):
        """An end before the start, or a start in the past: refused, nothing stored."""
        before = self.Event.search_count([])
        values = self.event_values()
        for wrong in (
            {"date_end": values["date_begin"] - timedelta(hours=1)},
            {"date_begin": fields.Datetime.now() - timedelta(days=1)},
            {"name": False},
            {"audience": "everyone-else"},
        ):
            with self.subTest(wrong=wrong), self.assertRaises(UserError):
                self.propose(**wrong)
        self.assertEqual(self.Event.search_count([]), before)

    def test_form_in_the_member_space(self):
        """Romain fills the form of his group page; Claire gets a 404 for the same page."""
        url = f"/cooperative/groups/{self.valence.id}/events/new"
        self.authenticate("romain", "romain")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        response = self.url_open(
            url,
            data={
                "csrf_token": self.csrf(url),
                "name": "Café climat",
                "date_begin": "2030-05-02T18:30",
                "date_end": "2030-05-02T20:00",
                "audience": "members",
                "description": "",
            },
        )
        self.assertIn("sent to the moderators", response.text)
        event = self.Event.search([("name", "=", "Café climat")])
        self.assertEqual(event.coop_audience, "members")
        self.assertEqual(event.coop_approval_state, "pending")
        # Typed in Paris time (UTC+2 in May).
        self.assertEqual(event.date_begin, fields.Datetime.to_datetime("2030-05-02 16:30:00"))
        self.authenticate("claire", "claire")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(url).status_code, 404)

    def test_tour_romain_creates_an_event_that_nadia_approves(self):
        """Romain creates a group event in Chromium; Nadia approves it; it is on the group page."""
        self.start_tour("/cooperative/groups", "coop_portal_group_event_tour", login="romain")
        event = self.Event.search([("name", "=", "Atelier rénovation énergétique")])
        self.assertEqual(event.coop_approval_state, "pending")
        # Bernard, a member of the group, does not see it yet on the group page.
        self.authenticate("bernard", "bernard")
        url = f"/cooperative/groups/{self.valence.id}"
        self.assertNotIn("Atelier rénovation", self.url_open(url).text)
        event.with_user(self.user_nadia).action_coop_approve()
        self.env.flush_all()
        self.assertIn("Atelier rénovation", self.url_open(url).text)


@tagged("post_install", "-at_install")
class TestGroupEventsAccessibility(axe_tests.AxeAuditMixin, CoopPortalCase):
    """axe-core on the new pages: the event form and the calendar link page."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.valence = cls.env.ref("coop_engagement.coop_local_group_valence")
        cls.valence.action_join(cls.member_romain.partner_id, role="coordinator")

    def test_new_pages_are_accessible(self):
        """The group's event and action call forms, "My calendar" and the group page as its
        coordinator sees it have no serious or critical violation."""
        group = f"/cooperative/groups/{self.valence.id}"
        for url in (f"{group}/events/new", f"{group}/calls/new", "/my/calendar", group):
            with self.subTest(url=url):
                self.assert_accessible(url, login="romain")
