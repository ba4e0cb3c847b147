from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.common import create_user
from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestGroupChannels(EngagementCommon):
    """The Discuss channels of local groups, colleges and the board follow the register."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Group = cls.env["coop.local.group"]
        cls.tours = Group.create({"name": "Tours", "company_id": cls.company_a.id})
        cls.tours_north = Group.create(
            {"name": "Tours Nord", "company_id": cls.company_a.id, "parent_id": cls.tours.id}
        )
        cls.alice = cls._create_member("Alice Channel")
        cls.bruno = cls._create_member("Bruno Channel")
        cls.zoe = cls._create_member("Zoé Channel", company=cls.company_b)
        cls.user_alice = create_user(
            cls.env,
            "alice_channel",
            "base.group_portal",
            cls.company_a,
            partner_id=cls.alice.partner_id.id,
        )
        cls.user_zoe = create_user(
            cls.env,
            "zoe_channel",
            "base.group_portal",
            cls.company_b,
            partner_id=cls.zoe.partner_id.id,
        )

    def channel(self, group=None, college=None, board=None):
        Channel = self.env["discuss.channel"]
        if group:
            return Channel.search([("coop_local_group_id", "=", group.id)])
        if college:
            return Channel.search([("coop_college_id", "=", college.id)])
        return Channel.search([("coop_board_company_id", "=", board.id)])

    def people(self, channel):
        channel.invalidate_recordset(["channel_member_ids"])
        return channel.channel_member_ids.partner_id

    def join(self, group, member):
        return group.with_user(self.officer_a).action_join(member.partner_id)

    def test_joining_a_group_opens_its_discussion(self):
        """Alice joins the Tours group: she is in its discussion and can open it."""
        channel = self.channel(group=self.tours)
        self.assertEqual(channel.channel_type, "channel")
        self.assertNotIn(self.alice.partner_id, self.people(channel))
        self.join(self.tours, self.alice)
        self.assertIn(self.alice.partner_id, self.people(channel))
        self.assertNotIn(self.bruno.partner_id, self.people(channel))
        self.assertEqual(
            self.env["discuss.channel"]
            .with_user(self.user_alice)
            .search([])
            .filtered("coop_local_group_id"),
            channel,
        )
        self.assertEqual(
            self.tours.with_user(self.user_alice)._coop_channel_for_current_user(), channel
        )

    def test_leaving_a_group_leaves_its_discussion(self):
        """Alice leaves the Tours group: she is out of its discussion at once."""
        membership = self.join(self.tours, self.alice)
        channel = self.channel(group=self.tours)
        self.assertIn(self.alice.partner_id, self.people(channel))
        membership.with_user(self.officer_a).unlink()
        self.assertNotIn(self.alice.partner_id, self.people(channel))
        self.assertFalse(self.tours.with_user(self.user_alice)._coop_channel_for_current_user())

    def test_subgroup_members_take_part_in_the_parent_discussion(self):
        """A member of Tours Nord is in the Tours discussion too, unless Tours says not."""
        self.join(self.tours_north, self.bruno)
        parent, child = self.channel(group=self.tours), self.channel(group=self.tours_north)
        self.assertIn(self.bruno.partner_id, self.people(child))
        self.assertIn(self.bruno.partner_id, self.people(parent))
        self.tours.with_user(self.officer_a).coop_channel_include_subgroups = False
        self.assertNotIn(self.bruno.partner_id, self.people(parent))
        self.assertIn(self.bruno.partner_id, self.people(child))

    def test_college_change_moves_the_member_between_college_discussions(self):
        """Alice moves from the consumers' college to the producers': her discussion too."""
        consumers = self.channel(college=self.college_a_cons)
        producers = self.channel(college=self.colleges_a[1])
        self.assertIn(self.alice.partner_id, self.people(consumers))
        self.assertNotIn(self.alice.partner_id, self.people(producers))
        self.alice.with_user(self.officer_a).college_id = self.colleges_a[1]
        self.assertNotIn(self.alice.partner_id, self.people(consumers))
        self.assertIn(self.alice.partner_id, self.people(producers))

    def test_exit_removes_the_member_from_every_discussion_of_the_cooperative(self):
        """Alice resigns: she leaves her group's and her college's discussions at once."""
        self.join(self.tours, self.alice)
        mine = self.env["discuss.channel"].search(
            [("channel_member_ids.partner_id", "=", self.alice.partner_id.id)]
        )
        self.assertEqual(
            mine, self.channel(group=self.tours) | self.channel(college=self.college_a_cons)
        )
        member = self.alice.with_user(self.officer_a)
        member.action_request_exit()
        self.assertIn(
            self.alice.partner_id,
            self.people(self.channel(college=self.college_a_cons)),
            "a resigning member is still a member until the exit is confirmed",
        )
        member.action_confirm_exit()
        for channel in mine:
            self.assertNotIn(self.alice.partner_id, self.people(channel))
        self.assertFalse(
            self.env["discuss.channel"].with_user(self.user_alice).search([("id", "in", mine.ids)])
        )
        self.assertIn(self.bruno.partner_id, self.people(self.channel(college=self.college_a_cons)))

    def test_member_of_another_cooperative_cannot_read_the_discussion(self):
        """Zoé, of cooperative B, gets the answer of a missing channel for A's college's."""
        channel = self.channel(college=self.college_a_cons)
        with superuser_setup("a message Alice wrote in her college's discussion"):
            message = channel.message_post(
                body="Bonjour le collège",
                author_id=self.alice.partner_id.id,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        Channel = self.env["discuss.channel"]
        missing_id = Channel.search([], order="id desc", limit=1).id + 1000
        as_zoe = Channel.with_user(self.user_zoe)
        self.assertFalse(as_zoe.search([("id", "=", channel.id)]))
        self.assertEqual(
            bool(as_zoe._get_thread_with_access(channel.id)),
            bool(as_zoe._get_thread_with_access(missing_id)),
        )
        self.assertFalse(as_zoe._get_thread_with_access(channel.id))
        self.assertFalse(
            self.env["mail.message"]
            .with_user(self.user_zoe)
            .search([("model", "=", "discuss.channel"), ("res_id", "=", channel.id)])
        )
        with self.assertRaises(AccessError):
            message.with_user(self.user_zoe).read(["body"])
        # Alice, in the college, reads it.
        self.assertTrue(Channel.with_user(self.user_alice)._get_thread_with_access(channel.id))
        self.assertEqual(
            message.with_user(self.user_alice).read(["body"])[0]["body"],
            "<p>Bonjour le collège</p>",
        )

    def test_nobody_joins_or_invites_into_a_discussion_by_hand(self):
        """Bruno cannot join the Tours discussion by himself, nor the officer invite him;
        who takes part is hidden from those outside."""
        self.join(self.tours, self.alice)
        channel = self.channel(group=self.tours)
        user_bruno = create_user(
            self.env,
            "bruno_channel",
            "base.group_portal",
            self.company_a,
            partner_id=self.bruno.partner_id.id,
        )
        Member = self.env["discuss.channel.member"]
        for user in (user_bruno, self.officer_a):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Member.with_user(user).create(
                    {"channel_id": channel.id, "partner_id": self.bruno.partner_id.id}
                )
        with self.assertRaises(AccessError):
            channel.with_user(self.user_alice).add_members(partner_ids=self.bruno.partner_id.ids)
        self.assertNotIn(self.bruno.partner_id, self.people(channel))
        self.assertFalse(Member.with_user(user_bruno).search([("channel_id", "=", channel.id)]))
        self.assertEqual(
            Member.with_user(self.user_alice).search([("channel_id", "=", channel.id)]).partner_id,
            self.alice.partner_id,
        )

    def test_board_discussion_holds_the_cooperatives_staff(self):
        """Officers and managers of A are in A's board discussion; B's and readers are not."""
        board = self.channel(board=self.company_a)
        people = self.people(board)
        self.assertIn(self.officer_a.partner_id, people)
        self.assertIn(self.manager_a.partner_id, people)
        self.assertNotIn(self.officer_b.partner_id, people)
        self.assertNotIn(self.reader_a.partner_id, people)
        self.assertNotIn(self.alice.partner_id, people)
        self.assertFalse(
            self.env["discuss.channel"].with_user(self.officer_b).search([("id", "=", board.id)])
        )

    def _admit_many(self, count, prefix):
        """``count`` candidates admitted by the officer, their channels not synced yet."""
        partners = self.env["res.partner"].create([{"name": f"{prefix} {i}"} for i in range(count)])
        candidates = self.env["coop.member"].create(
            [
                {
                    "partner_id": p.id,
                    "company_id": self.company_a.id,
                    "college_id": self.college_a_cons.id,
                }
                for p in partners
            ]
        )
        candidates.with_user(self.officer_a).with_context(coop_channel_defer=True).action_admit()
        return candidates

    def _sync_queries(self):
        Channel = self.env["discuss.channel"].with_user(self.officer_a)
        self.env.flush_all()
        before = self.env.cr.sql_log_count
        Channel._coop_sync_channels(self.company_a)
        self.env.flush_all()
        return self.env.cr.sql_log_count - before

    def test_sync_of_500_admissions_runs_in_sets(self):
        """Admitting 500 members fills their college's discussion with as many queries as 50."""
        channel = self.channel(college=self.college_a_cons)
        fifty = self._admit_many(50, "Fifty")
        queries_50 = self._sync_queries()
        self.assertLessEqual(fifty.partner_id, self.people(channel))
        five_hundred = self._admit_many(500, "FiveHundred")
        queries_500 = self._sync_queries()
        self.assertLessEqual(five_hundred.partner_id, self.people(channel))
        self.assertLessEqual(queries_500, queries_50 + 5, (queries_50, queries_500))
        # And out again in one go.
        five_hundred.with_user(self.officer_a).with_context(coop_channel_defer=True).action_exclude(
            reason="Test"
        )
        queries_exit = self._sync_queries()
        self.assertFalse(five_hundred.partner_id & self.people(channel))
        self.assertLessEqual(queries_exit, queries_50 + 10, (queries_50, queries_exit))

    def test_coordinators_moderate_their_groups_discussion_only(self):
        """Alice coordinates Tours: she moderates its discussion, not her college's;
        Bruno, a member, moderates nothing."""
        self.tours.with_user(self.officer_a).action_join(self.alice.partner_id, role="coordinator")
        self.join(self.tours_north, self.bruno)
        user_bruno = create_user(
            self.env,
            "bruno_channel",
            "base.group_portal",
            self.company_a,
            partner_id=self.bruno.partner_id.id,
        )
        tours = self.channel(group=self.tours)
        self.assertTrue(tours.with_user(self.user_alice)._coop_can_moderate())
        self.assertFalse(tours.with_user(user_bruno)._coop_can_moderate())
        college = self.channel(college=self.college_a_cons)
        self.assertFalse(college.with_user(self.user_alice)._coop_can_moderate())

    def test_new_officer_joins_the_board_discussion_and_leaves_it_with_the_role(self):
        """A new officer of A is in A's board discussion, a moderator once assigned to A;
        an archived officer is out."""
        officer = self._create_user(
            "officer_a2", "coop_membership.group_coop_officer", self.company_a
        )
        board = self.channel(board=self.company_a)
        self.assertIn(officer.partner_id, self.people(board))
        moderator = self._create_moderator("moderator_a2", self.company_b)
        self.assertNotIn(moderator.partner_id, self.people(board))
        # Roles are given by the administrator (access rights).
        admin = self._create_user(
            "admin_a", "base.group_erp_manager", self.company_a, self.company_a | self.company_b
        )
        moderator.with_user(admin).coop_moderated_company_ids |= self.company_a
        self.assertIn(moderator.partner_id, self.people(board))
        officer.with_user(admin).active = False
        self.assertNotIn(officer.partner_id, self.people(board))

    def test_board_discussion_is_named_in_the_cooperatives_language(self):
        """A French cooperative's board discussion is named in French, whoever syncs it."""
        with superuser_setup("arrange: cooperative A speaks French"):
            self.env["res.lang"]._activate_lang("fr_FR")
            self.company_a.partner_id.lang = "fr_FR"
        self.alice.with_user(self.officer_a).college_id = self.colleges_a[1]
        self.assertEqual(self.channel(board=self.company_a).name, "Conseil et équipe — Coop A")
