from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup
from odoo.addons.coop_portal.controllers import groups as groups_controller

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalGroups(CoopPortalCase):
    """Local group pages: public contact card; members join, volunteer, see each other."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.valence = ref("coop_engagement.coop_local_group_valence")
        cls.labeaume = ref("coop_engagement.coop_local_group_labeaume")
        cls.call = ref("coop_engagement.coop_action_call_labeaume_roof")
        if cls.call.state == "draft":
            cls.call.action_open()
        cls.nadia = ref("coop_membership.partner_nadia_chevalier")
        cls.nadia.coop_group_visible = True

    def test_public_list_and_page_show_no_member_data(self):
        listing = self.url_open("/cooperative/groups").text
        self.assertIn(f"/cooperative/groups/{self.valence.id}", listing)
        page = self.url_open(f"/cooperative/groups/{self.valence.id}").text
        self.assertIn("Log in", page)
        self.assertNotIn(self.nadia.name, page)
        self.assertNotIn(self.call.name.replace("'", "&#39;"), page)
        self.assertEqual(self.url_open("/cooperative/groups/999999").status_code, 404)

    def test_members_volunteer_and_see_who_opted_in(self):
        Volunteer = self.env["coop.action.call.volunteer"]
        partner = self.member_romain.partner_id
        self.authenticate("romain", "romain")
        url = f"/cooperative/groups/{self.valence.id}"
        page = self.url_open(url).text
        self.assertIn(self.nadia.name, page, "Nadia opted in")
        self.assertNotIn(self.member_bernard.partner_id.name, page.split("Members who show")[-1])
        self.assertIn(self.call.name.replace("'", "&#39;"), page, "sub-groups' calls too")
        response = self.post_form(f"{url}/volunteer", {"call_id": self.call.id}, form_url=url)
        self.assertIn("Thank you for volunteering", response.text)
        volunteer = Volunteer.search(
            [("action_call_id", "=", self.call.id), ("partner_id", "=", partner.id)]
        )
        self.assertEqual(volunteer.state, "volunteered")
        response = self.post_form(f"{url}/volunteer", {"call_id": self.call.id}, form_url=url)
        self.assertIn("already signed up", response.text)
        self.assertEqual(
            Volunteer.search_count(
                [("action_call_id", "=", self.call.id), ("partner_id", "=", partner.id)]
            ),
            1,
        )
        # Join the group from its page.
        self.post_form(
            "/my/engagement/group", {"group_id": self.valence.id, "back": "group"}, form_url=url
        )
        self.assertIn(partner, self.valence.membership_ids.partner_id)

    def test_a_large_group_lists_the_first_names_and_counts_the_others(self):
        """In a big group, Romain reads the first names and how many more show theirs."""
        bernard = self.member_bernard.partner_id
        with superuser_setup("Bernard shows his name to the group too"):
            bernard.coop_group_visible = True
        self.authenticate("romain", "romain")
        url = f"/cooperative/groups/{self.valence.id}"
        with patch.object(groups_controller, "VISIBLE_NAMES", 1):
            names = self.url_open(url).text.split("Members who show")[-1]
        # By name: Bernard Roux before Nadia Chevalier.
        self.assertIn(bernard.name, names)
        self.assertNotIn(self.nadia.name, names)
        self.assertRegex(names, r"Other members who show their name:</span>\s*1\s*<br")
        self.assertIn('href="/my/directory"', names)
        names = self.url_open(url).text.split("Members who show")[-1]
        self.assertIn(self.nadia.name, names)
        self.assertNotIn("Other members who show their name", names)

    def test_the_names_follow_each_persons_choice_and_name(self):
        """The names the page shows are kept on the memberships: they follow a new name,
        a withdrawn choice and an archived contact at once."""
        url = f"/cooperative/groups/{self.valence.id}"
        self.authenticate("romain", "romain")
        with superuser_setup("Nadia takes her married name"):
            self.nadia.name = "Nadia Chevalier-Morel"
        self.assertIn(
            "Nadia Chevalier-Morel", self.url_open(url).text.split("Members who show")[-1]
        )
        with superuser_setup("Nadia no longer shows her name"):
            self.nadia.coop_group_visible = False
        self.assertNotIn("Nadia Chevalier", self.url_open(url).text)
        hugo = self.member_hugo.partner_id
        with superuser_setup("Hugo joins Valence and shows his name"):
            self.valence.action_join(hugo)
            hugo.coop_group_visible = True
        self.assertIn(hugo.name, self.url_open(url).text.split("Members who show")[-1])
        with superuser_setup("Hugo's contact is archived"):
            hugo.active = False
        self.assertNotIn("Members who show their name", self.url_open(url).text)

    def test_only_the_groups_coordinators_see_their_buttons(self):
        """Romain coordinates Valence: its page offers him to create events, action calls,
        polls, stands and news. Bernard, a plain member of it, sees none of these."""
        with superuser_setup("Romain coordinates Valence, Bernard is a plain member"):
            self.valence.action_join(self.member_romain.partner_id, role="coordinator")
            self.valence.action_join(self.member_bernard.partner_id).role = "member"
            self.valence.coop_news_allowed = True
        url = f"/cooperative/groups/{self.valence.id}"
        buttons = [f'href="{url}/{path}/new"' for path in ("events", "calls", "polls", "stands")]
        buttons.append(f'href="{url}/news/new"')
        self.authenticate("romain", "romain")
        page = self.url_open(url).text
        self.assertIn("You are a member of this group.", page)
        for button in buttons:
            self.assertIn(button, page)
        self.authenticate("bernard", "bernard")
        page = self.url_open(url).text
        self.assertIn("You are a member of this group.", page)
        for button in buttons:
            self.assertNotIn(button, page)

    def test_other_cooperatives_members_cannot_volunteer(self):
        self.authenticate("claire", "claire")
        url = f"/cooperative/groups/{self.valence.id}"
        page = self.url_open(url).text
        self.assertNotIn(self.nadia.name, page)
        self.assertNotIn('name="call_id"', page)
        response = self.post_form(f"{url}/volunteer", {"call_id": self.call.id}, form_url=url)
        self.assertIn("action call of your cooperative", response.text)
        self.assertFalse(
            self.env["coop.action.call.volunteer"].search_count(
                [("action_call_id", "=", self.call.id),
                 ("partner_id", "=", self.member_claire.partner_id.id)]
            )
        )  # fmt: skip
        self.authenticate(None, None)
        response = self.url_open(
            f"{url}/volunteer",
            data={"call_id": self.call.id, "csrf_token": self.csrf(url)},
            allow_redirects=False,
        )
        self.assertIn(response.status_code, (302, 303))

    def test_group_message_unsubscribe_link_needs_no_login(self):
        mailing_list = self.valence._coop_mailing_list()
        bernard = self.member_bernard.partner_id
        subscription = self.env["mailing.subscription"].search(
            [("list_id", "=", mailing_list.id), ("contact_id.email", "=", bernard.email_normalized)]
        )
        self.assertTrue(subscription and not subscription.opt_out)
        mailing = self.env["mailing.mailing"].create(
            {
                "subject": "Réunion du groupe",
                "body_html": "<p>Rendez-vous jeudi.</p>",
                "mailing_model_id": self.env["ir.model"]._get_id("mailing.list"),
                "contact_list_ids": [(6, 0, mailing_list.ids)],
            }
        )
        contact = subscription.contact_id
        token = mailing._generate_mailing_recipient_token(contact.id, contact.email)
        self.authenticate(None, None)
        response = self.url_open(
            f"/mailing/{mailing.id}/unsubscribe_oneclick",
            data={"document_id": contact.id, "email": contact.email, "hash_token": token},
        )
        self.assertEqual(response.status_code, 200)
        self.assertTrue(subscription.opt_out, "unsubscribed without logging in")
        # A forged token changes nothing for another member.
        nadia_sub = self.env["mailing.subscription"].search(
            [
                ("list_id", "=", mailing_list.id),
                ("contact_id.email", "=", self.nadia.email_normalized),
            ]
        )
        self.url_open(
            f"/mailing/{mailing.id}/unsubscribe_oneclick",
            data={
                "document_id": nadia_sub.contact_id.id,
                "email": self.nadia.email,
                "hash_token": "x",
            },
        )
        self.assertFalse(nadia_sub.opt_out)
