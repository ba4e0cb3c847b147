from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestActionCall(EngagementCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.skill = cls.env["coop.skill"].create({"name": "Roofing test"})
        address = {"street": "1 place du Marché", "city": "Tours"}
        cls.roofer = cls._create_member(
            "Roofer",
            email="roofer@example.org",
            zip="37000",
            coop_skill_ids=[(6, 0, cls.skill.ids)],
            **address,
        )
        cls.roofer_paper = cls._create_member(
            "Roofer on paper",
            email="rp@example.org",
            zip="37100",
            coop_contact_channel="paper",
            coop_skill_ids=[(6, 0, cls.skill.ids)],
            **address,
        )
        cls.roofer_none = cls._create_member(
            "Roofer refusing",
            email="rn@example.org",
            zip="37100",
            coop_contact_channel="none",
            coop_skill_ids=[(6, 0, cls.skill.ids)],
            **address,
        )
        cls.roofer_far = cls._create_member(
            "Roofer far",
            email="rf@example.org",
            zip="75001",
            coop_skill_ids=[(6, 0, cls.skill.ids)],
            **address,
        )
        cls.no_skill = cls._create_member(
            "No skill", email="ns@example.org", zip="37000", **address
        )
        cls.roofer_b = cls._create_member(
            "Roofer B",
            company=cls.company_b,
            email="rb@example.org",
            zip="37000",
            coop_skill_ids=[(6, 0, cls.skill.ids)],
            **address,
        )
        cls.call = cls.env["coop.action.call"].create(
            {
                "name": "Roof",
                "company_id": cls.company_a.id,
                "skill_ids": [(6, 0, cls.skill.ids)],
                "zip_prefixes": "37",
                "volunteers_needed": 1,
                "organizer_id": cls.no_skill.partner_id.id,
            }
        )
        cls.moderator = cls._create_moderator("call_moderator_a", cls.company_a)

    def _as_moderator(self, record):
        return record.with_user(self.moderator)

    def test_audience_respects_skills_place_company_and_preferences(self):
        """The moderator invites the members with the skill, in the area, who accept it."""
        self.assertEqual(self.call.audience_count, 3)
        call = self._as_moderator(self.call)
        call.action_open()
        call.action_invite()
        self.assertEqual(
            self.call.volunteer_ids.partner_id,
            self.roofer.partner_id | self.roofer_paper.partner_id,
        )
        by_partner = {v.partner_id: v.channel for v in self.call.volunteer_ids}
        self.assertEqual(by_partner[self.roofer.partner_id], "email")
        self.assertEqual(by_partner[self.roofer_paper.partner_id], "paper")
        logs = self.env["coop.contact.log"].search(
            [("res_id", "=", self.call.id), ("res_model", "=", "coop.action.call")]
        )
        self.assertEqual(len(logs), 2)
        mails = self.env["mail.mail"].search([("model", "=", "coop.action.call.volunteer")])
        self.assertEqual(mails.recipient_ids, self.roofer.partner_id)

    def test_audience_respects_level_and_caps(self):
        """A member who reached the solicitation cap is not invited again."""
        self.company_a.coop_solicitation_cap = 1
        self.roofer.partner_id._coop_log_contacts({"email": self.roofer.partner_id}, "solicitation")
        call = self._as_moderator(self.call)
        call.action_open()
        call.action_invite()
        self.assertEqual(self.call.volunteer_ids.partner_id, self.roofer_paper.partner_id)
        self.call.min_democratic_level = 3
        self.assertEqual(self.call.audience_count, 0)

    def test_sign_up_confirmation_and_done(self):
        """The moderator records a sign-up, confirms it and closes the call as done."""
        call = self._as_moderator(self.call)
        call.action_open()
        call.action_invite()
        volunteer = call.volunteer_ids.filtered(lambda v: v.partner_id == self.roofer.partner_id)
        with self.assertRaises(UserError):
            volunteer.action_confirm()
        volunteer.action_volunteer()
        volunteer.action_confirm()
        self.assertEqual(self.call.state, "full")
        call.action_done()
        self.assertEqual(volunteer.state, "done")
        self._recompute(self.company_a)
        self.assertEqual(self.roofer.militant_level, 1)
        self.assertEqual(self.no_skill.militant_level, 2)

    def test_invite_requires_open_call(self):
        """Inviting before the call is open is refused with a clear message."""
        with self.assertRaisesRegex(UserError, "Open the action call"):
            self._as_moderator(self.call).action_invite()
