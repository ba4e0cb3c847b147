from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import GovernanceCommon


class TestAssembly(GovernanceCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 12 members: quorum 25 % -> 3, extraordinary 33.33 % -> 4, second call 25 % -> 3.
        cls.members = cls._create_members(12, cls.college_a_cons, "Member")

    def _officer_assembly(self, **vals):
        """A draft assembly, in the hands of coop A's secretary of the assemblies."""
        return self._create_assembly(**vals).with_user(self.gov_officer_a)

    def _convened(self, **vals):
        assembly = self._officer_assembly(**vals)
        assembly.action_convene()
        return assembly

    def test_census_frozen_with_college_at_cutoff(self):
        """Convening lists the members at the cutoff, in their college of that day."""
        candidate = self._create_member("Candidate", admit=False)
        resigned = self._create_member("Leaver")
        resigning = self._create_member("Resigning")
        with superuser_setup("arrange: one member gone, one leaving, before the convocation"):
            resigned.action_request_exit()
            resigned.action_confirm_exit()
            resigning.action_request_exit()
        member_b = self._create_member("Member B", company=self.company_b)
        assembly = self._convened()
        census = assembly.voter_ids.member_id
        self.assertIn(resigning, census, "a resigning member is a member until the exit")
        self.assertNotIn(candidate, census)
        self.assertNotIn(resigned, census)
        self.assertNotIn(member_b, census)
        self.assertEqual(len(census), 13)
        self.assertEqual(assembly.state, "convened")
        self.assertEqual(assembly.resolution_ids.mapped("state"), ["proposed"])
        voter = self._voter(assembly, self.members[0])
        self.assertEqual(voter.college_id, self.college_a_cons)
        self.assertEqual(voter.member_number, self.members[0].member_number)
        # A college change after the cutoff does not move the voter.
        self.members[0].college_id = self.colleges_a[1]
        self.assertEqual(voter.college_id, self.college_a_cons)

    def test_census_counts_shares_held_at_cutoff(self):
        """Only members holding a share at the census cutoff are convened."""
        cutoff = fields.Date.today() - timedelta(days=10)
        admitted = cutoff - timedelta(days=30)
        early = self._create_member("Early", admission_date=admitted, shares=0)
        self._subscribe(early, 1, date=cutoff - timedelta(days=20))
        late = self._create_member("Late", admission_date=admitted, shares=0)
        self._subscribe(late, 1, date=cutoff + timedelta(days=2))
        assembly = self._officer_assembly(census_date=cutoff)
        assembly.action_convene()
        census = assembly.voter_ids.member_id
        self.assertIn(early, census)
        self.assertNotIn(late, census, "shares subscribed after the cutoff do not count")
        self.assertNotIn(self.members[0], census, "admitted after the cutoff")

    def test_national_assembly_counts_every_coop(self):
        """The federation's secretary convenes every cooperative's members, weighted by code."""
        gov_officer_fed = self._create_user(
            "gov_officer_fed",
            "coop_governance.group_governance_officer",
            self.federation,
            extra_companies=self.company_a | self.company_b,
        )
        self._create_member("Member B", company=self.company_b)
        for college, weight in zip(
            self._create_colleges(self.federation), (40, 20, 15, 15, 10), strict=True
        ):
            self.assertEqual(college.vote_weight, weight)
        self.federation.coop_vote_by_college = True
        producer_b = self._create_member(
            "Producer B", company=self.company_b, college=self.colleges_b[1]
        )
        assembly = self._create_assembly(company=self.federation, national=True).with_user(
            gov_officer_fed
        )
        assembly.action_convene()
        self.assertEqual(assembly.voter_count, 14)
        self.assertEqual(assembly.voter_ids.company_id, self.company_a | self.company_b)
        # Members' colleges match the federation's by code: consumers of A (40 %) say
        # yes, the producer of B (20 %) says no: 40 / (40 + 20) = 66.67 % yes.
        assembly.action_open()
        assembly.voter_ids.action_check_in()
        resolution = assembly.resolution_ids
        resolution.action_start_vote()
        resolution.cast_vote(self._voter(assembly, self.members[0]), "yes", "in_room")
        resolution.cast_vote(self._voter(assembly, producer_b), "no", "in_room")
        results = resolution.get_results()
        self.assertAlmostEqual(results["yes_share"], 100.0 * 40 / 60)
        self.assertTrue(results["adopted"])
        # Coop B's officer sees the national assembly but only coop B's voters.
        as_b = assembly.with_user(self.gov_officer_b)
        self.assertEqual(as_b.name, "AG")
        voters_b = (
            self.env["coop.assembly.voter"]
            .with_user(self.gov_officer_b)
            .search([("assembly_id", "=", assembly.id)])
        )
        self.assertEqual(voters_b.company_id, self.company_b)

    def test_convocation_delay(self):
        """An assembly too close is refused, and convened once the delay allows it."""
        assembly = self._officer_assembly(date=fields.Datetime.now() + timedelta(days=10))
        with self.assertRaisesRegex(UserError, "at least 15 days ahead"):
            assembly.action_convene()
        self.assertFalse(assembly.voter_ids, "nothing is stored on failure")
        self.company_a.coop_convocation_delay = 8
        assembly.action_convene()
        self.assertEqual(assembly.state, "convened")

    def test_convening_checks_colleges(self):
        """Colleges whose weights do not add up to 100 % stop the convocation."""
        self.colleges_a[4].active = False  # weights now add up to 90 %
        assembly = self._officer_assembly()
        with self.assertRaisesRegex(ValidationError, "add up to"):
            assembly.action_convene()

    def test_quorum_first_then_second_convocation(self):
        """Quorum failed: the secretary closes without votes and convenes a second one."""
        assembly = self._convened()
        assembly.action_open()
        self.assertEqual(assembly.quorum_percent, 25.0)
        self.assertEqual(assembly.quorum_required, 3)
        voters = assembly.voter_ids
        voters[:2].action_check_in()
        self.assertFalse(assembly.quorum_reached)
        with self.assertRaisesRegex(UserError, "quorum is not reached"):
            assembly.resolution_ids.action_start_vote()
        action = assembly.action_second_convocation()
        second = assembly.browse(action["res_id"])
        self.assertTrue(assembly.quorum_failed)
        self.assertEqual(assembly.state, "closed")
        self.assertEqual(second.convocation, 2)
        self.assertEqual(second.first_assembly_id, assembly)
        self.assertEqual(second.resolution_ids.mapped("name"), ["Resolution 1"])
        second.action_convene()
        second.action_open()
        # Ordinary assembly on second convocation: no quorum.
        self.assertEqual(second.quorum_required, 0)
        self.assertTrue(second.quorum_reached)
        second.resolution_ids.action_start_vote()

    def test_quorum_extraordinary(self):
        """An extraordinary assembly needs a third of the census; remote members count."""
        assembly = self._convened(assembly_type="extraordinary")
        assembly.action_open()
        self.assertEqual(assembly.quorum_required, 4)  # ceil(12 x 33.33 %)
        voters = assembly.voter_ids
        voters[:3].action_check_in()
        self.assertFalse(assembly.quorum_reached)
        voters[3].action_check_in("remote")
        self.assertTrue(assembly.quorum_reached)
        self.assertEqual((assembly.present_count, assembly.remote_count), (3, 1))
        second = self._convened(assembly_type="extraordinary").sudo()
        second.convocation = 2  # arranged: as if it followed a failed first call
        self.assertEqual(second.quorum_required, 3)  # ceil(12 x 25 %)

    def test_proxy_caps_and_chains(self):
        """Proxies go to attending members, within the statutes' cap, never in chains."""
        assembly = self._convened()
        v = assembly.voter_ids
        holder, other = v[0], v[1]
        # Before the assembly opens, a proxy may go to a member who will attend...
        v[9].action_give_proxy(v[8])
        self.assertEqual((v[9].attendance, v[8].proxy_count), ("represented", 1))
        v[9].action_cancel_proxy()
        # ... once it is open, only to a member present or attending remotely.
        assembly.action_open()
        with self.assertRaisesRegex(ValidationError, "only a member present"):
            v[2].action_give_proxy(holder)
        holder.action_check_in()
        other.action_check_in()
        v[2].action_give_proxy(holder)
        v[3].action_give_proxy(holder)
        self.assertEqual(holder.proxy_count, 2)
        self.assertEqual(v[2].attendance, "represented")
        with self.assertRaisesRegex(ValidationError, "maximum set by the statutes"):
            v[4].action_give_proxy(holder)
        self.assertEqual(holder.proxy_count, 2)
        # No chains: a represented member holds no proxy, a holder is not represented.
        with self.assertRaisesRegex(ValidationError, "only a member present"):
            v[5].action_give_proxy(v[2])
        with self.assertRaises(UserError):
            holder.action_give_proxy(other)
        self.assertEqual(assembly.represented_count, 2)
        self.assertEqual(assembly.attending_count, 4)
        v[2].action_cancel_proxy()
        self.assertEqual(holder.proxy_count, 1)
        self.company_a.coop_proxy_max = 0
        v[4:8].action_give_proxy(holder)
        self.assertEqual(holder.proxy_count, 5)

    def test_checkin_wizard(self):
        """At the desk, the secretary finds a member by number and checks them in."""
        assembly = self._convened()
        voter = assembly.voter_ids[0]
        found = voter.name_search(voter.member_number, [("assembly_id", "=", assembly.id)])
        self.assertEqual(found[0][0], voter.id)
        wizard = (
            self.env["coop.assembly.checkin.wizard"]
            .with_user(self.gov_officer_a)
            .create({"assembly_id": assembly.id, "voter_id": voter.id})
        )
        action = wizard.action_checkin_next()
        self.assertEqual(voter.attendance, "present")
        self.assertIn(voter.partner_id.name, action["context"]["default_last_message"])

    def test_minutes_numbering(self):
        """Closing numbers the minutes in the register; signed minutes are frozen."""
        assembly = self._convened()
        assembly.action_open()
        assembly.voter_ids[:3].action_check_in()
        resolution = assembly.resolution_ids
        resolution.action_start_vote()
        resolution.cast_vote(assembly.voter_ids[0], "yes", "in_room")
        assembly.chair_id = self.members[0].partner_id
        assembly.secretary_id = self.members[1].partner_id
        assembly.action_close()
        self.assertTrue(assembly.minutes_number.startswith("PV-"))
        self.assertEqual(resolution.state, "adopted")
        self.assertEqual(assembly.audit_head, resolution.ballot_ids.hash)
        assembly.action_sign_chair()
        assembly.action_sign_secretary()
        with self.assertRaisesRegex(UserError, "Signed minutes"):
            assembly.minutes_notes = "<p>changed</p>"
        other = self._convened()
        other.action_open()
        other.action_close()
        self.assertNotEqual(other.minutes_number, assembly.minutes_number)
        pdf, _format = self.env["ir.actions.report"]._render_qweb_html(
            "coop_governance.action_report_minutes", assembly.ids
        )
        self.assertIn(assembly.minutes_number.encode(), pdf)

    def test_convocations_email_and_paper(self):
        """Members with an email get it; the others are listed for paper convocations."""
        self.members[0].partner_id.coop_contact_channel = "paper"
        self.members[1].partner_id.email = False
        for member in self.members[2:]:
            member.partner_id.email = f"{member.id}@example.org"
        assembly = self._convened()
        assembly.action_send_convocations()
        paper = assembly.voter_ids.filtered(lambda v: v.convocation_channel == "paper")
        self.assertEqual(paper.member_id, self.members[:2])
        mails = self.env["mail.mail"].search(
            [("model", "=", "coop.assembly.voter"), ("res_id", "in", assembly.voter_ids.ids)]
        )
        self.assertEqual(len(mails), 10)
        html, _format = self.env["ir.actions.report"]._render_qweb_html(
            "coop_governance.action_report_convocation", paper.ids
        )
        self.assertIn(b"Proxy form", html)
        self.assertIn(b"Postal ballot", html)

    def test_multi_company_security(self):
        """Each cooperative's secretary sees and convenes its own assemblies only."""
        assembly = self._create_assembly()
        Assembly = self.env["coop.assembly"]
        self.assertIn(assembly, Assembly.with_user(self.gov_officer_a).search([]))
        self.assertNotIn(assembly, Assembly.with_user(self.gov_officer_b).search([]))
        with self.assertRaises(AccessError):
            assembly.with_user(self.gov_officer_b).read(["name"])
        with self.assertRaises(AccessError):
            Assembly.with_user(self.reader_a).create(
                {"name": "X", "company_id": self.company_a.id, "date": self.in_a_month}
            )
        assembly.with_user(self.gov_officer_a).action_convene()
        self.assertEqual(assembly.state, "convened")
