from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import EngagementCommon


@tagged("post_install", "-at_install")
class TestFrenchChatter(EngagementCommon):
    """The chatter of the engagement records speaks French to French users."""

    def test_creation_message_in_french_before_terms_are_loaded(self):
        """A local group, action call or project made in French says "… créé" in French.

        As during the module's installation (demo data): French is active, the module's
        terms are not in the database yet.
        """
        with superuser_setup("arrange: French active, the module's model names untranslated"):
            self.env["res.lang"]._activate_lang("fr_FR")
            for model in ("coop.local.group", "coop.action.call", "coop.production.project"):
                self.env.cr.execute(
                    "UPDATE ir_model SET name = name - 'fr_FR' WHERE model = %s", [model]
                )
            self.env["ir.model"].invalidate_model(["name"])
        officer = self.officer_a.with_context(lang="fr_FR")
        officer.partner_id.lang = "fr_FR"
        group = (
            self.env["coop.local.group"]
            .with_user(officer)
            .with_context(lang="fr_FR", tracking_disable=False)
            .create({"name": "Die", "company_id": self.company_a.id})
        )
        call = (
            self.env["coop.action.call"]
            .with_user(officer)
            .with_context(lang="fr_FR", tracking_disable=False)
            .create({"name": "Stand", "company_id": self.company_a.id})
        )
        member = self._create_member("Porteur")
        project = (
            self.env["coop.production.project"]
            .with_user(officer)
            .with_context(lang="fr_FR", tracking_disable=False)
            .create(
                {
                    "name": "Toiture",
                    "company_id": self.company_a.id,
                    "proposer_member_id": member.id,
                }
            )
        )
        self.assertIn("Groupe local créé", group.message_ids[-1:].body)
        self.assertIn("Fiche action créée", call.message_ids[-1:].body)
        self.assertIn("Projet de production créé", project.message_ids[-1:].body)
