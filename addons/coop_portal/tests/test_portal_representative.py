from odoo.tests import tagged

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalRepresentative(CoopPortalCase):
    """The Commune de Die acts in the member space through its representative (Isabelle
    Morel in the demo): she sees its membership, votes and gives proxies for it."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.town = ref("coop_membership.member_commune_die")
        cls.isabelle = ref("coop_portal.user_isabelle_morel")
        # Another contact of the town hall, with a login of her own.
        cls.clerk = create_user(
            cls.env,
            "die_clerk",
            "base.group_portal",
            cls.town.company_id,
            name="Secrétaire de mairie",
            password="die_clerk",
            email="secretariat@die.example.org",
            parent_id=cls.town.partner_id.id,
        )

    def test_representative_sees_the_town_and_votes_for_it(self):
        """Isabelle logs in: she finds the town's membership and assembly, and her vote is
        the town's, recorded as cast by her."""
        self.assertEqual(self.town.representative_id, self.isabelle.partner_id)
        voter = self.voter(self.town)
        self.authenticate("isabelle", "isabelle")
        page = self.url_open(f"/my/cooperative/{self.town.id}")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Commune de Die (you are its representative)", page.text)
        self.assertIn(f"/my/assemblies/{voter.id}", self.url_open("/my/assemblies").text)
        resolutions = self.open_votes()
        motion = resolutions.filtered(lambda r: r.kind == "motion")[0]
        self.post_form(
            f"/my/assemblies/{voter.id}/vote",
            {f"choice_{motion.id}": "yes", "confirm": "1"},
            form_url=f"/my/assemblies/{voter.id}",
        )
        ballot = self.env["coop.ballot"].search(
            [("voter_id", "=", voter.id), ("resolution_id", "=", motion.id)]
        )
        self.assertTrue(ballot, "the town's vote is recorded")
        self.assertEqual(ballot.partner_id, self.town.partner_id)
        self.assertFalse(ballot.cast_by_id, "her own vote for the town, no proxy")
        self.assertEqual(ballot.create_uid, self.isabelle, "the ballot keeps who cast it")

    def test_other_contacts_of_the_town_cannot_act_for_it(self):
        """The town hall's clerk has a login but is no representative: nothing of the town
        is hers, and a former representative loses it too."""
        voter = self.voter(self.town)
        routes = [
            f"/my/cooperative/{self.town.id}",
            f"/my/assemblies/{voter.id}",
            f"/my/assemblies/{voter.id}/convocation",
            f"/my/assemblies/{voter.id}/proxy",
        ]
        self.authenticate("die_clerk", "die_clerk")
        for url in routes:
            with self.subTest(url=url):
                response = self.url_open(url)
                self.assertEqual(response.status_code, 404)
                self.assertNotIn("Isabelle", response.text)
        # The officer names the clerk instead: Isabelle no longer acts for the town.
        with superuser_setup("arrange: the officer changed the town's representative"):
            self.town.representative_id = self.clerk.partner_id
        self.authenticate("isabelle", "isabelle")
        for url in routes:
            with self.subTest(url=url):
                self.assertEqual(self.url_open(url).status_code, 404)
        self.authenticate("die_clerk", "die_clerk")
        self.assertEqual(self.url_open(routes[0]).status_code, 200)

    def test_proxy_to_the_town_is_found_by_its_representative(self):
        """Bernard looks for Isabelle to give his proxy: he finds the town she represents."""
        bernard = self.voter(self.member_bernard)
        with superuser_setup("arrange: Bernard gave no proxy yet"):
            self.voter(self.member_hugo).action_cancel_proxy()
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/assemblies/{bernard.id}/proxy?q=Isabelle").text
        self.assertIn("Commune de Die", page)
        self.assertIn("represented by Isabelle Morel", page)
