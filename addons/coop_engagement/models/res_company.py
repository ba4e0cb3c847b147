from odoo import _, api, fields, models
from odoo.exceptions import AccessError, ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    coop_engagement_window = fields.Integer(
        string="Engagement Window (months)",
        default=24,
        help="Engagement levels count the activities of this many past months.",
    )
    coop_solicitation_cap = fields.Integer(
        string="Default Solicitation Cap",
        default=4,
        help="Maximum number of solicitations a person receives in 30 days, unless the "
        "person chose another number. Legal notices are never capped.",
    )
    coop_active_target_min = fields.Float(string="Active Members Target Min (%)", default=5.0)
    coop_active_target_max = fields.Float(string="Active Members Target Max (%)", default=10.0)
    coop_very_active_target = fields.Float(string="Very Active Members Target (%)", default=2.0)
    coop_engagement_date = fields.Date(
        string="Engagement Levels Computed On", readonly=True, copy=False
    )
    coop_life_analytic_account_id = fields.Many2one(
        "account.analytic.account",
        string="Cooperative Life Budget",
        help="Analytic account carrying the costs of cooperative life (events, local "
        "groups, assemblies); the dashboard sums its lines per year.",
    )

    coop_newsletter_list_id = fields.Many2one(
        "mailing.list",
        string="Newsletter List",
        readonly=True,
        copy=False,
        help="The cooperative's active members who opted in to the newsletter, kept in "
        "step with their memberships and choices; each message carries mass_mailing's "
        "unsubscribe link, which needs no login.",
    )

    @api.constrains("coop_engagement_window", "coop_solicitation_cap")
    def _check_coop_engagement_settings(self):
        for company in self:
            if company.coop_engagement_window < 1:
                raise ValidationError(
                    _(
                        "The engagement window of %(company)s must be at least one month.",
                        company=company.name,
                    )
                )
            if company.coop_solicitation_cap < 0:
                raise ValidationError(
                    _(
                        "The solicitation cap of %(company)s cannot be negative.",
                        company=company.name,
                    )
                )

    # ------------------------------------------------------------------
    # Newsletter: one mass_mailing list per cooperative
    # ------------------------------------------------------------------
    def _coop_newsletter_list(self):
        """The cooperative's newsletter list, created with its subscribers on first use."""
        self.ensure_one()
        company = self.sudo()
        if not company.coop_newsletter_list_id:
            company.coop_newsletter_list_id = (
                self.env["mailing.list"]
                .sudo()
                .create(
                    {
                        "name": company._coop_newsletter_list_name(),
                        # Members only: not offered to everyone on the subscription page.
                        "is_public": False,
                        "coop_company_id": company.id,
                    }
                )
            )
            # Set before syncing: the sync asks for this list again.
            self.env["coop.member"].sudo().search(
                [
                    ("company_id", "=", company.id),
                    ("is_active_member", "=", True),
                    ("partner_id.coop_newsletter_optin", "=", True),
                ]
            ).partner_id._coop_sync_newsletter()
        return company.coop_newsletter_list_id

    def _coop_newsletter_list_name(self):
        """The list's name, also shown to members before the list exists."""
        self.ensure_one()
        if self.coop_newsletter_list_id:
            return self.coop_newsletter_list_id.sudo().name
        return _("Newsletter – %(company)s", company=self.name)

    def action_coop_newsletter_mailing(self):
        """Write to the cooperative's members: a new mass mailing to its newsletter list."""
        self.ensure_one()
        if not self.env.user.has_group("mass_mailing.group_mass_mailing_user"):
            raise AccessError(_("Only email marketing users can write to the members."))
        if self not in self.env.companies:
            raise AccessError(
                _("Select this cooperative in the company switcher to write to its members.")
            )
        mailing_list = self._coop_newsletter_list()
        return mailing_list._coop_action_new_mailing(self.name)
