from odoo import _, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import email_normalize

from odoo.addons.coop_membership.models.coop_siret import LEGAL_FORMS
from odoo.addons.coop_membership.models.coop_state_guard_mixin import GuardRule

# Applications from one address in an hour before the join form refuses more: a family
# may apply together, a script may not flood the office.
JOIN_RATE_LIMIT = 5
JOIN_TEXT_FIELDS = ("partner_name", "email", "phone", "street", "zip", "city", "iban")
# What an organisation adds (legal name in partner_name, its address above).
JOIN_ORGANISATION_FIELDS = (
    "siret",
    "representative_name",
    "representative_function",
    "representative_email",
    "representative_phone",
)
# What the applicant accepts on the join page, and the version of those texts (change it
# with their wording in coop_portal.coop_join): the member sees both in the member space.
JOIN_CONSENTS = (
    "consent_statutes",
    "consent_internal_rules",
    "consent_data_processing",
    "consent_financial_risk",
)
JOIN_CONSENT_VERSION = "2026-12"


class CoopSubscriptionRequest(models.Model):
    _inherit = "coop.subscription.request"

    origin = fields.Selection(
        [("office", "Office"), ("portal", "Member space"), ("website", "Website application")],
        default="office",
        readonly=True,
        copy=False,
        help="Where the request was typed.",
    )
    origin_ip = fields.Char(
        string="Origin Address",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="coop_membership.group_coop_officer",
        help="Network address of a website application (rate limiting).",
    )
    consent_statutes = fields.Boolean(string="Accepted the Statutes", readonly=True, copy=False)
    consent_internal_rules = fields.Boolean(
        string="Accepted the Internal Rules", readonly=True, copy=False
    )
    consent_data_processing = fields.Boolean(
        string="Agreed to the Data Processing", readonly=True, copy=False
    )
    consent_financial_risk = fields.Boolean(
        string="Acknowledged the Financial Risk",
        readonly=True,
        copy=False,
        help="Shares may lose value and are refunded at most at their nominal value.",
    )
    consent_date = fields.Datetime(string="Consents Given On", readonly=True, copy=False)
    consent_version = fields.Char(string="Version of the Texts", readonly=True, copy=False)

    def _coop_guard_rules(self):
        return [
            *super()._coop_guard_rules(),
            GuardRule(
                frozenset({*JOIN_CONSENTS, "consent_date", "consent_version"}),
                None,
                _("What the applicant accepted is their own record: it cannot be changed."),
            ),
        ]

    @api.depends("origin")
    def _compute_greeting_name(self):
        # A website application may come from anyone typing anyone's address: mail to that
        # address carries no text the sender chose until the person answers.
        res = super()._compute_greeting_name()
        for request in self.filtered(lambda r: r.origin == "website"):
            request.greeting_name = False
        return res

    def _portal_consents(self):
        """The labels of the texts the applicant accepted, for the member space."""
        self.ensure_one()
        return [
            self._fields[name].get_description(self.env)["string"]
            for name in JOIN_CONSENTS
            if self[name]
        ]

    @api.model
    def _portal_join_companies(self):
        """Cooperatives that take applications: those with colleges and a share class."""
        classes = self.env["coop.share.class"].sudo().search([])
        return classes.company_id.filtered("coop_college_ids").sorted("name")

    @api.model
    def _portal_join_organisation(self, values, vals):
        """The organisation part of an application: legal form, SIREN/SIRET and the
        representative, who must be reachable personally (the model checks the number and
        that the representative's email is not the organisation's)."""
        legal_form = values.get("legal_form")
        if legal_form not in dict(LEGAL_FORMS):
            raise UserError(_("Choose the legal form of the organisation."))
        if not vals.get("siret"):
            raise UserError(_("Give the organisation's SIREN or SIRET number."))
        if not vals.get("representative_name"):
            raise UserError(_("Give the name of the person who represents the organisation."))
        email = vals.get("representative_email")
        if not email or not email_normalize(email):
            raise UserError(
                _("Give the representative's own email address: the convocations go there.")
            )
        return {"is_organisation": True, "legal_form": legal_form}

    def init(self):
        res = super().init()
        # One row per address sending applications, upserted by _portal_join_lock_address,
        # and one per attempt, counted by the limit (no models: nothing else reads them).
        self.env.cr.execute(
            """CREATE TABLE IF NOT EXISTS coop_join_address_lock (address varchar PRIMARY KEY);
               CREATE TABLE IF NOT EXISTS coop_join_attempt (
                   address varchar NOT NULL,
                   create_date timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
               );
               CREATE INDEX IF NOT EXISTS coop_join_attempt_address_date_index
                   ON coop_join_attempt (address, create_date)"""
        )
        return res

    @api.model
    def _portal_join_lock_address(self, ip):
        """Count and store the applications of one address one at a time.

        Applications sent at once each counted the others' as not there yet (six parallel
        posts all passed a limit of five). Upserting the address's row makes a concurrent
        one wait, then fail to serialize; Odoo replays it on fresh data, where it counts
        the first.
        """
        self.env.cr.execute(
            """INSERT INTO coop_join_address_lock (address) VALUES (%s)
               ON CONFLICT (address) DO UPDATE SET address = EXCLUDED.address""",
            [ip],
        )

    @api.model
    def _portal_join_count_attempt(self, ip):
        """Count one application attempt from ``ip``; refuse past the hourly limit.

        Every attempt counts, accepted, refused or for an address already known: the limit
        may not be dodged by the answers it gives. The join page calls it outside the
        savepoint of the application, so that a refused form is still counted.
        """
        self._portal_join_lock_address(ip)
        cr = self.env.cr
        # The hour is all the limit reads: older attempts of this address go.
        cr.execute(
            """DELETE FROM coop_join_attempt
                WHERE address = %s
                  AND create_date < (now() AT TIME ZONE 'UTC') - interval '1 hour'""",
            [ip],
        )
        cr.execute(
            """SELECT count(*) FROM coop_join_attempt
                WHERE address = %s
                  AND create_date >= (now() AT TIME ZONE 'UTC') - interval '1 hour'""",
            [ip],
        )
        if cr.fetchone()[0] >= JOIN_RATE_LIMIT:
            raise UserError(
                _(
                    "Several applications were just sent from your connection: try again "
                    "in an hour, or contact the cooperative."
                )
            )
        cr.execute("INSERT INTO coop_join_attempt (address) VALUES (%s)", [ip])

    @api.model
    def _portal_join(self, values, ip=None, counted=False):
        """Create and submit a candidate's application from the public join page.

        :param values: the form as typed values (controllers/join.py ``parse_join_form``):
            ``company_id``, ``college_id``, ``share_class_id`` ints (None when unreadable),
            ``quantity`` an int, ``birthdate`` a date or False, ``is_organisation`` and the
            JOIN_CONSENTS booleans, ``contact_channel`` and ``legal_form`` strings, the
            JOIN_TEXT_FIELDS (and JOIN_ORGANISATION_FIELDS) stripped strings or False.
        :param ip: the client's address, for the rate limit.
        :param counted: the caller already counted this attempt (the join page does).
        :return: the submitted request (superuser record), empty when the address already
            has an open application (the caller answers the same in both cases).
        """
        Request = self.sudo()
        if ip and not counted:
            self._portal_join_count_attempt(ip)
        company = self._portal_join_companies().filtered(lambda c: c.id == values.get("company_id"))
        if not company:
            raise UserError(_("Choose the cooperative you want to join."))
        college = company.coop_college_ids.filtered(lambda c: c.id == values.get("college_id"))
        if not college:
            raise UserError(_("Choose your college among those of %s.", company.name))
        share_class = (
            self.env["coop.share.class"]
            .sudo()
            .search([("company_id", "=", company.id)])
            .filtered(lambda c: c.id == values.get("share_class_id"))
        )
        if not share_class:
            raise UserError(_("Choose a share class of %s.", company.name))
        organisation = bool(values.get("is_organisation"))
        vals = {
            field: values.get(field) or False
            for field in JOIN_TEXT_FIELDS + (JOIN_ORGANISATION_FIELDS if organisation else ())
        }
        if not vals["partner_name"]:
            raise UserError(_("Give your first and last name."))
        if not vals["email"] or not email_normalize(vals["email"]):
            raise UserError(_("Give a valid email address: the cooperative answers there."))
        if organisation:
            vals.update(self._portal_join_organisation(values, vals))
        channel = values.get("contact_channel") or "email"
        if channel not in dict(self._fields["contact_channel"].selection):
            raise UserError(_("Choose how the cooperative should reach you."))
        # The page makes the four boxes required; a form sent without them (a script, an
        # old page) is refused the same way, naming what is missing.
        consents = {name: bool(values.get(name)) for name in JOIN_CONSENTS}
        if not all(consents.values()):
            raise UserError(
                _(
                    "Tick the four boxes of what you accept (the statutes, the internal "
                    "rules, the processing of your data and the financial risk): the "
                    "cooperative cannot study your application without them."
                )
            )
        consents.update(consent_date=fields.Datetime.now(), consent_version=JOIN_CONSENT_VERSION)
        birthdate = values.get("birthdate") or False
        if birthdate:
            today = fields.Date.context_today(self)
            if birthdate > today or birthdate.year < today.year - 120:
                raise UserError(_("Check your birth date."))
        # Someone who already applied (or anyone typing their address) gets the same
        # thank-you page as a new applicant: the page never tells whether an address is
        # known. The office sees the new attempt on the pending request.
        pending = Request.search(
            Request._open_requests_domain(company, email=vals["email"]), limit=1
        )
        if pending:
            pending.message_post(
                body=_(
                    "A new application with the same email address was sent from the "
                    "website (%(name)s, %(quantity)s shares): nothing was created.",
                    name=vals["partner_name"],
                    quantity=values.get("quantity"),
                ),
                subtype_xmlid="mail.mt_note",
            )
            return Request.browse()
        request = Request.with_company(company).create(
            {
                **vals,
                "company_id": company.id,
                "college_id": college.id,
                "share_class_id": share_class.id,
                "quantity": values.get("quantity"),
                "birthdate": birthdate,
                "contact_channel": channel,
                "country_id": company.country_id.id,
                "origin": "website",
                "origin_ip": ip or False,
                **consents,
            }
        )
        request.action_submit()
        return request
