from odoo.exceptions import UserError, ValidationError

from ..models.coop_siret import siret_is_valid
from .capital_common import CoopCapitalTestCommon
from .role_guard import superuser_setup

# A SIREN no contact of the demo carries, and the SIRET of one of its establishments.
SIREN = "404813925"
SIRET = "40481392500017"


class TestLegalPersons(CoopCapitalTestCommon):
    """Organisations (local authorities, associations, companies) as members: their
    request, their representative, and the representative's changes."""

    def _request(self, **vals):
        values = {
            "company_id": self.company_a.id,
            "is_organisation": True,
            "partner_name": "Commune de Testville",
            "legal_form": "local_authority",
            "siret": "404 813 925",
            "email": "mairie@testville.example.org",
            "street": "Place de la Mairie",
            "zip": "26150",
            "city": "Testville",
            "college_id": self.college_a_cons.id,
            "share_class_id": self.class_a.id,
            "quantity": 5,
            "representative_name": "Isabelle Morel",
            "representative_function": "Adjointe au maire",
            "representative_email": "isabelle.morel@testville.example.org",
            "representative_phone": "+33 4 75 00 00 00",
        }
        values.update(vals)
        return self.env["coop.subscription.request"].with_user(self.officer_a).create(values)

    def _organisation_member(self, representative=None):
        organisation = self.env["res.partner"].create(
            {"name": "Biocoop Testville", "is_company": True}
        )
        vals = {
            "partner_id": organisation.id,
            "company_id": self.company_a.id,
            "college_id": self.college_a_cons.id,
        }
        if representative:
            vals["representative_id"] = representative.id
        member = self.env["coop.member"].create(vals)
        with superuser_setup("arrange: an admitted organisation"):
            member.action_admit()
        # As if committed: the tracking left aside at creation is closed.
        self.env.flush_all()
        self.env.cr.precommit.run()
        return member

    def test_officer_admits_an_organisation_with_its_representative(self):
        """The officer records a town's request with its SIREN and its deputy mayor:
        the town becomes the candidate and the deputy mayor its representative."""
        request = self._request()
        self.assertEqual(request.siret, SIREN, "the spaces people type are dropped")
        request.action_submit()
        organisation = request.partner_id
        self.assertTrue(organisation.is_company)
        self.assertEqual(organisation.name, "Commune de Testville")
        self.assertEqual(organisation.company_registry, SIREN)
        self.assertEqual(organisation.coop_legal_form, "local_authority")
        self.assertEqual(organisation.email, "mairie@testville.example.org")
        representative = request.representative_id
        self.assertEqual(representative.name, "Isabelle Morel")
        self.assertFalse(representative.is_company)
        self.assertEqual(representative.parent_id, organisation)
        self.assertEqual(representative.email, "isabelle.morel@testville.example.org")
        self.assertEqual(representative.function, "Adjointe au maire")
        self.assertEqual(representative.city, "Testville", "reached at the town hall by post")
        request.action_validate()
        member = request.member_id
        self.assertEqual(member.partner_id, organisation)
        self.assertEqual(member.representative_id, representative)
        self.assertEqual(member.representative_history_ids.partner_id, representative)
        self.assertEqual(member._coop_acting_partner(), representative)

    def test_wrong_siret_is_refused_and_nothing_stored(self):
        """The officer mistypes the SIRET: a clear error, no request stored."""
        Request = self.env["coop.subscription.request"]
        before = Request.search_count([])
        with self.assertRaisesRegex(ValidationError, "not a valid SIREN"):
            self._request(siret="40481392500018")
        with self.assertRaisesRegex(ValidationError, "not a valid SIREN"):
            self._request(siret="2126011")
        self.assertEqual(Request.search_count([]), before)
        request = self._request(siret=SIRET)
        with self.assertRaisesRegex(ValidationError, "not a valid SIREN"):
            request.with_user(self.officer_a).siret = "404813926"
        self.assertEqual(request.siret, SIRET)

    def test_siren_and_siret_keys(self):
        """SIREN and SIRET numbers are checked with their Luhn key (La Poste's own rule)."""
        for number in (SIREN, SIRET, "732 829 320", "356000000", "35600000000001"):
            self.assertTrue(siret_is_valid(number), number)
        for number in ("404813926", "40481392500019", "35600000000002", "abcdefghi", "", "0"):
            self.assertFalse(siret_is_valid(number), number)

    def test_representative_email_is_not_the_organisations(self):
        """The officer gives the town hall's mailbox as the representative's email: refused."""
        with self.assertRaisesRegex(ValidationError, "representative's email must be their own"):
            self._request(representative_email=" Mairie@Testville.example.org")

    def test_organisation_request_needs_a_representative(self):
        """An organisation's request names the person who will vote for it."""
        request = self._request(representative_name=False, representative_email=False)
        with self.assertRaisesRegex(UserError, "Name the representative of Commune de Testville"):
            request.action_submit()
        self.assertEqual(request.state, "draft")
        self.assertFalse(
            self.env["res.partner"].search_count([("name", "=", "Commune de Testville")])
        )

    def test_representative_change_is_tracked_and_dated(self):
        """The officer records the new mayor as representative: the chatter says who
        changed it and the history keeps who represented the town until today."""
        old = self.env["res.partner"].create({"name": "Ancien Maire", "email": "a@ex.org"})
        new = self.env["res.partner"].create({"name": "Nouvelle Maire", "email": "n@ex.org"})
        member = self._organisation_member(representative=old)
        member = member.with_user(self.officer_a).with_context(tracking_disable=False)
        member.representative_id = new
        # Tracking values are written when the transaction commits.
        member.env.flush_all()
        member.env.cr.precommit.run()
        self.assertEqual(member.representative_id, new)
        history = member.representative_history_ids.sorted("id")
        self.assertEqual(history.partner_id, old | new)
        self.assertTrue(history[0].date_to, "the former representative's line is closed")
        self.assertFalse(history[1].date_to)
        tracking = member.sudo().message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "representative_id"
        )
        self.assertEqual(tracking.old_value_char, "Ancien Maire")
        self.assertEqual(tracking.new_value_char, "Nouvelle Maire")
        self.assertEqual(tracking.mail_message_id.author_id, self.officer_a.partner_id)
        self.assertEqual(member._representative_at(history[0].date_from), new)

    def test_only_an_organisation_has_a_representative_and_it_is_a_person(self):
        """A person member gets no representative; an organisation is no representative."""
        person = self._create_member("Claire Martin")
        other = self.env["res.partner"].create({"name": "Quelqu'un"})
        with self.assertRaisesRegex(ValidationError, "only an organisation"):
            person.with_user(self.officer_a).representative_id = other
        member = self._organisation_member()
        company = self.env["res.partner"].create({"name": "SAS Holding", "is_company": True})
        with self.assertRaisesRegex(ValidationError, "must be a person"):
            member.with_user(self.officer_a).representative_id = company
