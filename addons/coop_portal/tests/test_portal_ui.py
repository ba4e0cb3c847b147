from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalTours(CoopPortalCase):
    """The personas in Chromium, through the pages and forms a member uses."""

    def test_claire_certificate_subscription_proxy(self):
        centre = self.member_claire.company_id
        assembly = self.env["coop.assembly"].create(
            {
                "name": "AG Centre-Val de Loire",
                "company_id": centre.id,
                "date": fields.Datetime.now() + timedelta(days=60),
                "resolution_ids": [(0, 0, {"name": "Approbation des comptes"})],
            }
        )
        with superuser_setup("arrange: a convened assembly of Claire's cooperative"):
            assembly.action_convene()
        self.start_tour("/my", "coop_portal_claire_tour", login="claire")
        request = self.env["coop.subscription.request"].search(
            [("partner_id", "=", self.member_claire.partner_id.id)], limit=1
        )
        self.assertEqual((request.quantity, request.state), (2, "waiting_payment"))
        paul = self.env.ref("coop_membership.member_paul_mercier")
        self.assertEqual(self.voter(self.member_claire, assembly).proxy_holder_id.member_id, paul)

    def test_bernard_votes_on_every_resolution(self):
        resolutions = self.open_votes()
        self.start_tour("/my/assemblies", "coop_portal_bernard_vote_tour", login="bernard")
        voter = self.voter(self.member_bernard)
        ballots = self.env["coop.ballot"].search([("voter_id", "=", voter.id)])
        self.assertEqual(ballots.resolution_id, resolutions)

    def test_helene_switches_cooperative(self):
        self.start_tour("/my/cooperative", "coop_portal_helene_switch_tour", login="helene")
