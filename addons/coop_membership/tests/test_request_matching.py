"""One person, one membership (issue #20 §1): a request finds the person it comes from."""

from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import new_test_user
from odoo.tools import mute_logger

from .capital_common import CoopCapitalTestCommon
from .role_guard import superuser_setup


class TestRequestMatching(CoopCapitalTestCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Odoo books a branch's payments on the outstanding accounts of the chart's root
        # company: the accountant who cashes also works in the federation (as in the demo).
        cls.accountant_a.company_ids |= cls.federation
        cls.claire = cls._create_member("Claire Martin", email="claire.martin@example.org")

    def _request(self, **vals):
        """A draft typed by the officer from a paper form: a name and an email, no contact."""
        values = {
            "company_id": self.company_a.id,
            "partner_name": "Claire Martin",
            "email": "claire.martin@example.org",
            "college_id": self.college_a_cons.id,
            "share_class_id": self.class_a.id,
            "quantity": 2,
        }
        values.update(vals)
        return self.env["coop.subscription.request"].with_user(self.officer_a).create(values)

    def _pay(self, invoice):
        """The accountant records the payment on the capital call."""
        wizard = (
            self.env["account.payment.register"]
            .with_user(self.accountant_a)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"amount": invoice.amount_residual})
        )
        wizard._create_payments()

    def _members_named(self, name):
        return self.env["coop.member"].search(
            [("partner_id.name", "=", name), ("company_id", "=", self.company_a.id)]
        )

    def test_member_applying_again_subscribes_more_shares(self):
        """A member fills in the form again (email typed in capitals with spaces): the
        officer's request is their own, for more shares; no second member, number or vote."""
        number = self.claire.member_number
        contacts = self.env["res.partner"].search_count([])
        request = self._request(email="  Claire.MARTIN@example.org ")
        request.action_submit()
        self.assertEqual(request.partner_id, self.claire.partner_id)
        self.assertTrue(request.is_additional_subscription)
        request.action_validate()
        self.assertEqual(request.member_id, self.claire)
        self._pay(request.invoice_id)
        self.assertEqual(request.state, "paid")
        self.assertEqual(self._members_named("Claire Martin"), self.claire)
        self.assertEqual(self.claire.member_number, number)
        self.assertEqual(self.env["res.partner"].search_count([]), contacts)

    def test_empty_email_never_matches(self):
        """Two paper applicants without email are two people, never matched to each other."""
        self.env["res.partner"].create({"name": "Paul Sans Mail"})
        request = self._request(partner_name="Jean Sans Mail", email=False)
        request.action_submit()
        self.assertEqual(request.partner_id.name, "Jean Sans Mail")
        self.assertFalse(request.is_additional_subscription)

    def test_new_person_gets_a_new_contact(self):
        """Someone the cooperative does not know gets a contact of their own."""
        request = self._request(partner_name="Luc Neuf", email="luc.neuf@example.org")
        request.action_submit()
        self.assertEqual(request.partner_id.name, "Luc Neuf")
        self.assertNotEqual(request.partner_id, self.claire.partner_id)

    def test_shared_email_prefers_the_member(self):
        """A family shares one mailbox: the request goes to the one already a member."""
        self.env["res.partner"].create(
            {"name": "Marc Martin", "email": "claire.martin@example.org"}
        )
        request = self._request()
        request.action_submit()
        self.assertEqual(request.partner_id, self.claire.partner_id)

    def test_ambiguous_match_is_the_officer_s_choice(self):
        """Two contacts share the email and neither is a member: the officer is shown both,
        cannot accept before choosing, then chooses one; no contact is created silently."""
        email = "famille.durand@example.org"
        anne, marc = self.env["res.partner"].create(
            [{"name": "Anne Durand", "email": email}, {"name": "Marc Durand", "email": email}]
        )
        request = self._request(partner_name="Anne Durand", email=email.upper())
        self.assertEqual(request.matching_partner_ids, anne | marc)
        request.action_submit()
        self.assertEqual(request.state, "submitted")
        self.assertFalse(request.partner_id)
        self.assertEqual(self.env["res.partner"].search_count([("email", "=ilike", email)]), 2)
        with self.assertRaisesRegex(UserError, "Several contacts match"):
            request.action_validate()
        request.with_user(self.officer_a).partner_id = anne
        request.action_validate()
        self.assertEqual(request.member_id.partner_id, anne)

    def test_officer_creates_a_new_contact_when_none_is_the_person(self):
        """Neither Durand is the applicant (a third child): the officer makes a new contact."""
        email = "famille.durand@example.org"
        self.env["res.partner"].create(
            [{"name": "Anne Durand", "email": email}, {"name": "Marc Durand", "email": email}]
        )
        request = self._request(partner_name="Léa Durand", email=email)
        request.action_submit()
        request.action_create_partner()
        self.assertEqual(request.partner_id.name, "Léa Durand")
        self.assertEqual(request.partner_id.email, email)
        with self.assertRaisesRegex(UserError, "already has its person"):
            request.action_create_partner()

    def test_organisation_matches_by_siret(self):
        """An association already known by its SIREN applies with its SIRET and another
        mailbox: the request is the association's."""
        association = self.env["res.partner"].create(
            {"name": "Les Amis du Vélo", "is_company": True, "company_registry": "732829320"}
        )
        request = self._request(
            partner_name="Amis du Velo",
            email="contact@amisduvelo.example.org",
            is_organisation=True,
            siret="732 829 320 00074",
            representative_name="Hugo Roue",
            representative_email="hugo.roue@example.org",
        )
        request.action_submit()
        self.assertEqual(request.partner_id, association)

    def test_person_is_not_matched_to_an_organisation_sharing_the_mailbox(self):
        """The president of an association applies for herself with the association's
        address: she gets her own contact, the association stays the association."""
        association = self.env["res.partner"].create(
            {"name": "Les Amis du Vélo", "is_company": True, "email": "velo@example.org"}
        )
        request = self._request(partner_name="Inès Roue", email="velo@example.org")
        request.action_submit()
        self.assertNotEqual(request.partner_id, association)
        self.assertEqual(request.partner_id.name, "Inès Roue")

    def test_merging_two_members_of_one_cooperative_is_refused(self):
        """A contacts manager merges two contacts who are both members of Coop A: refused
        with the reason, both memberships and their register lines kept."""
        twin = self._create_member("Claire Martin (2)", email="claire.martin@example.org")
        self._subscribe(self.claire, 2)
        self._subscribe(twin, 3)
        # Odoo's merge reads website visitors: contacts are merged by an administrator.
        merger = new_test_user(
            self.env,
            login="merger_a",
            groups="base.group_user,base.group_partner_manager,base.group_system",
            company_id=self.company_a.id,
        )
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(merger)
            .create(
                {
                    "partner_ids": [(6, 0, (self.claire.partner_id | twin.partner_id).ids)],
                    "dst_partner_id": self.claire.partner_id.id,
                    "state": "selection",
                }
            )
        )
        with self.assertRaisesRegex(UserError, "each a member of Coop A"):
            wizard.action_merge()
        self.assertTrue(twin.exists())
        operations = self.env["coop.share.operation"].search(
            [("member_id", "in", (self.claire | twin).ids)]
        )
        self.assertEqual(sorted(operations.mapped("quantity")), [2, 3])

    def test_merging_a_duplicate_contact_keeps_the_register(self):
        """The duplicate contact of a member (not a member) is merged into the member's
        contact: the membership and its register lines are the kept contact's."""
        self._subscribe(self.claire, 2)
        duplicate = self.env["res.partner"].create(
            {"name": "C. Martin", "email": "claire.martin@example.org"}
        )
        # Odoo's merge reads website visitors: contacts are merged by an administrator.
        merger = new_test_user(
            self.env,
            login="merger_a",
            groups="base.group_user,base.group_partner_manager,base.group_system",
            company_id=self.company_a.id,
        )
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(merger)
            .create(
                {
                    "partner_ids": [(6, 0, (self.claire.partner_id | duplicate).ids)],
                    "dst_partner_id": duplicate.id,
                    "state": "selection",
                }
            )
        )
        wizard.action_merge()
        self.assertEqual(self.claire.partner_id, duplicate)
        operations = self.env["coop.share.operation"].search([("member_id", "=", self.claire.id)])
        self.assertEqual(operations.mapped("quantity"), [2])

    def test_database_refuses_a_second_membership_of_one_contact(self):
        """Whatever the code does, the database keeps one membership per person and
        cooperative."""
        with (
            superuser_setup("arrange: bypass the flows to reach the database constraint"),
            mute_logger("odoo.sql_db"),
            self.assertRaises(IntegrityError),
            self.cr.savepoint(),
        ):
            self.env["coop.member"].create(
                {
                    "partner_id": self.claire.partner_id.id,
                    "company_id": self.company_a.id,
                    "college_id": self.college_a_cons.id,
                }
            )
            self.env.flush_all()
