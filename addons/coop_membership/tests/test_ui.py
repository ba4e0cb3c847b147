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

    def test_administrator_sees_every_cooperative_on_first_login(self):
        """The administrator's first screen spans the federation and every cooperative."""
        admin = self.env.ref("base.user_admin")
        federation = self.env.ref("coop_membership.coop_company_federation")
        cooperatives = federation | federation.child_ids
        self.assertEqual(admin.company_id, federation)
        self.assertLessEqual(cooperatives, admin.company_ids)
        # Odoo's demo companies are no part of the story: not in the company switcher.
        for xmlid in ("base.main_company", "base.demo_company_fr"):
            company = self.env.ref(xmlid, raise_if_not_found=False)
            if company:
                self.assertNotIn(company, admin.company_ids)
        # The companies the back office opened on: the web client's company service keeps
        # them in the cids cookie (no company chosen yet on a first login).
        expected = "-".join(str(cid) for cid in sorted(cooperatives.ids))
        code = f"""
            const cids = decodeURIComponent(
                (document.cookie.match(/(?:^|; )cids=([^;]*)/) || [])[1] || ""
            );
            const ids = cids.split(/[-,]/).map(Number).sort((a, b) => a - b).join("-");
            if (ids === "{expected}") {{
                console.log("test successful");
            }} else {{
                console.error("the back office opened on companies " + cids + ", not {expected}");
            }}
        """
        self.browser_js("/odoo", code, "odoo.isReady === true", login="admin", timeout=120)
