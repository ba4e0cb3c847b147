import re
from urllib.parse import parse_qs, urlparse

from odoo.tests import tagged

from odoo.addons.coop_membership.tests.common import CoopTestCommon
from odoo.addons.coop_membership.tests.role_guard import superuser_setup


class MemberAccountCommon(CoopTestCommon):
    """Candidates with an address, admitted by the officer of their cooperative."""

    def candidate(self, name, email=None, company=None, partner=None, **partner_vals):
        company = company or self.company_a
        college = self.college_a_cons if company == self.company_a else self.college_b_cons
        with superuser_setup("arrange: a person applying to the cooperative"):
            partner = partner or self.env["res.partner"].create(
                {"name": name, "email": email, **partner_vals}
            )
            return self.env["coop.member"].create(
                {"partner_id": partner.id, "company_id": company.id, "college_id": college.id}
            )

    def officer_of(self, member):
        return self.officer_a if member.company_id == self.company_a else self.officer_b

    def admit(self, member):
        """The officer of the member's cooperative admits them from the back office."""
        member.with_user(self.officer_of(member)).action_admit()
        return member

    def users_of(self, partner):
        return (
            self.env["res.users"]
            .with_context(active_test=False)
            .search([("partner_id", "=", partner.id)])
        )

    def mails_of(self, member):
        return self.env["mail.mail"].search(
            [("model", "=", "coop.member"), ("res_id", "=", member.id)]
        )

    def signup_token(self, mail):
        link = re.search(r'href="([^"]*/web/signup\?[^"]*)"', mail.body_html)
        self.assertTrue(link, "the email carries the link to choose a password")
        url = link.group(1).replace("&amp;", "&")
        return parse_qs(urlparse(url).query)["token"][0]

    def signs_in(self, user):
        """The person signs in once (Odoo records it in res.users.log)."""
        with superuser_setup("arrange: the member signed in to the member space"):
            self.env["res.users.log"].with_user(user).sudo().create({})


