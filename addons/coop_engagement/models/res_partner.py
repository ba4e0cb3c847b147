from datetime import timedelta

from odoo import _, api, fields, models
from odoo.exceptions import ValidationError

LEGAL = "legal"
NEWSLETTER = "newsletter"
CAP_WINDOW_DAYS = 30


class ResPartner(models.Model):
    _inherit = "res.partner"

    coop_skill_ids = fields.Many2many(
        "coop.skill", "coop_skill_partner_rel", "partner_id", "skill_id", string="Skills"
    )
    coop_theme_ids = fields.Many2many(
        "coop.engagement.theme",
        "coop_theme_partner_rel",
        "partner_id",
        "theme_id",
        string="Themes of Interest",
        help="When set, solicitations on other themes are not sent to this person.",
    )
    coop_availability = fields.Selection(
        [
            ("none", "Not available"),
            ("occasional", "Occasionally"),
            ("monthly", "A few hours a month"),
            ("weekly", "Every week"),
        ],
        string="Availability",
    )
    coop_availability_note = fields.Char(string="Availability Details")
    coop_newsletter_optin = fields.Boolean(
        string="Newsletter",
        help="The person agreed to receive the cooperative's newsletter.",
    )
    coop_solicitation_cap = fields.Integer(
        string="Max. Solicitations per 30 Days",
        help="Leave 0 to use the cooperative's default. Legal notices are never capped.",
    )
    coop_local_group_membership_ids = fields.One2many(
        "coop.local.group.membership", "partner_id", string="Local Groups"
    )
    coop_contact_log_ids = fields.One2many("coop.contact.log", "partner_id", string="Sendings")
    coop_democratic_level = fields.Integer(
        string="Democratic Level",
        compute="_compute_coop_levels",
        search="_search_coop_democratic_level",
    )
    coop_militant_level = fields.Integer(
        string="Militant Level",
        compute="_compute_coop_levels",
        search="_search_coop_militant_level",
    )
    coop_suggested_local_group_ids = fields.Many2many(
        "coop.local.group",
        string="Suggested Local Groups",
        compute="_compute_coop_suggested_local_group_ids",
    )

    @api.constrains("coop_solicitation_cap")
    def _check_coop_solicitation_cap(self):
        for partner in self:
            if partner.coop_solicitation_cap < 0:
                raise ValidationError(
                    _("The solicitation cap of %(name)s cannot be negative.", name=partner.name)
                )

    @api.depends_context("company")
    def _compute_coop_levels(self):
        """Levels of the membership in the current company (see coop.member)."""
        members = self.env["coop.member"].search(
            [("partner_id", "in", self.ids), ("company_id", "=", self.env.company.id)]
        )
        by_partner = {m.partner_id.id: m for m in members}
        for partner in self:
            member = by_partner.get(partner.id)
            partner.coop_democratic_level = member.democratic_level if member else 0
            partner.coop_militant_level = member.militant_level if member else 0

    def _search_coop_democratic_level(self, operator, value):
        return [
            (
                "coop_member_ids",
                "any",
                [("company_id", "=", self.env.company.id), ("democratic_level", operator, value)],
            )
        ]

    def _search_coop_militant_level(self, operator, value):
        return [
            (
                "coop_member_ids",
                "any",
                [("company_id", "=", self.env.company.id), ("militant_level", operator, value)],
            )
        ]

    @api.depends("zip")
    def _compute_coop_suggested_local_group_ids(self):
        suggestions = self.env["coop.local.group"]._coop_suggest(self)
        for partner in self:
            partner.coop_suggested_local_group_ids = suggestions.get(partner.id)

    # ------------------------------------------------------------------
    # Contact helper
    # ------------------------------------------------------------------
    def _coop_contact_split(self, purpose="solicitation", theme=None, company=None):
        """Add the engagement preferences to the suite's contact helper.

        Legal notices go through unchanged. Otherwise:

        - ``newsletter``: only people who opted in;
        - ``theme`` (a ``coop.engagement.theme``): people who chose themes and not
          this one are skipped;
        - caps: people who already received their maximum number of solicitations
          in the last 30 days (``coop.contact.log``, any purpose but legal) are
          skipped. One query counts the sendings of the whole batch.

        Callers log what they actually send with ``_coop_log_contacts``.
        """
        split = super()._coop_contact_split(purpose)
        if purpose == LEGAL:
            return split
        company = company or self.env.company
        reachable = split["email"] | split["paper"]
        refused = self.browse()
        if purpose == NEWSLETTER:
            refused |= reachable.filtered(lambda p: not p.coop_newsletter_optin)
        if theme:
            refused |= reachable.filtered(
                lambda p: p.coop_theme_ids and theme not in p.coop_theme_ids
            )
        refused |= (reachable - refused)._coop_over_cap(company)
        if refused:
            split = {
                "email": split["email"] - refused,
                "paper": split["paper"] - refused,
                "skipped": split["skipped"] | refused,
            }
        return split

    def _coop_over_cap(self, company):
        """People of self who reached their solicitation cap over the last 30 days."""
        if not self:
            return self
        since = fields.Datetime.now() - timedelta(days=CAP_WINDOW_DAYS)
        counts = dict(
            self.env["coop.contact.log"]
            .sudo()
            ._read_group(
                [
                    ("partner_id", "in", self.ids),
                    ("date", ">=", since),
                    ("purpose", "!=", LEGAL),
                ],
                ["partner_id"],
                ["__count"],
            )
        )
        default_cap = company.coop_solicitation_cap
        return self.filtered(lambda p: counts.get(p, 0) >= (p.coop_solicitation_cap or default_cap))

    def _coop_log_contacts(self, split, purpose, record=None):
        """Record the sendings of a split so that the caps count them."""
        return self.env["coop.contact.log"]._coop_record(split, purpose, record)

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners.filtered("coop_newsletter_optin")._coop_sync_newsletter()
        return partners

    def write(self, vals):
        res = super().write(vals)
        if {"coop_newsletter_optin", "coop_theme_ids", "email"} & set(vals):
            self._coop_sync_newsletter()
        return res

    @api.model
    def _coop_newsletter_all_lists(self):
        """Every newsletter list: the federation's general one and the cooperatives'."""
        general = self.env.ref("coop_engagement.mailing_list_coop_newsletter", False)
        companies = (
            self.env["res.company"]
            .sudo()
            .with_context(active_test=False)
            .search([("coop_newsletter_list_id", "!=", False)])
        )
        return (general.sudo() if general else self.env["mailing.list"].sudo()) | (
            companies.coop_newsletter_list_id
        )

    def _coop_newsletter_wanted_lists(self, themes):
        """{partner id: the lists the person should receive}, for those who opted in.

        The federation's general list, the list of each cooperative where they are an
        active member (created on first need, see res.company._coop_newsletter_list),
        and the list of each of ``themes`` they follow. Nobody else gets any.
        """
        general = self.env.ref("coop_engagement.mailing_list_coop_newsletter", False)
        general = general.sudo() if general else self.env["mailing.list"].sudo()
        opted_in = self.filtered("coop_newsletter_optin")
        members = (
            self.env["coop.member"]
            .sudo()
            .search([("partner_id", "in", opted_in.ids), ("is_active_member", "=", True)])
        )
        for company in members.company_id.filtered(lambda c: not c.coop_newsletter_list_id):
            company._coop_newsletter_list()
        wanted = {
            partner.id: general
            | themes.filtered(lambda t, p=partner: t in p.coop_theme_ids).mailing_list_id
            for partner in opted_in
        }
        for member in members:
            wanted[member.partner_id.id] |= member.company_id.coop_newsletter_list_id
        return wanted

    def _coop_sync_newsletter(self):
        """Keep the mass_mailing lists in line with the newsletter opt-in.

        Who opted in is subscribed to the general list, to the list of each cooperative
        where they are an active member, and to the list of each theme they follow;
        the lists they should not receive (opting out: all of them) are unsubscribed.
        A handful of queries for the whole batch, none per person.
        """
        partners = self.filtered("email_normalized")
        if not partners:
            return
        themes = self.env["coop.engagement.theme"].sudo().search([("mailing_list_id", "!=", False)])
        wanted_by_partner = partners._coop_newsletter_wanted_lists(themes)
        lists = self._coop_newsletter_all_lists() | themes.mailing_list_id
        if not lists:
            return
        # Our own writes follow the opt-in: they must not feed back into it.
        Contact = self.env["mailing.contact"].sudo().with_context(coop_newsletter_sync=True)
        Subscription = (
            self.env["mailing.subscription"].sudo().with_context(coop_newsletter_sync=True)
        )
        # Matched on the normalised address, as mass_mailing's unsubscribe page does.
        contacts = Contact.search(
            [("email_normalized", "in", list(set(partners.mapped("email_normalized"))))]
        )
        by_email = {}
        for contact in contacts:
            by_email.setdefault(contact.email_normalized, contact)
        subscriptions = Subscription.search(
            [("contact_id", "in", contacts.ids), ("list_id", "in", lists.ids)]
        )
        by_key = {(s.contact_id.id, s.list_id.id): s for s in subscriptions}
        missing = {
            partner.email_normalized: partner.name
            for partner in partners
            if partner.id in wanted_by_partner and partner.email_normalized not in by_email
        }
        if missing:
            created = Contact.create(
                [{"name": name, "email": email} for email, name in missing.items()]
            )
            by_email.update({contact.email_normalized: contact for contact in created})
        to_create = []
        to_opt_in = to_opt_out = Subscription
        for partner in partners:
            wanted = wanted_by_partner.get(partner.id, self.env["mailing.list"])
            contact = by_email.get(partner.email_normalized)
            if not contact:
                continue
            for mailing_list in lists:
                sub = by_key.get((contact.id, mailing_list.id))
                if mailing_list in wanted:
                    if not sub:
                        to_create.append({"contact_id": contact.id, "list_id": mailing_list.id})
                        # Another partner of the batch may share the address.
                        by_key[(contact.id, mailing_list.id)] = Subscription
                    elif sub.opt_out:
                        to_opt_in |= sub
                elif sub and not sub.opt_out:
                    to_opt_out |= sub
        to_opt_in.write({"opt_out": False})
        # Two partners sharing an address: the one who opted in keeps it subscribed.
        (to_opt_out - to_opt_in).write({"opt_out": True})
        if to_create:
            Subscription.create(to_create)

    def _coop_newsletter_received_lists(self):
        """The newsletter lists (general and cooperatives') this person receives now."""
        self.ensure_one()
        if not self.email_normalized:
            return self.env["mailing.list"].sudo()
        subscriptions = (
            self.env["mailing.subscription"]
            .sudo()
            .search(
                [
                    ("contact_id.email_normalized", "=", self.email_normalized),
                    ("list_id", "in", self._coop_newsletter_all_lists().ids),
                    ("opt_out", "=", False),
                ]
            )
        )
        return subscriptions.list_id
