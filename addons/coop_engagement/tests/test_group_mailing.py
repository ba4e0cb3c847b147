from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestGroupMailing(EngagementCommon):
    """A moderator writes to the local groups she moderates, and to those only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        LocalGroup = cls.env["coop.local.group"]
        cls.group_a = LocalGroup.create({"name": "Valence", "company_id": cls.company_a.id})
        cls.group_b = LocalGroup.create({"name": "Tours", "company_id": cls.company_b.id})
        member = cls._create_member("Group Member", email="group.member@example.org")
        outsider = cls._create_member("Outsider", email="outsider@example.org")
        cls.group_a.action_join(member.partner_id)
        cls.outsider = outsider
        # Moderators only: no email marketing rights. Both may switch to either
        # cooperative, so that only the moderation rules keep them apart.
        both = cls.company_a | cls.company_b
        cls.moderator_a = cls._create_user(
            "mod_mail_a", "coop_engagement.group_coop_moderator", cls.company_a, both
        )
        cls.moderator_a.coop_moderated_company_ids = cls.company_a
        cls.moderator_b = cls._create_user(
            "mod_mail_b", "coop_engagement.group_coop_moderator", cls.company_b, both
        )
        cls.moderator_b.coop_moderated_company_ids = cls.company_b

    def _as(self, user, record):
        return record.with_user(user).with_context(
            allowed_company_ids=(user.company_id | user.company_ids).ids
        )

    def _write_to_group(self, user, group, subject="Next meeting"):
        """Press "Write to the Group", fill the form and send, as ``user``."""
        action = self._as(user, group).action_coop_group_mailing()
        Mailing = self._as(user, self.env["mailing.mailing"]).with_context(**action["context"])
        mailing = Mailing.create({"subject": subject, "body_html": "<p>See you on Monday</p>"})
        mailing.action_launch()
        return action, mailing

    def test_moderator_sees_the_write_button(self):
        """The moderator finds "Write to the Group" on her local group's form."""
        arch = self._as(self.moderator_a, self.env["coop.local.group"]).get_views(
            [(False, "form")]
        )["views"]["form"]["arch"]
        self.assertIn('name="action_coop_group_mailing"', arch)

    def test_moderator_writes_to_her_group(self):
        """The moderator writes to her group: the message is queued for the group's list."""
        self.assertFalse(self.moderator_a.has_group("mass_mailing.group_mass_mailing_user"))
        action, mailing = self._write_to_group(self.moderator_a, self.group_a)
        mailing_list = self.group_a.mailing_list_id
        self.assertEqual(mailing.contact_list_ids, mailing_list)
        self.assertEqual(mailing_list.coop_company_id, self.company_a)
        self.assertEqual(mailing.state, "in_queue")
        self.assertEqual(mailing.create_uid, self.moderator_a)
        # She gets the short form, not the whole email marketing editor.
        form = self.env.ref("coop_engagement.mailing_mailing_view_form_coop_group")
        self.assertEqual(action["views"], [(form.id, "form")])
        # Sent to the group's members only.
        recipients = self.env["mailing.contact"].browse(mailing.sudo()._get_recipients())
        self.assertEqual(recipients.mapped("email"), ["group.member@example.org"])

    def test_manager_writes_to_her_cooperatives_group(self):
        """A manager (not a moderator, no email marketing) writes to a local group of her
        cooperative: she does every job there; another cooperative's group stays out."""
        manager = self._create_user(
            "mgr_mail_a", "coop_membership.group_coop_manager", self.company_a
        )
        self.assertFalse(manager.has_group("coop_engagement.group_coop_moderator"))
        _action, mailing = self._write_to_group(manager, self.group_a)
        self.assertEqual(mailing.contact_list_ids, self.group_a.mailing_list_id)
        self.assertEqual(mailing.state, "in_queue")
        with self.assertRaises(AccessError):
            self._as(manager, self.group_b).action_coop_group_mailing()

    def test_moderator_reaches_only_her_groups_lists(self):
        """The moderator sees her group's list, not the cooperative's newsletter list."""
        self._write_to_group(self.moderator_a, self.group_a)
        with superuser_setup("arrange: the cooperative's newsletter list exists"):
            newsletter = self.company_a._coop_newsletter_list()
        lists = self._as(self.moderator_a, self.env["mailing.list"]).search([])
        self.assertEqual(lists, self.group_a.mailing_list_id)
        self.assertNotIn(newsletter, lists)

    def test_other_region_moderator_cannot_write(self):
        """A moderator of another region cannot write to the group: clear error, nothing stored."""
        with self.assertRaisesRegex(AccessError, "cannot write to the local group Valence"):
            self._as(self.moderator_b, self.group_a).action_coop_group_mailing()
        self.assertFalse(self.group_a.mailing_list_id, "no list created for her")
        # Nor by naming the list in a mailing of her own, once the list exists.
        self._write_to_group(self.moderator_a, self.group_a)
        count = self.env["mailing.mailing"].search_count([])
        with self.assertRaises(AccessError):
            self._as(self.moderator_b, self.env["mailing.mailing"]).create(
                {
                    "subject": "Intrusion",
                    "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                    "contact_list_ids": [(6, 0, self.group_a.mailing_list_id.ids)],
                }
            )
        self.assertEqual(self.env["mailing.mailing"].search_count([]), count)
        self.assertFalse(
            self._as(self.moderator_b, self.env["mailing.mailing"]).search(
                [("contact_list_ids", "in", self.group_a.mailing_list_id.ids)]
            )
        )

    def test_moderator_cannot_widen_the_recipients(self):
        """The moderator cannot turn her group message into a mailing to every contact."""
        _action, mailing = self._write_to_group(self.moderator_a, self.group_a)
        mine = self._as(self.moderator_a, mailing)
        mine.action_cancel()
        with self.assertRaises(AccessError):
            mine.write({"mailing_model_id": self.env["ir.model"]._get_id("res.partner")})
        # A rewritten domain still reaches the group's list only.
        mine.write({"mailing_domain": "[]"})
        recipients = self.env["mailing.contact"].browse(mailing.sudo()._get_recipients())
        self.assertEqual(recipients.mapped("email"), ["group.member@example.org"])

    def test_moderator_finds_the_messages_of_her_group(self):
        """The moderator finds the messages written to her group; another region's cannot."""
        self.assertFalse(self.group_a.coop_has_mailing_list)
        _action, mailing = self._write_to_group(self.moderator_a, self.group_a)
        self.assertTrue(self.group_a.coop_has_mailing_list)
        action = self._as(self.moderator_a, self.group_a).action_coop_view_group_mailings()
        found = self._as(self.moderator_a, self.env["mailing.mailing"]).search(action["domain"])
        self.assertEqual(found, mailing)
        with self.assertRaisesRegex(AccessError, "cannot write to the local group Valence"):
            self._as(self.moderator_b, self.group_a).action_coop_view_group_mailings()
