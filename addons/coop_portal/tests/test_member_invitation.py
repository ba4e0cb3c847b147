from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .test_member_accounts import MemberAccountCommon


@tagged("post_install", "-at_install")
class TestMemberInvitation(MemberAccountCommon):
    """Members who joined before the member space are invited by college, in batches."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.college = cls.college_a_cons
        # Admitted before the member space existed: no login, no welcome.
        Partner = cls.env["res.partner"]
        cls.people = Partner.create(
            [{"name": f"Ancien {i}", "email": f"ancien{i}@example.org"} for i in range(5)]
        )
        cls.paper = Partner.create({"name": "Marcel Papier"})
        cls.taken = Partner.create({"name": "Adresse Prise", "email": "prise@example.org"})
        cls.env["res.users"].create({"name": "Someone", "login": "prise@example.org"})
        cls.other_college = Partner.create({"name": "Autre Collège", "email": "autre@ex.org"})
        Member = cls.env["coop.member"]
        cls.members = Member.create(
            [
                {"partner_id": p.id, "company_id": cls.company_a.id, "college_id": cls.college.id}
                for p in cls.people | cls.paper | cls.taken
            ]
        )
        cls.member_other_college = Member.create(
            {
                "partner_id": cls.other_college.id,
                "company_id": cls.company_a.id,
                "college_id": cls.colleges_a[1].id,
            }
        )
        (cls.members | cls.member_other_college).with_context(coop_no_welcome=True).action_admit()
        # One of them already has an account and has used it.
        cls.active_user = cls.people[0]._coop_ensure_portal_users()
        cls.env["res.users.log"].with_user(cls.active_user).sudo().create({})

    def run_campaign(self, campaign):
        """The scheduled action sends the campaign, two members per batch."""
        with superuser_setup("the scheduled action runs as the cron's user"):
            while campaign.state == "running":
                self.env["coop.member.invitation"]._cron_process(batch_size=2)
        return campaign

    def college_campaign(self, user=None):
        campaign = (
            self.env["coop.member.invitation"]
            .with_user(user or self.officer_a)
            .create(
                {"company_id": self.company_a.id, "scope": "college", "college_id": self.college.id}
            )
        )
        campaign.action_start()
        return campaign

    def counters(self, campaign):
        return {
            name: campaign[f"{name}_count"]
            for name in ("invited", "reminded", "recent", "active", "no_email", "failed")
        }

    def test_college_campaign_counts_and_never_twice(self):
        """The officer invites the consumers' college: four new logins and emails queued,
        one already active, one on paper, one address taken; nobody from another college."""
        mails_before = self.env["mail.mail"].search_count([])
        campaign = self.college_campaign()
        self.assertEqual(campaign.state, "running")
        self.assertEqual(campaign.total_count, 7)
        self.run_campaign(campaign)
        self.assertEqual(campaign.state, "done")
        self.assertEqual(campaign.processed_count, 7)
        self.assertEqual(campaign.progress, 100.0)
        self.assertEqual(
            self.counters(campaign),
            {"invited": 4, "reminded": 0, "recent": 0, "active": 1, "no_email": 1, "failed": 1},
        )
        self.assertEqual(campaign.failed_member_ids.partner_id, self.taken)
        self.assertIn("prise@example.org", campaign.failure_log)
        mails = self.env["mail.mail"].search([], order="id desc", limit=4)
        self.assertEqual(self.env["mail.mail"].search_count([]) - mails_before, 4)
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        self.assertEqual(mails.recipient_ids, self.people[1:])
        self.assertTrue(all("/web/signup" in m.body_html for m in mails))
        for person in self.people:
            self.assertEqual(len(self.users_of(person)), 1, "one login per person")
        self.assertFalse(self.users_of(self.other_college), "another college is not invited")

        # Run again at once: nobody is reminded before the delay.
        again = self.college_campaign()
        self.run_campaign(again)
        self.assertEqual(
            self.counters(again),
            {"invited": 0, "reminded": 0, "recent": 4, "active": 1, "no_email": 1, "failed": 1},
        )
        # Two weeks later one more person has activated; the three others are reminded.
        self.signs_in(self.users_of(self.people[1]))
        with superuser_setup("arrange: the invitations were sent 15 days ago"):
            self.people.sudo().write(
                {"coop_invitation_date": fields.Datetime.now() - timedelta(days=15)}
            )
        mails_before = self.env["mail.mail"].search_count([])
        third = self.env["coop.member.invitation"].browse(
            again.with_user(self.officer_a).action_run_again()["res_id"]
        )
        self.run_campaign(third)
        self.assertEqual(
            self.counters(third),
            {"invited": 0, "reminded": 3, "recent": 0, "active": 2, "no_email": 1, "failed": 1},
        )
        reminders = self.env["mail.mail"].search([], order="id desc", limit=3)
        self.assertEqual(self.env["mail.mail"].search_count([]) - mails_before, 3)
        self.assertEqual(reminders.recipient_ids, self.people[2:])
        for person in self.people:
            self.assertEqual(len(self.users_of(person)), 1, "still one login per person")

    def test_manager_invites_selected_members(self):
        """The manager invites two selected members from the member list."""
        campaign = (
            self.env["coop.member.invitation"]
            .with_user(self.manager_a)
            .with_context(default_scope="members", default_member_ids=self.members[1:3].ids)
            .create({"company_id": self.company_a.id})
        )
        campaign.action_start()
        self.assertEqual(campaign.total_count, 2)
        self.run_campaign(campaign)
        self.assertEqual(self.counters(campaign)["invited"], 2)
        self.assertEqual(self.members[1:3].mapped("coop_account_state"), ["invited", "invited"])
        self.assertEqual(self.members[3].coop_account_state, "none")

    def test_other_cooperative_cannot_invite_nor_see(self):
        """The officer of Coop B can neither invite Coop A's members nor see Coop A's
        campaign."""
        Invitation = self.env["coop.member.invitation"].with_user(self.officer_b)
        with self.assertRaises(UserError):
            Invitation.create(
                {
                    "company_id": self.company_b.id,
                    "scope": "members",
                    "member_ids": [(6, 0, self.members.ids)],
                }
            )
        with self.assertRaises(UserError):
            Invitation.create(
                {"company_id": self.company_a.id, "scope": "college", "college_id": self.college.id}
            )
        campaign = self.college_campaign()
        self.assertFalse(Invitation.search([("id", "=", campaign.id)]))
        with self.assertRaises(AccessError):
            Invitation.browse(campaign.id).read(["name"])
        with self.assertRaises(AccessError):
            Invitation.browse(campaign.id).action_cancel()
        self.assertEqual(campaign.state, "running")

    def test_officer_cannot_move_a_campaign_nor_fake_its_result(self):
        """The officer of Coop A can neither send a campaign to Coop B's members nor
        write its counters."""
        campaign = (
            self.env["coop.member.invitation"]
            .with_user(self.officer_a)
            .create({"company_id": self.company_a.id, "scope": "company"})
        )
        with self.assertRaises(AccessError):
            campaign.write({"company_id": self.company_b.id})
        with self.assertRaisesRegex(UserError, "not edited"):
            campaign.write({"state": "running", "invited_count": 1000})
        campaign.action_start()
        with self.assertRaisesRegex(UserError, "started campaign"):
            campaign.write({"scope": "members", "member_ids": [(6, 0, self.members[:1].ids)]})
        self.assertEqual(campaign.company_id, self.company_a)
        self.assertEqual(campaign.invited_count, 0)

    def test_reader_cannot_invite(self):
        """A read-only registry user cannot start invitations."""
        with self.assertRaises(AccessError):
            self.college_campaign(user=self.reader_a)

    def test_campaign_needs_its_scope(self):
        """A college campaign without a college is refused with a clear message."""
        campaign = (
            self.env["coop.member.invitation"]
            .with_user(self.officer_a)
            .create({"company_id": self.company_a.id, "scope": "college"})
        )
        with self.assertRaisesRegex(UserError, "Choose the college"):
            campaign.action_start()
        self.assertEqual(campaign.state, "draft")
