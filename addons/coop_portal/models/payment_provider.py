from odoo import api, models


class PaymentProvider(models.Model):
    _inherit = "payment.provider"

    @api.model
    def _coop_demo_enable_providers(self):
        """Demo data: Odoo's demo provider (payment_demo), in test mode, for each
        cooperative, so that `make run` shows paying shares and donations online.

        payment_demo is never a dependency of ours: the Makefile installs it next to the
        coop modules (EXTRA_MODULES); without it this does nothing. Providers belong to a
        company: each cooperative gets its own copy, which a real cooperative replaces by
        its own provider (Invoicing > Configuration > Payment Providers).
        """
        demo = self.sudo().search([("code", "=", "demo")], limit=1)
        if not demo or "demo" not in dict(self._fields["code"].selection):
            return self.browse()
        companies = self.env["coop.subscription.request"]._portal_join_companies()
        providers = self.browse()
        for company in companies:
            provider = self.sudo().search(
                [("code", "=", "demo"), ("company_id", "=", company.id)], limit=1
            )
            if not provider:
                provider = demo.copy({"company_id": company.id})
            # Named after its cooperative: the cooperatives share the federation's bank
            # journal, where each provider has a payment method line of its name.
            provider.write(
                {"state": "test", "is_published": True, "name": f"{demo.name} ({company.name})"}
            )
            if not provider.journal_id:
                # A regional cooperative is a branch of the federation, whose bank journal
                # it books on (Odoo looks for one of the provider's own company only).
                provider.journal_id = self.env["account.journal"].search(
                    [
                        *self.env["account.journal"]._check_company_domain(company),
                        ("type", "=", "bank"),
                    ],
                    limit=1,
                )
            providers |= provider
        return providers