@tagged("post_install", "-at_install")
class TestMemberAccounts(MemberAccountCommon):
    def test_admission_gives_one_account_and_a_queued_french_welcome(self):
        """Claire is admitted at the office: she gets one login and, in French, a welcome
        email waiting in the mail queue with her member number and her password link."""
        with superuser_setup("arrange: French installed with the module's translations"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.env["ir.module.module"]._load_module_terms(["coop_portal"], ["fr_FR"])
        member = self.candidate("Claire Martin", "Claire.Martin@Example.org", lang="fr_FR")
        self.admit(member)
        users = self.users_of(member.partner_id)
        self.assertEqual(len(users), 1)
        self.assertEqual(users.login, "claire.martin@example.org")
        self.assertTrue(users._is_portal(), "a member-space (portal) login, not a staff one")
        self.assertEqual(users.company_ids, self.company_a)
        mail = self.mails_of(member)
        self.assertEqual(len(mail), 1)
        self.assertEqual(mail.state, "outgoing", "queued, sent by the mail queue")
        self.assertEqual(mail.recipient_ids, member.partner_id)
        self.assertIn("Bienvenue", mail.subject)
        self.assertIn("Coop A", mail.subject)
        self.assertIn(member.member_number, mail.body_html)
        self.assertIn("numéro de sociétaire", mail.body_html)
        token = self.signup_token(mail)
        self.assertEqual(
            self.env["res.partner"]._get_partner_from_token(token),
            member.partner_id,
            "the link opens the signup of Claire's own account",
        )
        self.assertEqual(member.coop_account_state, "invited")

    def test_second_cooperative_same_person_one_account(self):
        """Hélène joins Coop A then Coop B: one login sees both, and B's welcome names B
        and asks for no new password once she has signed in."""
        member_a = self.admit(self.candidate("Hélène Dubois", "helene@example.org"))
        user = self.users_of(member_a.partner_id)
        self.signs_in(user)
        member_b = self.admit(
            self.candidate(None, company=self.company_b, partner=member_a.partner_id)
        )
        self.assertEqual(self.users_of(member_a.partner_id), user, "no second user")
        self.assertEqual(user.company_ids, self.company_a | self.company_b)
        mail_b = self.mails_of(member_b)
        self.assertEqual(len(mail_b), 1)
        self.assertIn("Coop B", mail_b.subject)
        self.assertIn(member_b.member_number, mail_b.body_html)
        self.assertNotIn("/web/signup", mail_b.body_html, "she keeps her password")
        self.assertIn("/web/login", mail_b.body_html)

    def test_address_already_a_login_makes_no_account(self):
        """An address that is already another account's login gives no second account:
        the officer reads why on the membership."""
        with superuser_setup("arrange: someone else's account uses the address"):
            other = self.env["res.users"].create(
                {"name": "Someone Else", "login": "shared@example.org"}
            )
        member = self.admit(self.candidate("Paul Durand", "Shared@example.org"))
        self.assertFalse(self.users_of(member.partner_id))
        self.assertFalse(self.mails_of(member))
        self.assertEqual(member.coop_account_state, "none")
        self.assertIn("already the login of another account", member.message_ids[:1].body or "")
        self.assertEqual(other.partner_id.user_ids, other)

    def test_member_without_email_gets_no_account(self):
        """Marcel has no email: admitted, he gets no login and no email (paper letter)."""
        member = self.admit(self.candidate("Marcel Bonnet"))
        self.assertEqual(member.state, "member")
        self.assertFalse(self.users_of(member.partner_id))
        self.assertFalse(self.mails_of(member))
        self.assertEqual(member.coop_account_state, "none")

    def test_resignation_and_exclusion_keep_the_login(self):
        """A member who resigns, and one who is excluded, still sign in to read their
        history."""
        leaving = self.admit(self.candidate("Jean Départ", "jean@example.org"))
        excluded = self.admit(self.candidate("Luc Exclu", "luc@example.org"))
        officer = self.officer_a
        leaving.with_user(officer).action_request_exit()
        leaving.with_user(officer).action_confirm_exit()
        excluded.with_user(officer).action_exclude(reason="Non-payment")
        for member in (leaving, excluded):
            user = self.users_of(member.partner_id)
            self.assertTrue(user.active, f"{member.partner_id.name} keeps the login")
            self.assertIn(member, member.partner_id._coop_portal_members())
            self.assertEqual(member.coop_account_state, "invited")

    def test_death_archives_the_login(self):
        """The officer records Odette's death: her login is archived, nobody signs in
        with it any more."""
        member = self.admit(self.candidate("Odette Lemoine", "odette@example.org"))
        user = self.users_of(member.partner_id)
        self.signs_in(user)
        self.assertEqual(member.coop_account_state, "active")
        member.with_user(self.officer_a).action_record_death(note="Décès")
        self.assertFalse(user.active)
        member.invalidate_recordset(["coop_account_state"])
        self.assertEqual(member.coop_account_state, "none")

    def test_staff_see_who_activated(self):
        """In the member list the officer filters who activated their member space, who
        has not yet, and who has no account."""
        active = self.admit(self.candidate("Anne Active", "anne@example.org"))
        invited = self.admit(self.candidate("Ines Invitee", "ines@example.org"))
        without = self.admit(self.candidate("Noé Sans"))
        self.signs_in(self.users_of(active.partner_id))
        Member = self.env["coop.member"].with_user(self.officer_a)
        mine = [("id", "in", (active | invited | without).ids)]
        for state, expected in (("active", active), ("invited", invited), ("none", without)):
            self.assertEqual(Member.search(mine + [("coop_account_state", "=", state)]), expected)
        self.assertEqual(
            Member.search(mine + [("coop_account_state", "!=", "none")]), active | invited
        )
        self.assertEqual(
            Member.browse((active | invited | without).ids).mapped("coop_account_state"),
            ["active", "invited", "none"],
        )

    def test_ensure_users_in_sets_never_twice(self):
        """Accounts made for a set of people: one per person, the second call makes
        none, a shared address is refused for both contacts."""
        with superuser_setup("arrange: contacts of the cooperative"):
            Partner = self.env["res.partner"]
            people = Partner.create(
                [{"name": f"P{i}", "email": f"p{i}@example.org"} for i in range(5)]
            )
            twins = Partner.create(
                [{"name": f"Twin {i}", "email": "twins@example.org"} for i in range(2)]
            )
        report = (people | twins)._coop_ensure_portal_users_report()
        self.assertEqual(len(report["created"]), 5)
        self.assertEqual(set(report["failed"]), set(twins.ids))
        again = (people | twins)._coop_ensure_portal_users_report()
        self.assertFalse(again["created"])
        self.assertEqual(again["users"], report["users"])
        self.assertEqual(len((people | twins)._coop_ensure_portal_users()), 5)
