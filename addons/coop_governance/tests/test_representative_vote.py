from .common import GovernanceCommon

CONVOCATIONS = "coop_governance.action_report_convocation"


class TestRepresentativeVote(GovernanceCommon):
    """An organisation in the census is convened, votes and holds proxies through its
    representative, as the governance officer runs the assembly."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.members = cls._create_members(3, cls.college_a_cons, "Member")
        for member in cls.members:
            member.partner_id.email = f"member{member.id}@example.org"
        cls.town = cls._create_member(
            "Commune de Testville",
            college=cls.colleges_a[4],
            is_company=True,
            email="mairie@testville.example.org",
            street="Place de la Mairie",
            zip="26150",
            city="Testville",
        )
        cls.mayor = cls.env["res.partner"].create(
            {
                "name": "Isabelle Morel",
                "parent_id": cls.town.partner_id.id,
                "type": "contact",
                "email": "isabelle.morel@testville.example.org",
            }
        )
        cls.town.representative_id = cls.mayor

    def _convened(self):
        assembly = self._create_assembly().with_user(self.gov_officer_a)
        assembly.action_convene()
        return assembly

    def test_email_convocation_goes_to_the_representative(self):
        """The secretary sends the convocations: the town's goes to its deputy mayor's own
        mailbox, not to the town hall's, and tells her she stands for the town."""
        assembly = self._convened()
        assembly.action_send_convocations()
        voter = self._voter(assembly, self.town)
        self.assertEqual(voter.contact_partner_id, self.mayor)
        self.assertEqual(voter.convocation_channel, "email")
        mail = self.env["mail.mail"].search(
            [("model", "=", voter._name), ("res_id", "=", voter.id)]
        )
        self.assertEqual(mail.recipient_ids, self.mayor)
        self.assertIn("Dear Isabelle Morel", mail.body_html)
        self.assertIn("representative of", mail.body_html)
        self.assertIn("Commune de Testville", mail.body_html)
        person = self._voter(assembly, self.members[0])
        person_mail = self.env["mail.mail"].search(
            [("model", "=", person._name), ("res_id", "=", person.id)]
        )
        self.assertEqual(person_mail.recipient_ids, self.members[0].partner_id)
        self.assertNotIn("representative of", person_mail.body_html)

    def test_paper_convocation_is_addressed_to_the_representative(self):
        """The deputy mayor asked for paper: the town is convened by post although the town
        hall has an email, and the letter and proxy form name her as its representative."""
        self.mayor.coop_contact_channel = "paper"
        assembly = self._convened()
        assembly.action_send_convocations()
        voter = self._voter(assembly, self.town)
        self.assertEqual(voter.convocation_channel, "paper")
        pages = self._pdf_pages_text(self._render_pdf(CONVOCATIONS, voter, self.gov_officer_a))
        self.assertEqual(len(pages), 3, "letter, postal ballot, proxy form")
        letter = " ".join(pages[0].split())
        self.assertIn("Isabelle Morel", letter)
        self.assertIn("Representative of Commune de Testville", letter)
        self.assertIn("Place de la Mairie", letter)
        self.assertIn("Dear Isabelle Morel", letter)
        proxy_form = " ".join(pages[2].split())
        self.assertIn(
            "I, the undersigned Isabelle Morel, representative of Commune de Testville",
            proxy_form,
        )

    def test_proxy_given_to_an_organisation_is_held_by_its_representative(self):
        """A member gives his proxy to the town, found by its deputy mayor's name: the
        census shows who holds it."""
        assembly = self._convened()
        town_voter = self._voter(assembly, self.town)
        Voter = self.env["coop.assembly.voter"].with_user(self.gov_officer_a)
        found = Voter.name_search("Isabelle Mor", [("assembly_id", "=", assembly.id)])
        self.assertEqual([voter_id for voter_id, _name in found], town_voter.ids)
        self.assertIn("represented by Isabelle Morel", found[0][1])
        giver = self._voter(assembly, self.members[0]).with_user(self.gov_officer_a)
        giver.action_give_proxy(town_voter.id)
        self.assertEqual(giver.proxy_holder_id, town_voter)
        self.assertEqual(giver.proxy_holder_id.contact_partner_id, self.mayor)

    def test_new_representative_votes_after_the_convocation(self):
        """The town names a new representative after the convocation: the census line now
        convenes and lets her act, and the membership keeps who represented it before."""
        assembly = self._convened()
        voter = self._voter(assembly, self.town)
        deputy = self.env["res.partner"].create(
            {"name": "Paul Durand", "parent_id": self.town.partner_id.id, "email": "p@ex.org"}
        )
        self.town.with_user(self.officer_a).representative_id = deputy
        self.assertEqual(voter.contact_partner_id, deputy)
        self.assertEqual(self.town.representative_history_ids.partner_id, self.mayor | deputy)
