from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestGroupActionCalls(CoopPortalCase):
    """Romain coordinates the Valence group: he opens action calls for its members."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.valence = cls.env.ref("coop_engagement.coop_local_group_valence")
        cls.valence.action_join(cls.member_romain.partner_id, role="coordinator")
        cls.Call = cls.env["coop.action.call"]

    def test_coordinator_opens_a_call_from_the_group_page(self):
        """Romain opens a call; the group's members see it on the group page at once."""
        url = f"/cooperative/groups/{self.valence.id}/calls/new"
        self.authenticate("romain", "romain")
        self.assertIn(url, self.url_open(f"/cooperative/groups/{self.valence.id}").text)
        response = self.url_open(
            url,
            data={
                "csrf_token": self.csrf(url),
                "name": "Tenir le stand de la foire de Crest",
                "date_start": "2031-06-07T09:00",
                "place": "Place du marché, Crest",
                "volunteers_needed": "3",
                "description": "Deux heures chacun.",
            },
        )
        self.assertEqual(response.status_code, 200)
        call = self.Call.search([("name", "=", "Tenir le stand de la foire de Crest")])
        self.assertEqual(call.state, "open")
        self.assertEqual(call.local_group_id, self.valence)
        self.assertEqual(call.volunteers_needed, 3)
        self.assertEqual(call.organizer_id, self.member_romain.partner_id)
        self.authenticate("bernard", "bernard")
        self.assertIn(
            "Tenir le stand de la foire de Crest",
            self.url_open(f"/cooperative/groups/{self.valence.id}").text,
        )

    def test_bad_input_and_other_members_store_nothing(self):
        """Zero volunteers or a past date: a clear error; Claire is not a coordinator."""
        url = f"/cooperative/groups/{self.valence.id}/calls/new"
        before = self.Call.search_count([])
        self.authenticate("romain", "romain")
        for wrong, message in (
            ({"volunteers_needed": "0"}, "Ask for 1 to 200 volunteers"),
            ({"volunteers_needed": "deux"}, "whole number"),
            ({"date_start": "2001-01-01T10:00"}, "after now"),
            ({"name": "Stand\x07"}, "control characters"),
        ):
            data = dict({"name": "Stand", "volunteers_needed": "2"}, **wrong)
            response = self.url_open(url, data=dict(data, csrf_token=self.csrf(url)))
            with self.subTest(wrong=wrong):
                self.assertIn(message, response.text)
        self.assertEqual(self.Call.search_count([]), before)
        with self.assertRaises(AccessError):
            self.valence.with_user(self.user_claire)._coop_portal_create_action_call(
                {"name": "Stand", "volunteers_needed": 2}
            )
        self.authenticate("claire", "claire")
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(url).status_code, 404)
        self.assertEqual(self.Call.search_count([]), before)
