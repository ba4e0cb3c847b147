from odoo.tests import tagged

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalGroupStand(CoopPortalCase):
    """/cooperative/groups/<group>/stands/new: a group's coordinator reports a stand from
    the member space; the moderator's dashboard counts its visitors."""

    def setUp(self):
        super().setUp()
        self.valence = self.env.ref("coop_engagement.coop_local_group_valence")
        self.url = f"/cooperative/groups/{self.valence.id}/stands/new"
        self.Stand = self.env["coop.stand.report"]
        self.before = self.Stand.search_count([("local_group_id", "=", self.valence.id)])

    def _stands(self):
        return self.Stand.search([("local_group_id", "=", self.valence.id)], order="id desc")

    def test_coordinator_reports_a_stand(self):
        """Bernard, coordinator of Valence, reports the stand of the market day."""
        self.authenticate("bernard", "bernard")
        self.assertIn(
            "Report a stand", self.url_open(f"/cooperative/groups/{self.valence.id}").text
        )
        response = self.post_form(
            self.url,
            {
                "place": "Marché de Crest",
                "visitor_count": "37",
                "contact_count": "9",
                "pledge_count": "1",
                "note": "Questions sur le solaire",
            },
        )
        self.assertIn("Your stand report is recorded", response.text)
        stand = self._stands()[:1]
        self.assertEqual(len(self._stands()), self.before + 1)
        self.assertEqual(
            (stand.place, stand.visitor_count, stand.contact_count, stand.pledge_count),
            ("Marché de Crest", 37, 9, 1),
        )
        self.assertEqual(stand.company_id, self.valence.company_id)
        self.assertEqual(stand.user_id, self.user_bernard)

    def test_bad_figures_are_refused_and_store_nothing(self):
        """More contacts than visitors, a word for a number, no place: a clear message."""
        self.authenticate("bernard", "bernard")
        for values, message in (
            ({"place": "Crest", "visitor_count": "5", "contact_count": "8"}, "more contacts"),
            ({"place": "Crest", "visitor_count": "beaucoup"}, "whole number of people"),
            ({"place": "", "visitor_count": "5"}, "where the stand was held"),
            ({"place": "Crest", "date": "hier"}, "date of the stand"),
        ):
            with self.subTest(values=values):
                response = self.post_form(self.url, values)
                self.assertEqual(response.status_code, 200)
                self.assertIn(message, response.text)
        self.assertEqual(len(self._stands()), self.before)

    def test_only_coordinators_reach_the_form(self):
        """Romain, a member who does not coordinate the group, gets 404 and stores nothing."""
        self.authenticate("romain", "romain")
        self.assertEqual(self.url_open(self.url).status_code, 404)
        self.assertNotIn(
            "Report a stand", self.url_open(f"/cooperative/groups/{self.valence.id}").text
        )
        self.assertEqual(len(self._stands()), self.before)
