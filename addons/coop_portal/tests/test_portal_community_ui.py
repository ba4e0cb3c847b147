from odoo.tests import tagged

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalCommunityTours(CoopPortalCase):
    """The community pages in Chromium: an event, a document, an action call."""

    def test_claire_registers_for_the_inter_cooperative_evening(self):
        event = self.env.ref("coop_portal.event_federation_evening")
        self.start_tour(
            f"/event/{event.id}/register", "coop_portal_event_registration_tour", login="claire"
        )
        registration = self.env["event.registration"].search(
            [("event_id", "=", event.id), ("partner_id", "=", self.member_claire.partner_id.id)]
        )
        self.assertEqual(registration.state, "open")

    def test_bernard_finds_and_downloads_a_document(self):
        self.start_tour("/my/documents", "coop_portal_document_tour", login="bernard")
        self.assertTrue(
            self.env["coop.engagement.activity"].search_count(
                [
                    ("partner_id", "=", self.member_bernard.partner_id.id),
                    ("activity_type", "=", "document_read"),
                    ("res_id", "=", self.env.ref("coop_portal.coop_document_kit_valence").id),
                ]
            )
        )

    def test_romain_volunteers_for_an_action_call(self):
        call = self.env.ref("coop_engagement.coop_action_call_labeaume_roof")
        valence = self.env.ref("coop_engagement.coop_local_group_valence")
        self.start_tour(
            f"/cooperative/groups/{valence.id}", "coop_portal_volunteer_tour", login="romain"
        )
        volunteer = call.volunteer_ids.filtered(
            lambda v: v.partner_id == self.member_romain.partner_id
        )
        self.assertEqual(volunteer.state, "volunteered")

    def test_bernard_answers_on_a_resolution_thread(self):
        resolution = self.env.ref("coop_governance.coop_resolution_ara_members_fund")
        self.assembly.resolution_ids._coop_open_forum_threads()
        self.start_tour("/my/assemblies", "coop_portal_forum_resolution_tour", login="bernard")
        answers = resolution.coop_forum_post_id.child_ids
        self.assertIn("groupe local avant le vote", " ".join(answers.mapped("content")))
        self.assertIn(self.user_bernard, answers.create_uid)
