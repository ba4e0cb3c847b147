from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestEngagementLevels(EngagementCommon):
    def test_level_0_candidate_and_former_member(self):
        """A candidate or a former member has no level, whatever they did."""
        candidate = self._create_member("Candidate", admit=False)
        self._activity(candidate, "board_candidacy")
        self._recompute()
        self.assertEqual(candidate.democratic_level, 0)
        self.assertEqual(candidate.militant_level, 0)

    def test_level_1_member_holding_shares(self):
        """A member who only holds shares is at level 1, not active."""
        member = self._create_member("Quiet member")
        self._recompute()
        self.assertEqual(member.democratic_level, 1)
        self.assertFalse(member.is_engaged_active)

    def test_level_2_reads(self):
        """A member who opened the newsletter is at level 2."""
        member = self._create_member("Reader")
        self._activity(member, "newsletter_opened")
        self._recompute()
        self.assertEqual(member.democratic_level, 2)

    def test_level_3_votes(self):
        """A member who voted is at level 3: active, not very active."""
        member = self._create_member("Voter")
        self._activity(member, "document_read")
        self._activity(member, "vote_cast")
        self._recompute()
        self.assertEqual(member.democratic_level, 3)
        self.assertTrue(member.is_engaged_active)
        self.assertFalse(member.is_very_active)

    def test_level_4_debates_is_very_active(self):
        """A member who co-signed a resolution is at level 4: very active."""
        member = self._create_member("Debater")
        self._activity(member, "resolution_cosigned")
        self._recompute()
        self.assertEqual(member.democratic_level, 4)
        self.assertTrue(member.is_very_active)

    def test_level_5_board_candidate(self):
        """A candidate to the board is at level 5."""
        member = self._create_member("Candidate to the board")
        self._activity(member, "board_candidacy")
        self._recompute()
        self.assertEqual(member.democratic_level, 5)

    def test_window_excludes_old_activities(self):
        """A vote older than the engagement window no longer counts."""
        member = self._create_member("Old voter")
        self.company_a.coop_engagement_window = 12
        self._activity(member, "vote_cast", days_ago=400)
        self._recompute()
        self.assertEqual(member.democratic_level, 1)
        self.company_a.coop_engagement_window = 24
        self._recompute()
        self.assertEqual(member.democratic_level, 3)

    def test_activities_count_in_their_company_only(self):
        """A vote in another cooperative does not raise the level here."""
        member_a = self._create_member("Member of A")
        self.Activity.create(
            {
                "partner_id": member_a.partner_id.id,
                "company_id": self.company_b.id,
                "activity_type": "vote_cast",
            }
        )
        self._recompute()
        self.assertEqual(member_a.democratic_level, 1)

    def test_militant_levels(self):
        """Attending an action makes a volunteer; organising or coordinating, an organiser."""
        volunteer = self._create_member("Volunteer")
        organiser = self._create_member("Organiser")
        coordinator = self._create_member("Coordinator")
        self._activity(volunteer, "event_attended")
        self._activity(organiser, "event_organised")
        group = self.env["coop.local.group"].create(
            {"name": "Group A", "company_id": self.company_a.id}
        )
        moderator = self._create_moderator("level_moderator_a", self.company_a)
        group.with_user(moderator).action_join(coordinator.partner_id, role="coordinator")
        self._recompute()
        self.assertEqual(volunteer.militant_level, 1)
        self.assertEqual(organiser.militant_level, 2)
        self.assertEqual(coordinator.militant_level, 2)
        self.assertTrue(volunteer.is_very_active)

    def test_event_feed(self):
        """Registering for an event and attending it are recorded once each."""
        member = self._create_member("Event goer")
        event = self.env["event.event"].create(
            {
                "name": "Solar evening",
                "company_id": self.company_a.id,
                "date_begin": "2026-01-10 18:00:00",
                "date_end": "2026-01-10 20:00:00",
            }
        )
        registration = self.env["event.registration"].create(
            {"event_id": event.id, "partner_id": member.partner_id.id}
        )
        types = self.Activity.search([("partner_id", "=", member.partner_id.id)]).mapped(
            "activity_type"
        )
        self.assertEqual(types, ["event_registered"])
        registration.action_set_done()
        registration.action_set_done()
        activities = self.Activity.search([("partner_id", "=", member.partner_id.id)])
        self.assertEqual(
            sorted(activities.mapped("activity_type")), ["event_attended", "event_registered"]
        )
        self.assertEqual(activities.member_id, member)

    def test_activities_are_immutable(self):
        """A recorded activity cannot be changed afterwards."""
        member = self._create_member("Fact")
        activity = self._activity(member, "vote_cast")
        with self.assertRaises(UserError):
            activity.write({"activity_type": "board_candidacy"})

    def test_partner_levels_and_search(self):
        """The contact card shows the level in the current cooperative and can be searched on."""
        member = self._create_member("Searchable")
        self._activity(member, "question_asked")
        self._recompute()
        partner = member.partner_id.with_company(self.company_a)
        self.assertEqual(partner.coop_democratic_level, 4)
        found = (
            self.env["res.partner"]
            .with_company(self.company_a)
            .search([("coop_democratic_level", ">=", 4), ("id", "=", partner.id)])
        )
        self.assertEqual(found, partner)

    def test_newly_very_active_alerts_moderators(self):
        """The moderator is asked once to thank a member who just became very active."""
        moderator = self._create_user(
            "moderator_alert", "coop_engagement.group_coop_moderator", self.company_a
        )
        moderator.coop_moderated_company_ids = self.company_a
        member = self._create_member("Rising star")
        self._recompute()  # first computation: no alert
        self._activity(member, "action_volunteered")
        self.env["coop.member"]._cron_coop_engagement()
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "coop.member"), ("res_id", "=", member.id)]
        )
        self.assertEqual(activity.user_id, moderator)
        # Running again does not alert twice.
        self.env["coop.member"]._cron_coop_engagement()
        self.assertEqual(
            self.env["mail.activity"].search_count(
                [("res_model", "=", "coop.member"), ("res_id", "=", member.id)]
            ),
            1,
        )

    def test_query_count_does_not_depend_on_members(self):
        """Recomputing the levels costs the same queries for 1 or 21 members."""
        self._create_member("One")
        self.env.flush_all()
        with self.assertQueryCount(__system__=2):
            self._recompute(self.company_a)
        for i in range(20):
            member = self._create_member(f"Many {i}")
            self._activity(member, "vote_cast")
        self.env.flush_all()
        with self.assertQueryCount(__system__=2):
            self._recompute(self.company_a)

    def test_recompute_button_for_officers_only(self):
        """Only registry officers may recompute the levels from a membership."""
        member = self._create_member("Button")
        self._activity(member, "vote_cast")
        with self.assertRaises(AccessError):
            member.with_user(self.reader_a).action_recompute_engagement()
        member.with_user(self.officer_a).action_recompute_engagement()
        self.assertEqual(member.democratic_level, 3)
