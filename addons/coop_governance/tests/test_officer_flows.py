from lxml import etree

from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, new_test_user

from .common import GovernanceCommon

MINUTES = "coop_governance.action_report_minutes"
CONVOCATIONS = "coop_governance.action_report_convocation"


class TestOfficerFlows(GovernanceCommon):
    """The secretary of the general assemblies (governance officer) runs an assembly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls._create_members(6, cls.college_a_cons, "Member")
        cls.producers = cls._create_members(2, cls.colleges_a[1], "Producer")
        cls.member_user = new_test_user(
            cls.env,
            login="member_portal",
            groups="base.group_portal",
            partner_id=cls.members[0].partner_id.id,
        )

    def _open_assembly(self, resolutions=2, **vals):
        """An assembly convened, opened and attended, run by the governance officer."""
        assembly = self._create_assembly(resolutions=resolutions, **vals).with_user(
            self.gov_officer_a
        )
        assembly.action_convene()
        assembly.action_open()
        assembly.voter_ids.action_check_in()
        return assembly

    def _vote(self, resolution, choices):
        resolution.action_start_vote()
        for voter, choice in zip(resolution.assembly_id.voter_ids, choices, strict=False):
            resolution.cast_vote(voter, choice, "in_room")

    # ------------------------------------------------------------------
    # Closing (issue 19, §2)
    # ------------------------------------------------------------------
    def test_officer_closes_vote_and_assembly(self):
        """The governance officer closes a vote, then the assembly: results, seals, minutes."""
        assembly = self._open_assembly()
        first, second = assembly.resolution_ids
        self._vote(first, ["yes"] * 5 + ["no"] * 3)
        first.action_close_vote()
        self.assertEqual(first.state, "adopted")
        self.assertEqual((first.yes_count, first.no_count), (5, 3))
        self.assertEqual(len(first.result_ids), 5, "one result line per college")
        self.assertTrue(first.result_seal)
        # The second vote is still open when the assembly closes: closing ends it.
        self._vote(second, ["no"] * 6)
        assembly.action_close()
        self.assertEqual(assembly.state, "closed")
        self.assertEqual(second.state, "rejected")
        self.assertTrue(second.result_ids and second.result_seal)
        self.assertTrue(assembly.minutes_number.startswith("PV-"))
        self.assertTrue(assembly.audit_head)
        self.assertTrue(assembly.verify_audit_chain()["ok"])
        self.assertEqual(first.write_uid, self.gov_officer_a, "the officer's act, not the system's")
        # The secretary records the signatures of the chair and the secretary of the meeting.
        assembly.write(
            {
                "chair_id": self.members[0].partner_id.id,
                "secretary_id": self.members[1].partner_id.id,
            }
        )
        assembly.action_sign_chair()
        assembly.action_sign_secretary()
        self.assertTrue(assembly.chair_signed_on and assembly.secretary_signed_on)

    def test_signatures_cannot_be_typed_in(self):
        """A signature date is set by signing, never typed in."""
        assembly = self._open_assembly(resolutions=1)
        with self.assertRaisesRegex(UserError, "only through its actions"):
            assembly.write({"chair_signed_on": "2026-01-01 10:00:00"})
        self.assertFalse(assembly.chair_signed_on)

    def test_officer_closes_an_election(self):
        """The governance officer closes an election: candidates are ranked and elected."""
        assembly = self._create_assembly(resolutions=0)
        election = self.env["coop.resolution"].create(
            {"assembly_id": assembly.id, "name": "Board", "kind": "election", "seats": 1}
        )
        alice, bob = self.env["coop.candidacy"].create(
            [
                {"resolution_id": election.id, "member_id": self.members[0].id},
                {"resolution_id": election.id, "member_id": self.members[1].id},
            ]
        )
        assembly = assembly.with_user(self.gov_officer_a)
        assembly.action_convene()
        assembly.action_open()
        assembly.voter_ids.action_check_in()
        election = election.with_user(self.gov_officer_a)
        election.action_start_vote()
        for voter in assembly.voter_ids:
            election.cast_vote(voter, [bob.id], "in_room")
        assembly.action_close()
        self.assertEqual(election.state, "adopted")
        self.assertTrue(bob.elected)
        self.assertFalse(alice.elected)
        self.assertEqual((bob.rank, bob.approval_count), (1, 8))

    def test_others_cannot_close(self):
        """A registry officer, a member or another cooperative's secretary cannot close."""
        assembly = self._open_assembly()
        resolution = assembly.resolution_ids[0]
        self._vote(resolution, ["yes"] * 8)
        for user in (self.officer_a, self.member_user, self.gov_officer_b, self.reader_a):
            with self.assertRaises(AccessError, msg=user.login):
                resolution.with_user(user).action_close_vote()
            with self.assertRaises(AccessError, msg=user.login):
                assembly.with_user(user).action_close()
        self.assertEqual(resolution.state, "voting", "nothing is stored")
        self.assertFalse(resolution.result_ids)
        self.assertFalse(resolution.result_seal)
        self.assertEqual(assembly.state, "open")
        self.assertFalse(assembly.minutes_number)
        with self.assertRaisesRegex(AccessError, "Governance Officer"):
            resolution.with_user(self.officer_a).action_close_vote()

    def test_results_cannot_be_written_by_hand(self):
        """Nobody, governance officer included, types in the results of a vote."""
        assembly = self._open_assembly(resolutions=1)
        resolution = assembly.resolution_ids
        Result = self.env["coop.resolution.result"]
        for user in (self.gov_officer_a, self.manager_a, self.officer_a):
            with self.assertRaises(AccessError, msg=user.login):
                Result.with_user(user).create({"resolution_id": resolution.id, "yes_count": 99})
        self.assertFalse(Result.search([("resolution_id", "=", resolution.id)]))

    # ------------------------------------------------------------------
    # Minutes (issue 19, §2 bis)
    # ------------------------------------------------------------------
    def test_minutes_of_an_open_assembly_are_a_draft_on_every_page(self):
        """Minutes printed while the assembly is open say "Draft minutes" on every page."""
        assembly = self._open_assembly(resolutions=1)
        assembly.write(
            {
                "minutes_notes": "".join(
                    f"<p>Debate {i}: the members discussed the solar roof at length.</p>"
                    for i in range(120)
                )
            }
        )
        action = assembly.action_print_minutes()
        self.assertEqual(action["report_name"], "coop_governance.report_minutes")
        pdf = self._render_pdf(MINUTES, assembly, self.gov_officer_a)
        self.assertTrue(pdf.startswith(b"%PDF"))
        pages = self._pdf_pages_text(pdf)
        self.assertGreater(len(pages), 2, "the test needs minutes of several pages")
        for number, text in enumerate(pages, start=1):
            self.assertIn("Draft minutes", text, f"page {number} is not marked as a draft")
        self.assertIn("Debate 119", pages[-1])

    def test_draft_minutes_in_french(self):
        """A French cooperative's draft minutes say "Projet de procès-verbal" on every page."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["coop_governance"], ["fr_FR"])
        self.company_a.partner_id.lang = "fr_FR"
        assembly = self._open_assembly(resolutions=1)
        assembly.write(
            {
                "minutes_notes": "".join(
                    f"<p>Débat {i} sur la toiture solaire.</p>" for i in range(120)
                )
            }
        )
        pages = self._pdf_pages_text(self._render_pdf(MINUTES, assembly, self.gov_officer_a))
        self.assertGreater(len(pages), 2)
        for number, text in enumerate(pages, start=1):
            self.assertIn("Projet de procès-verbal", text, f"page {number}")

    def test_minutes_of_a_closed_assembly_are_final(self):
        """Once the assembly is closed, the minutes carry their number and no draft mark."""
        assembly = self._open_assembly(resolutions=1)
        self._vote(assembly.resolution_ids, ["yes"] * 8)
        assembly.action_close()
        pdf = self._render_pdf(MINUTES, assembly, self.gov_officer_a)
        text = "".join(self._pdf_pages_text(pdf))
        self.assertIn(assembly.minutes_number, text)
        self.assertNotIn("Draft minutes", text)

    # ------------------------------------------------------------------
    # Paper convocations (issue 19, §3)
    # ------------------------------------------------------------------
    def test_paper_convocations_print_for_every_paper_member(self):
        """The officer prints letter, postal ballot and proxy form for each paper member."""
        self.members[0].partner_id.coop_contact_channel = "paper"
        self.members[1].partner_id.email = False
        for member in self.members[2:] | self.producers:
            member.partner_id.email = f"member{member.id}@example.org"
        assembly = self._create_assembly(resolutions=2).with_user(self.gov_officer_a)
        assembly.action_convene()
        assembly.action_send_convocations()
        action = assembly.action_print_paper_convocations()
        paper = assembly.voter_ids.browse(action["context"]["active_ids"])
        self.assertEqual(paper.member_id, self.members[:2])
        pdf = self._render_pdf(CONVOCATIONS, paper, self.gov_officer_a)
        self.assertTrue(pdf.startswith(b"%PDF"))
        pages = self._pdf_pages_text(pdf)
        self.assertEqual(len(pages), 6, "three pages per paper member")
        for index, member in enumerate(self.members[:2]):
            letter, ballot, proxy = pages[3 * index : 3 * index + 3]
            name = member.partner_id.name
            self.assertIn("Convocation to the general assembly", letter)
            self.assertIn(name, letter)
            self.assertIn("Postal ballot", ballot)
            self.assertIn(name, ballot)
            self.assertIn("Proxy form", proxy)
            self.assertIn(name, proxy)

    def test_paper_convocations_in_the_members_language(self):
        """A French member's paper convocation, ballot and proxy form are in French."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["coop_governance"], ["fr_FR"])
        self.members[0].partner_id.write({"coop_contact_channel": "paper", "lang": "fr_FR"})
        for member in self.members[1:] | self.producers:
            member.partner_id.email = f"member{member.id}@example.org"
        assembly = self._create_assembly(resolutions=1).with_user(self.gov_officer_a)
        assembly.action_convene()
        assembly.action_send_convocations()
        paper = assembly.voter_ids.filtered(lambda v: v.convocation_channel == "paper")
        self.assertEqual(paper.member_id, self.members[0])
        letter, ballot, proxy = self._pdf_pages_text(
            self._render_pdf(CONVOCATIONS, paper, self.gov_officer_a)
        )
        self.assertIn("Convocation à l'assemblée générale", letter)
        self.assertIn("Bulletin de vote par correspondance", ballot)
        self.assertIn("Formulaire de procuration", proxy)

    # ------------------------------------------------------------------
    # Back-office forms and dialogs (issue 19, §5)
    # ------------------------------------------------------------------
    def test_resolution_written_before_the_assembly_is_saved(self):
        """The officer types a resolution in a new assembly's form, then saves both."""
        form = Form(self.env["coop.assembly"].with_user(self.gov_officer_a))
        form.name = "AG 2027"
        form.date = self.in_a_month
        with form.resolution_ids.new() as line:
            line.name = "Approval of the accounts"
            line.text = "<p>The assembly approves the accounts.</p>"
        with form.resolution_ids.new() as line:
            line.name = "Board election"
            line.kind = "election"
            with line.candidacy_ids.new() as candidacy:
                candidacy.member_id = self.members[2]
        assembly = form.save()
        accounts, election = assembly.resolution_ids
        self.assertEqual(accounts.name, "Approval of the accounts")
        self.assertIn("approves the accounts", accounts.text)
        self.assertEqual(election.candidacy_ids.member_id, self.members[2])
        # The web client (stricter than Form) refused the line: the dialog's form asked for
        # the assembly, which does not exist yet. The line's form must not ask for it.
        arch = (
            self.env["coop.assembly"]
            .with_user(self.gov_officer_a)
            .get_views([(False, "form")])["views"]["form"]["arch"]
        )
        line_form = etree.fromstring(arch).xpath("//field[@name='resolution_ids']/form")
        self.assertTrue(line_form, "the resolutions of the assembly have their own form")
        self.assertFalse(line_form[0].xpath(".//field[@name='assembly_id']"))

    def test_desk_dialogs_have_a_title(self):
        """Check-in and vote desks reopen with their title (not "Odoo")."""
        assembly = self._open_assembly(resolutions=1)
        voter = assembly.voter_ids[0]
        voter.action_mark_absent()
        wizard = (
            self.env["coop.assembly.checkin.wizard"]
            .with_user(self.gov_officer_a)
            .create({"assembly_id": assembly.id, "voter_id": voter.id})
        )
        self.assertEqual(wizard.action_checkin_next()["name"], "Check-in")
        resolution = assembly.resolution_ids
        resolution.action_start_vote()
        self.assertEqual(resolution.action_record_vote()["name"], "Record a vote")
        vote = (
            self.env["coop.vote.wizard"]
            .with_user(self.gov_officer_a)
            .create({"resolution_id": resolution.id, "voter_id": voter.id, "choice": "yes"})
        )
        self.assertEqual(vote.action_record_next()["name"], "Record a vote")
        self.assertEqual(resolution.participation_count, 1)

    def test_dialog_buttons_in_french(self):
        """In French, a dialog's close button says "Fermer", the vote's says "Clôturer le vote"."""
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["coop_governance"], ["fr_FR"])
        officer = self.gov_officer_a.with_context(lang="fr_FR")

        def arch(model, view):
            view = self.env.ref(f"coop_governance.{view}")
            return etree.fromstring(
                self.env[model].with_user(officer).with_context(lang="fr_FR")
                .get_views([(view.id, "form")])["views"]["form"]["arch"]
            )  # fmt: skip

        for model, view in (
            ("coop.assembly.checkin.wizard", "coop_assembly_checkin_wizard_view_form"),
            ("coop.vote.wizard", "coop_vote_wizard_view_form"),
        ):
            cancel = arch(model, view).xpath("//footer/button[@special='cancel']")
            self.assertEqual(cancel[0].get("string"), "Fermer", view)
        resolution_form = arch("coop.resolution", "coop_resolution_view_form")
        button = resolution_form.xpath("//button[@name='action_close_vote']")
        self.assertEqual(button[0].get("string"), "Clôturer le vote")
        assembly_form = arch("coop.assembly", "coop_assembly_view_form")
        button = assembly_form.xpath("//button[@name='action_close']")
        self.assertEqual(button[0].get("string"), "Clôturer l'assemblée")
        poll_form = arch("coop.poll", "coop_poll_view_form")
        button = poll_form.xpath("//button[@name='action_close']")
        self.assertEqual(button[0].get("string"), "Clôturer le sondage")

    def test_empty_assembly_list_says_who_prepares(self):
        """An officer without the governance role is told who prepares the assemblies."""
        action = self.env.ref("coop_governance.coop_assembly_action")
        self.assertNotIn("Prepare a general assembly", action.help)
        self.assertIn("Governance Officer", action.help)
        self.assertFalse(
            self.env["coop.assembly"].with_user(self.officer_a).has_access("create"),
            "the registry officer has no button to create one",
        )

    def test_demo_secretary_of_the_assemblies(self):
        """The demo has Agnès, secretary of the assemblies of Auvergne-Rhône-Alpes only."""
        agnes = self.env.ref("coop_governance.user_agnes_lefevre", raise_if_not_found=False)
        if not agnes:
            self.skipTest("database without demo data")
        ara = self.env.ref("coop_membership.coop_company_ara")
        self.assertEqual(agnes.login, "agnes.lefevre")
        self.assertEqual(agnes.company_ids, ara)
        self.assertTrue(agnes.has_group("coop_governance.group_governance_officer"))
        self.assertFalse(agnes.has_group("coop_membership.group_coop_officer"))
        assemblies = self.env["coop.assembly"].with_user(agnes).search([])
        self.assertTrue(assemblies)
        self.assertEqual(assemblies.company_id, ara)
