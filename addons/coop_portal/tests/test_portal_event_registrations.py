from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from odoo.addons.coop_membership.tests.common import create_user


@tagged("post_install", "-at_install")
class TestInterCooperativeRegistrations(TransactionCase):
    """Who reads the registrations of an inter-cooperative (federation) event."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.centre = ref("coop_membership.coop_company_centre")
        cls.ara = ref("coop_membership.coop_company_ara")
        cls.federation = ref("coop_membership.coop_company_federation")
        cls.evening = ref("coop_portal.event_federation_evening")
        cls.evening.organizer_id = cls.federation.partner_id
        Registration = cls.env["event.registration"]
        cls.bernard = Registration.create(
            {
                "event_id": cls.evening.id,
                "partner_id": ref("coop_membership.partner_bernard_roux").id,
            }
        )
        cls.claire = Registration.create(
            {
                "event_id": cls.evening.id,
                "partner_id": ref("coop_membership.member_claire_martin").partner_id.id,
            }
        )

        def moderator(login, company):
            return create_user(
                cls.env, login, "base.group_user,coop_engagement.group_coop_moderator", company
            )

        cls.moderator_centre = moderator("moderator_centre_evening", cls.centre)
        cls.moderator_federation = moderator("moderator_federation_evening", cls.federation)

    def test_a_region_reads_only_its_own_members_registrations(self):
        """Centre's moderator sees Claire's registration, not Bernard's (ARA): neither his
        name, email nor phone, and she may not change it."""
        Registration = self.env["event.registration"].with_user(self.moderator_centre)
        found = Registration.search([("event_id", "=", self.evening.id)])
        self.assertIn(self.claire, found)
        self.assertNotIn(self.bernard, found)
        with self.assertRaises(AccessError):
            Registration.browse(self.bernard.id).read(["name", "email", "phone"])
        self.assertFalse(Registration.browse(self.bernard.id).has_access("write"))

    def test_the_organising_federation_reads_the_whole_list(self):
        """The federation organises the evening: its staff read every registration."""
        Registration = self.env["event.registration"].with_user(self.moderator_federation)
        found = Registration.search([("event_id", "=", self.evening.id)])
        self.assertIn(self.claire, found)
        self.assertIn(self.bernard, found)
