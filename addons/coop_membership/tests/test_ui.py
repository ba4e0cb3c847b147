from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMemberUi(HttpCase):
    def test_officer_admits_a_member_in_the_backend(self):
        company = self.env.company
        company.coop_vote_by_college = False
        self.env["coop.college"].create(
            {"name": "Tour Consumers", "code": "TOURC", "company_id": company.id}
        )
        self.env["res.partner"].create({"name": "Tour Candidate", "email": "tc@example.org"})
        new_test_user(
            self.env,
            login="tour_officer",
            groups="base.group_user,coop_membership.group_coop_officer",
            company_id=company.id,
        )
        self.start_tour("/odoo", "coop_member_admission_tour", login="tour_officer")
        member = self.env["coop.member"].search([("partner_id.name", "=", "Tour Candidate")])
        self.assertEqual(member.state, "member")
        self.assertTrue(member.member_number)
        self.assertEqual(member.college_id.code, "TOURC")

    def test_accountant_reads_the_capital_variation(self):
        centre = self.env.ref("coop_membership.coop_company_centre")
        new_test_user(
            self.env,
            login="tour_accountant",
            groups="base.group_user,coop_membership.group_coop_accountant",
            company_id=centre.id,
            company_ids=[(6, 0, centre.ids)],
        )
        self.start_tour(
            "/odoo/action-coop_membership.coop_capital_variation_action",
            "coop_capital_variation_tour",
            login="tour_accountant",
        )

    def test_federation_officer_sees_every_cooperative_on_first_login(self):
        """The federation's officer opens the members: the regional members are listed."""
        federation = self.env.ref("coop_membership.coop_company_federation")
        regions = federation.child_ids
        self.assertGreaterEqual(len(regions), 2, "the demo federation has its cooperatives")
        new_test_user(
            self.env,
            login="tour_federation",
            groups="base.group_user,coop_membership.group_coop_officer",
            company_id=federation.id,
            company_ids=[(6, 0, (federation | regions).ids)],
        )
        self.start_tour(
            "/odoo/action-coop_membership.coop_member_action",
            "coop_federation_companies_tour",
            login="tour_federation",
        )
