from datetime import timedelta

from odoo import Command, fields
from odoo.tests import HttpCase, new_test_user, tagged

from .common import GovernanceCommon

CONVOCATIONS = "coop_governance.action_report_convocation"
MINUTES = "coop_governance.action_report_minutes"


@tagged("post_install", "-at_install")
class TestGovernanceUi(HttpCase):
    """The secretary of Auvergne-Rhône-Alpes's assemblies runs one in the browser.

    Demo data: the ten members of Énergies Citoyennes Auvergne-Rhône-Alpes.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.ara = cls.env.ref("coop_membership.coop_company_ara")
        cls.officer = new_test_user(
            cls.env,
            login="tour_gov_ara",
            groups="base.group_user,coop_governance.group_governance_officer",
            company_id=cls.ara.id,
            company_ids=[Command.set(cls.ara.ids)],
            tz="UTC",
        )
        members = cls.env["coop.member"].search(
            [("company_id", "=", cls.ara.id), ("state", "in", ("member", "resigning"))]
        )
        cls.env["coop.assembly"]._demo_give_shares(members)
        cls.paper = members.filtered(lambda m: m.partner_id.name == "Hugo Lacroix")
        cls.paper.partner_id.coop_contact_channel = "paper"
        cls.no_email = members.filtered(lambda m: m.partner_id.name == "Martine Vidal")
        cls.no_email.partner_id.email = False

    _render_pdf = GovernanceCommon._render_pdf
    _pdf_pages_text = staticmethod(GovernanceCommon._pdf_pages_text)

    def test_secretary_prepares_and_convenes(self):
        """The secretary creates an assembly and its resolution, convenes, prints the letters."""
        self.start_tour(
            "/odoo/action-coop_governance.coop_assembly_action",
            "coop_governance_prepare_tour",
            login=self.officer.login,
        )
        assembly = self.env["coop.assembly"].search([("name", "=", "AG tour 2027")])
        self.assertEqual(assembly.state, "convened")
        self.assertEqual(assembly.create_uid, self.officer)
        self.assertEqual(assembly.resolution_ids.name, "Approbation des comptes 2026")
        self.assertEqual(assembly.resolution_ids.state, "proposed")
        self.assertTrue(assembly.convocation_sent)
        paper = assembly.voter_ids.filtered(lambda v: v.convocation_channel == "paper")
        without_email = assembly.voter_ids.filtered(
            lambda v: v.partner_id.coop_contact_channel == "paper" or not v.partner_id.email
        )
        self.assertEqual(paper, without_email)
        self.assertLessEqual(self.paper | self.no_email, paper.member_id)
        pdf = self._render_pdf(CONVOCATIONS, paper, self.officer)
        self.assertTrue(pdf.startswith(b"%PDF"))
        pages = self._pdf_pages_text(pdf)
        self.assertEqual(len(pages), 3 * len(paper), "letter, postal ballot, proxy form each")
        for index, voter in enumerate(paper):
            letter, ballot, proxy = pages[3 * index : 3 * index + 3]
            name = voter.partner_id.name
            self.assertIn("Convocation to the general assembly", letter)
            self.assertIn(name, letter)
            self.assertIn("Postal ballot", ballot)
            self.assertIn(name, ballot)
            self.assertIn("Proxy form", proxy)
            self.assertIn(name, proxy)

    def test_secretary_holds_closes_and_signs(self):
        """Check-in, a proxy, in-room, postal and proxy votes, closing, signed minutes."""
        assembly = (
            self.env["coop.assembly"]
            .with_user(self.officer)
            .create(
                {
                    "name": "AG tour session",
                    "company_id": self.ara.id,
                    "date": fields.Datetime.now() + timedelta(days=30),
                    "chair_id": self.env.ref("coop_membership.partner_bernard_roux").id,
                    "secretary_id": self.env.ref("coop_membership.partner_nadia_chevalier").id,
                    "resolution_ids": [Command.create({"name": "Approbation des comptes 2026"})],
                }
            )
        )
        assembly.action_convene()
        assembly.action_send_convocations()
        self.start_tour(
            f"/odoo/action-coop_governance.coop_assembly_action/{assembly.id}",
            "coop_governance_session_tour",
            login=self.officer.login,
        )
        resolution = assembly.resolution_ids
        self.assertEqual(assembly.state, "closed")
        self.assertEqual(resolution.state, "adopted")
        self.assertEqual((resolution.yes_count, resolution.no_count), (4, 1))
        self.assertEqual(
            sorted(resolution.ballot_ids.mapped("channel")),
            ["in_room", "in_room", "in_room", "postal", "proxy"],
        )
        self.assertTrue(resolution.result_ids)
        self.assertTrue(assembly.minutes_number)
        self.assertTrue(assembly.chair_signed_on and assembly.secretary_signed_on)
        self.assertTrue(assembly.verify_audit_chain()["ok"])
        text = "".join(self._pdf_pages_text(self._render_pdf(MINUTES, assembly, self.officer)))
        self.assertIn(assembly.minutes_number, text)
        self.assertIn("Approbation des comptes 2026", text)
        self.assertNotIn("Draft minutes", text)
