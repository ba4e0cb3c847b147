from datetime import date

import psycopg2

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CoopTestCommon


@tagged("post_install", "-at_install")
class TestMember(CoopTestCommon):
    def test_admission_gives_next_number_and_opens_a_period(self):
        """The officer admits two people: consecutive numbers, an open membership period."""
        first = self._create_member("First", admit=False).with_user(self.officer_a)
        second = self._create_member("Second", admit=False).with_user(self.officer_a)
        first.action_admit()
        second.action_admit()
        self.assertEqual(first.state, "member")
        self.assertTrue(first.member_number)
        self.assertEqual(int(second.member_number), int(first.member_number) + 1)
        self.assertEqual(first.period_ids.member_number, first.member_number)
        self.assertFalse(first.period_ids.date_to)
        self.assertEqual(first.college_history_ids.college_id, self.college_a_cons)
        # Numbering is per cooperative.
        in_b = self._create_member("In B", company=self.company_b)
        self.assertEqual(in_b.member_number, first.member_number)

    def test_exit_then_readmission_gives_a_new_number_never_reused(self):
        """A member leaves and comes back: the officer's new admission gives a new number."""
        member = self._create_member("Returning", admission_date=date(2020, 3, 1))
        member = member.with_user(self.officer_a)
        old_number = member.member_number
        member.action_request_exit(request_date=date(2025, 1, 10), reason="Moving")
        self.assertEqual(member.state, "resigning")
        member.action_confirm_exit(exit_date=date(2025, 6, 30))
        self.assertEqual(member.state, "resigned")
        self.assertEqual(member.period_ids.date_to, date(2025, 6, 30))
        self.assertEqual(member.period_ids.exit_type, "resigned")

        member.action_admit()
        self.assertEqual(member.state, "member")
        self.assertNotEqual(member.member_number, old_number)
        self.assertEqual(
            set(member.period_ids.mapped("member_number")), {old_number, member.member_number}
        )
        newcomer = self._create_member("Newcomer")
        numbers = (
            self.env["coop.member.period"]
            .search([("company_id", "=", self.company_a.id)])
            .mapped("member_number")
        )
        self.assertEqual(len(numbers), len(set(numbers)), "a member number was handed out twice")
        self.assertNotIn(newcomer.member_number, (old_number, member.member_number))

    def test_member_number_cannot_be_edited(self):
        """The officer cannot type a member number, a status or move a member to another coop."""
        member = self._create_member("Fixed").with_user(self.officer_a)
        with self.assertRaisesRegex(UserError, "only through the admission and exit actions"):
            member.member_number = "999999"
        with self.assertRaisesRegex(UserError, "only through the admission and exit actions"):
            member.write({"state": "candidate"})
        with self.assertRaisesRegex(UserError, "cannot be changed"):
            member.company_id = self.company_b
        self.assertEqual(member.state, "member")
        self.assertEqual(member.company_id, self.company_a)
        with self.assertRaisesRegex(UserError, "starts as a candidate"):
            self.env["coop.member"].with_user(self.officer_a).create(
                {
                    "partner_id": self.env["res.partner"].create({"name": "Forged"}).id,
                    "company_id": self.company_a.id,
                    "college_id": self.college_a_cons.id,
                    "member_number": "000042",
                }
            )

    @mute_logger("odoo.sql_db")
    def test_duplicate_membership_is_refused(self):
        """The officer cannot register the same person twice in one cooperative."""
        member = self._create_member("Once")
        with self.assertRaises(psycopg2.IntegrityError), self.cr.savepoint():
            self.env["coop.member"].with_user(self.officer_a).create(
                {
                    "partner_id": member.partner_id.id,
                    "company_id": self.company_a.id,
                    "college_id": self.college_a_cons.id,
                }
            )
        self.assertEqual(
            self.env["coop.member"].search_count([("partner_id", "=", member.partner_id.id)]), 1
        )

    def test_one_person_in_two_cooperatives_is_one_partner(self):
        """Hélène joins a second cooperative: one contact, a membership in each."""
        member_a = self._create_member("Helene")
        officer_b = self._create_user(
            "officer_ab", "coop_membership.group_coop_officer", self.company_b, self.company_a
        )
        member_b = (
            self.env["coop.member"]
            .with_user(officer_b)
            .with_company(self.company_b)
            .create(
                {
                    "partner_id": member_a.partner_id.id,
                    "company_id": self.company_b.id,
                    "college_id": self.college_b_cons.id,
                }
            )
        )
        member_b.action_admit()
        partner = member_a.partner_id
        self.assertEqual(partner.coop_membership_count, 2)
        self.assertEqual(partner.with_company(self.company_b).coop_college_id, self.college_b_cons)
        Partner = self.env["res.partner"]
        self.assertIn(
            partner, Partner.with_company(self.company_a).search([("is_coop_member", "=", True)])
        )
        member_b.action_record_death()
        self.assertFalse(partner.with_company(self.company_b).is_coop_member)
        self.assertTrue(partner.with_company(self.company_a).is_coop_member)
        self.assertNotIn(
            partner, Partner.with_company(self.company_b).search([("is_coop_member", "=", True)])
        )
        self.assertIn(
            partner, Partner.with_company(self.company_b).search([("is_coop_member", "=", False)])
        )
        self.assertEqual(
            Partner.with_company(self.company_a).search(
                [("coop_member_number", "=", member_a.member_number), ("id", "=", partner.id)]
            ),
            partner,
        )

    def test_college_of_another_company_is_refused(self):
        """A member of coop A cannot be put in a college of coop B."""
        partner = self.env["res.partner"].create({"name": "Cross"})
        with self.assertRaises(UserError):
            self.env["coop.member"].with_user(self.officer_a).create(
                {
                    "partner_id": partner.id,
                    "company_id": self.company_a.id,
                    "college_id": self.college_b_cons.id,
                }
            )
        self.assertFalse(self.env["coop.member"].search([("partner_id", "=", partner.id)]))
        member = self._create_member("Moving college")
        with self.assertRaises(UserError):
            member.with_user(self.officer_a).college_id = self.college_b_cons
        self.assertEqual(member.college_id, self.college_a_cons)

    def test_deceased_cannot_be_admitted_or_exit(self):
        """After the officer records a death, no admission or exit can follow."""
        member = self._create_member("Late").with_user(self.officer_a)
        member.action_record_death(death_date=date.today(), note="Letter from the family")
        self.assertEqual(member.state, "deceased")
        number = member.member_number
        with self.assertRaisesRegex(UserError, "deceased"):
            member.action_admit()
        with self.assertRaisesRegex(UserError, "deceased"):
            member.action_request_exit()
        self.assertEqual(member.member_number, number)
        self.assertEqual(member.state, "deceased")

    def test_preconditions_of_each_action(self):
        """Each of the officer's actions refuses a member in the wrong state, clearly."""
        candidate = self._create_member("Cand", admit=False).with_user(self.officer_a)
        with self.assertRaisesRegex(UserError, "not possible"):
            candidate.action_request_exit()
        with self.assertRaisesRegex(UserError, "not possible"):
            candidate.action_confirm_exit()
        candidate.college_id = False
        with self.assertRaisesRegex(UserError, "Choose a college"):
            candidate.action_admit()
        self.assertFalse(candidate.member_number)
        member = self._create_member("Active").with_user(self.officer_a)
        with self.assertRaisesRegex(UserError, "not possible"):
            member.action_admit()
        with self.assertRaisesRegex(UserError, "reason"):
            member.action_exclude()
        self.assertEqual(member.state, "member")
        with self.assertRaisesRegex(UserError, "cannot precede"):
            member.action_exclude(exit_date=date(2000, 1, 1), reason="Board decision")
        self.assertEqual(member.state, "member")
        member.action_exclude(reason="Board decision of 2026-10-01")
        self.assertEqual(member.state, "excluded")
        self.assertEqual(member.exit_reason, "Board decision of 2026-10-01")

    def test_withdraw_exit_request(self):
        """A member who asked to leave changes her mind: the officer withdraws the request."""
        member = self._create_member("Hesitant").with_user(self.officer_a)
        member.action_request_exit()
        member.action_cancel_exit_request()
        self.assertEqual(member.state, "member")
        self.assertFalse(member.exit_request_date)

    def test_admitted_membership_cannot_be_deleted(self):
        """The officer cannot delete an admitted member, only a candidate."""
        member = self._create_member("Registered").with_user(self.officer_a)
        with self.assertRaisesRegex(UserError, "legal register"):
            member.unlink()
        candidate = self._create_member("Withdrawn candidacy", admit=False)
        candidate = candidate.with_user(self.officer_a)
        candidate.unlink()
        self.assertFalse(candidate.exists())

    def test_college_at_date_follows_history(self):
        """The college a member belonged to at a past date comes from the history."""
        member = self._create_member("Switcher", admission_date=date(2020, 3, 1))
        member.with_user(self.officer_a).college_id = self.colleges_a[1]
        Member = self.env["coop.member"]
        self.assertEqual(
            Member._college_at_date(member.ids, date(2021, 1, 1)),
            {member.id: self.college_a_cons.id},
        )
        self.assertEqual(len(member.college_history_ids), 2)
        self.assertEqual(
            Member._college_at_date(member.ids, date.today()), {member.id: self.colleges_a[1].id}
        )
        self.assertEqual(
            Member._college_at_date(member.ids, date(2999, 1, 1)),
            {member.id: self.colleges_a[1].id},
        )
        self.assertEqual(Member._college_at_date(member.ids, date(2000, 1, 1)), {})

    def test_exit_wizard(self):
        """The officer excludes a member through the exit dialog, which asks for the reason."""
        member = self._create_member("Wizard")
        wizard = (
            self.env["coop.member.exit.wizard"]
            .with_user(self.officer_a)
            .create({"member_id": member.id, "exit_type": "exclude", "date": date.today()})
        )
        with self.assertRaisesRegex(UserError, "reason"):
            wizard.action_apply()
        wizard.reason = "Unpaid shares"
        wizard.action_apply()
        self.assertEqual(member.state, "excluded")

    def test_contact_split(self):
        """Members are split between email and paper by their contact preferences."""
        Partner = self.env["res.partner"]
        by_mail = Partner.create({"name": "Mail", "email": "mail@example.org"})
        paper = Partner.create(
            {
                "name": "Paper",
                "email": "paper@example.org",
                "coop_contact_channel": "paper",
                "street": "1 rue",
                "zip": "37000",
                "city": "Tours",
            }
        )
        no_email = Partner.create(
            {"name": "No email", "street": "2 rue", "zip": "26000", "city": "Valence"}
        )
        nothing = Partner.create(
            {"name": "Nothing", "email": "n@example.org", "coop_contact_channel": "none"}
        )
        unreachable = Partner.create({"name": "Unreachable"})
        partners = by_mail | paper | no_email | nothing | unreachable
        solicitation = partners._coop_contact_split()
        self.assertEqual(solicitation["email"], by_mail)
        self.assertEqual(solicitation["paper"], paper | no_email)
        self.assertEqual(solicitation["skipped"], nothing | unreachable)
        legal = partners._coop_contact_split("legal")
        self.assertEqual(legal["email"], by_mail | nothing)
        self.assertEqual(legal["paper"], paper | no_email | unreachable)
        self.assertFalse(legal["skipped"])
