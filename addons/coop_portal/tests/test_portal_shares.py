from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase, create_portal_user


@tagged("post_install", "-at_install")
class TestPortalShares(CoopPortalCase):
    """My cooperative: what each member sees, downloads, subscribes and redeems."""

    def test_home_block_counts_the_members_own_data(self):
        self.authenticate("helene", "helene")
        page = self.url_open("/my").text
        self.assertIn('href="/my/cooperative"', page)
        self.assertIn('href="/my/assemblies"', page)
        self.assertIn('id="coop_home_title"', page)
        # The counters come only when asked for.
        counters = self.make_jsonrpc_request(
            "/my/counters", {"counters": ["coop_membership_count", "coop_share_count"]}
        )
        shares = self.member_helene_idf.share_count + self.member_helene_centre.share_count
        self.assertEqual(counters["coop_membership_count"], 2)
        self.assertEqual(counters["coop_share_count"], shares)
        self.assertNotIn("coop_assembly_count", counters)

    def test_my_shares_reads_the_register(self):
        self.authenticate("bernard", "bernard")
        page = self.url_open(f"/my/cooperative/{self.member_bernard.id}").text
        member = self.member_bernard
        self.assertIn(member.member_number, page)
        self.assertIn(member.college_id.name, page)
        operations = self.env["coop.share.operation"].search(
            ["|", ("member_id", "=", member.id), ("counterpart_member_id", "=", member.id),
             ("state", "=", "confirmed")]
        )  # fmt: skip
        for operation in operations:
            self.assertIn(operation.name, page)
        # The transfer to Hugo is on Bernard's side a loss of 2 shares.
        self.assertIn(">-2<", page.replace(" ", ""))
        self.assertIn(f'/my/cooperative/{member.id}/certificate"', page)

    def test_one_login_sees_each_cooperative_never_another(self):
        self.authenticate("helene", "helene")
        for member in (self.member_helene_idf, self.member_helene_centre):
            page = self.url_open(f"/my/cooperative/{member.id}").text
            self.assertIn(member.company_id.name, page)
            self.assertIn(f'href="/my/cooperative/{self.member_helene_idf.id}"', page)
            self.assertIn(f'href="/my/cooperative/{self.member_helene_centre.id}"', page)
        # Claire's membership is in Hélène's Centre cooperative: still not hers.
        response = self.url_open(f"/my/cooperative/{self.member_claire.id}")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(self.member_claire.partner_id.name, response.text)

    def test_routes_check_ownership(self):
        """Owner, member of the same cooperative, member of another one, anonymous."""
        claire = self.member_claire
        routes = [
            f"/my/cooperative/{claire.id}",
            f"/my/cooperative/{claire.id}/page/2",
            f"/my/cooperative/{claire.id}/certificate",
            f"/my/cooperative/{claire.id}/attestation/2024",
            f"/my/cooperative/{claire.id}/subscribe",
            f"/my/cooperative/{claire.id}/redeem",
        ]
        secret_bits = [claire.partner_id.name, claire.member_number, claire.partner_id.email]
        # Paul Mercier is in Claire's cooperative (Centre); Bernard in another one.
        paul = self.env.ref("coop_membership.partner_paul_mercier")
        create_portal_user(self.env, "paul", paul, claire.company_id)
        for login in ("paul", "bernard"):
            self.authenticate(login, login)
            for url in routes:
                with self.subTest(login=login, url=url):
                    response = self.url_open(url)
                    self.assertEqual(response.status_code, 404)
                    for bit in secret_bits:
                        self.assertNotIn(bit, response.text)
        self.authenticate(None, None)
        for url in [*routes, "/my/cooperative", "/my/cooperative/profile", "/my/assemblies"]:
            with self.subTest(login="anonymous", url=url):
                response = self.url_open(url, allow_redirects=False)
                self.assertIn(response.status_code, (302, 303))
                self.assertIn("/web/login", response.headers["Location"])
        self.authenticate("claire", "claire")
        for url in routes[:4]:
            with self.subTest(login="claire", url=url):
                self.assertEqual(self.url_open(url).status_code, 200)

    def test_certificate_and_attestation_downloads(self):
        self.authenticate("claire", "claire")
        page = self.url_open(f"/my/cooperative/{self.member_claire.id}").text
        self.assertIn(f"/my/cooperative/{self.member_claire.id}/attestation/2024", page)
        for url in (
            f"/my/cooperative/{self.member_claire.id}/certificate",
            f"/my/cooperative/{self.member_claire.id}/attestation/2024",
        ):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertEqual(response.headers["Content-Type"], "application/pdf")
            # Odoo renders reports as HTML in test mode: the member's own data is in it.
            self.assertIn(self.member_claire.member_number, response.text)
        # No attestation for a year without subscription.
        response = self.url_open(f"/my/cooperative/{self.member_claire.id}/attestation/2019")
        self.assertEqual(response.status_code, 404)

    def test_subscribe_more_shares_sends_the_call_for_payment(self):
        self.authenticate("claire", "claire")
        url = f"/my/cooperative/{self.member_claire.id}/subscribe"
        share_class = self.env.ref("coop_membership.share_class_centre")
        Request = self.env["coop.subscription.request"]
        before = Request.search_count([])
        response = self.post_form(url, {"share_class_id": share_class.id, "quantity": "2"})
        self.assertEqual(response.status_code, 200)
        request = Request.search([("partner_id", "=", self.member_claire.partner_id.id)], limit=1)
        self.assertEqual(Request.search_count([]), before + 1)
        self.assertEqual(request.origin, "portal")
        self.assertEqual(request.quantity, 2)
        self.assertEqual(request.state, "waiting_payment")
        self.assertEqual(request.invoice_id.state, "posted")
        self.assertEqual(request.invoice_id.amount_total, 2 * share_class.nominal_value)
        self.assertTrue(
            request.message_ids.filtered(lambda m: request.invoice_id.name in (m.body or "")
                                         or m.attachment_ids),
            "the call for payment is sent",
        )  # fmt: skip
        page = self.url_open(f"/my/cooperative/{self.member_claire.id}").text
        self.assertIn(request.name, page)
        # The shares come with the payment, not before.
        self.assertEqual(self.member_claire.share_count, 1)

    def test_subscribe_bad_input_stores_nothing(self):
        self.authenticate("claire", "claire")
        url = f"/my/cooperative/{self.member_claire.id}/subscribe"
        own_class = self.env.ref("coop_membership.share_class_centre")
        other_class = self.env.ref("coop_membership.share_class_ara")
        Request = self.env["coop.subscription.request"]
        before = Request.search_count([])
        cases = [
            ({"share_class_id": own_class.id, "quantity": "-3"}, "at least 1"),
            ({"share_class_id": own_class.id, "quantity": "0"}, "at least 1"),
            ({"share_class_id": own_class.id, "quantity": "deux"}, "whole number"),
            ({"share_class_id": own_class.id, "quantity": "1e9"}, "whole number"),
            ({"share_class_id": own_class.id, "quantity": "99999999"}, "contact your cooperative"),
            ({"share_class_id": other_class.id, "quantity": "1"}, "share classes offered"),
            ({"share_class_id": "1 OR 1=1", "quantity": "1"}, "share classes offered"),
        ]
        for data, message in cases:
            with self.subTest(data=data):
                response = self.post_form(url, data)
                self.assertEqual(response.status_code, 200)
                self.assertIn("This was not recorded", response.text)
                self.assertIn(message, response.text)
        self.assertEqual(Request.search_count([]), before)

    def test_post_without_csrf_token_is_refused(self):
        self.authenticate("claire", "claire")
        Request = self.env["coop.subscription.request"]
        before = Request.search_count([])
        response = self.url_open(
            f"/my/cooperative/{self.member_claire.id}/subscribe",
            data={"share_class_id": self.env.ref("coop_membership.share_class_centre").id,
                  "quantity": "1"},
        )  # fmt: skip
        self.assertEqual(response.status_code, 400)
        self.assertEqual(Request.search_count([]), before)

    def test_member_who_left_reads_but_cannot_act(self):
        yves = self.env.ref("coop_membership.member_yves_fontaine")
        self.assertEqual(yves.state, "resigned")
        create_portal_user(self.env, "yves", yves.partner_id, yves.company_id)
        self.authenticate("yves", "yves")
        page = self.url_open(f"/my/cooperative/{yves.id}").text
        self.assertIn("Your membership has ended", page)
        self.assertNotIn(f"/my/cooperative/{yves.id}/subscribe", page)
        Request = self.env["coop.subscription.request"]
        before = Request.search_count([])
        response = self.post_form(
            f"/my/cooperative/{yves.id}/subscribe",
            {"share_class_id": self.env.ref("coop_membership.share_class_centre").id,
             "quantity": "1"},
            form_url="/my/cooperative/profile",
        )  # fmt: skip
        self.assertIn("has ended", response.text)
        self.assertEqual(Request.search_count([]), before)

    def test_redemption_request_shows_rules_and_waits_for_the_board(self):
        self.authenticate("bernard", "bernard")
        url = f"/my/cooperative/{self.member_bernard.id}/redeem"
        page = self.url_open(url).text
        company = self.member_bernard.company_id
        self.assertIn("board", page)
        self.assertIn(f">{company.coop_refund_delay_months}<", page)
        share_class = self.env.ref("coop_membership.share_class_ara")
        Redemption = self.env["coop.redemption.request"]
        before = Redemption.search_count([])
        cases = [
            ({"share_class_id": share_class.id, "quantity": "2"}, "confirm that you read"),
            ({"share_class_id": share_class.id, "quantity": "11", "confirm": "1"}, "at most"),
            ({"share_class_id": share_class.id, "quantity": "10", "confirm": "1"}, "at least"),
            ({"share_class_id": share_class.id, "quantity": "-1", "confirm": "1"}, "at least 1"),
            (
                {"share_class_id": self.env.ref("coop_membership.share_class_centre").id,
                 "quantity": "1", "confirm": "1"},
                "share classes you hold",
            ),
        ]  # fmt: skip
        for data, message in cases:
            with self.subTest(data=data):
                response = self.post_form(url, data)
                self.assertIn("This was not recorded", response.text)
                self.assertIn(message, response.text)
        self.assertEqual(Redemption.search_count([]), before)
        self.post_form(url, {"share_class_id": share_class.id, "quantity": "2", "confirm": "1"})
        redemption = Redemption.search([("member_id", "=", self.member_bernard.id)], limit=1)
        self.assertEqual(
            (redemption.state, redemption.redemption_type, redemption.quantity),
            ("draft", "partial", 2),
        )
        # Two more would go below what is still free: 10 held, 2 pending.
        response = self.post_form(
            url, {"share_class_id": share_class.id, "quantity": "9", "confirm": "1"}
        )
        self.assertIn("already in a pending redemption", response.text)
        page = self.url_open(f"/my/cooperative/{self.member_bernard.id}").text
        self.assertIn(redemption.name, page)

    def test_personal_data_changes_are_tracked(self):
        self.authenticate("claire", "claire")
        partner = self.member_claire.partner_id
        url = "/my/cooperative/profile"
        data = {
            "email": partner.email,
            "phone": "02 47 00 00 00",
            "street": "12 rue Nationale",
            "zip": "37000",
            "city": "Tours",
            "country_id": str(partner.country_id.id),
            "coop_contact_channel": "paper",
            "coop_newsletter_optin": "1",
        }
        response = self.post_form(url, data)
        self.assertIn("Saved", response.text)
        self.assertEqual(partner.street, "12 rue Nationale")
        self.assertEqual(partner.coop_contact_channel, "paper")
        self.assertTrue(partner.coop_newsletter_optin)
        note = partner.message_ids.filtered(lambda m: "12 rue Nationale" in (m.body or ""))
        self.assertEqual(len(note), 1, "one note in the chatter, old and new values")
        self.assertIn("8 rue Colbert", note.body)
        self.assertEqual(note.author_id, partner)
        # Unticked box: the newsletter consent is withdrawn.
        data.pop("coop_newsletter_optin")
        self.post_form(url, data)
        self.assertFalse(partner.coop_newsletter_optin)
        bad = [
            ({"email": "not-an-email"}, "not a valid email"),
            ({"email": "", "coop_contact_channel": "email"}, "Give an email address"),
            ({"street": "", "coop_contact_channel": "paper"}, "full postal address"),
            ({"coop_contact_channel": "pigeon"}, "Choose how"),
            ({"country_id": "999999"}, "country"),
            ({"city": "Tours\x00\x07"}, "control characters"),
            ({"city": "x" * 300}, "too long"),
        ]
        for change, message in bad:
            with self.subTest(change=change):
                response = self.post_form(url, dict(data, **change))
                self.assertIn("This was not recorded", response.text)
                self.assertIn(message, response.text)
        self.assertEqual(partner.city, "Tours")
        self.assertEqual(partner.street, "12 rue Nationale")

    def test_contacts_of_an_organisation_never_see_each_other(self):
        """The organisation's representative acts for it, not for its other contacts."""
        ref = self.env.ref
        biocoop = ref("coop_membership.partner_biocoop_valence")
        biocoop_member = ref("coop_membership.member_biocoop_valence")
        Partner = self.env["res.partner"]
        buyer = Partner.create({"name": "Acheteuse Biocoop", "parent_id": biocoop.id})
        colleague = Partner.create({"name": "Collègue Biocoop", "parent_id": biocoop.id})
        colleague_member = self.env["coop.member"].create(
            {
                "partner_id": colleague.id,
                "company_id": biocoop_member.company_id.id,
                "college_id": ref("coop_membership.coop_college_ara_cons").id,
            }
        )
        create_portal_user(self.env, "biocoop_buyer", buyer, biocoop_member.company_id)
        with superuser_setup("arrange: the officer names the buyer Biocoop's representative"):
            biocoop_member.representative_id = buyer
        self.assertEqual(buyer._coop_portal_members(), biocoop_member)
        self.authenticate("biocoop_buyer", "biocoop_buyer")
        self.assertEqual(self.url_open(f"/my/cooperative/{biocoop_member.id}").status_code, 200)
        response = self.url_open(f"/my/cooperative/{colleague_member.id}")
        self.assertEqual(response.status_code, 404)
        self.assertNotIn(colleague.name, response.text)
