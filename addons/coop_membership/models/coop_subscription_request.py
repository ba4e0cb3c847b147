from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import email_normalize, format_amount, format_date
from odoo.tools.sql import create_index, escape_psql

from odoo.addons.base.models.res_bank import sanitize_account_number
from odoo.addons.base_iban.models.res_partner_bank import validate_iban

from .coop_member import ACTIVE_STATES
from .coop_siret import LEGAL_FORMS, normalize_siret, siret_is_valid
from .coop_state_guard_mixin import GuardRule

OPEN_STATES = ("draft", "submitted", "on_hold", "waiting_payment")
# Set only by the request's actions (see coop.state.guard.mixin), never by a plain write.
ACTION_FIELDS = {
    "state",
    "member_id",
    "invoice_id",
    "operation_id",
    "rejection_reason",
    "hold_date",
}
# Fixed once the request is submitted: the person, the cooperative, the date...
SUBMITTED_FIELDS = frozenset({"partner_id", "company_id", "request_date"})
# ... and once it is invoiced, what the capital release invoice is made of.
INVOICED_FIELDS = frozenset({"college_id", "share_class_id", "quantity"})
# The notice a paper letter carries at each step (the email's template).
LETTER_TEMPLATES = {
    "submitted": "coop_membership.mail_template_subscription_received",
    "waiting_payment": "coop_membership.mail_template_subscription_invoice",
    "paid": "coop_membership.mail_template_subscription_paid",
    "rejected": "coop_membership.mail_template_subscription_rejected",
}


class CoopSubscriptionRequest(models.Model):
    _name = "coop.subscription.request"
    _description = "Share Subscription Request"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "coop.input.mixin",
        "coop.role.activity.mixin",
        "coop.state.guard.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _coop_minimums = {"quantity": 1}
    _coop_action_fields = frozenset(ACTION_FIELDS)
    _coop_deletable_states = ("draft", "cancelled")

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
        tracking=True,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    request_date = fields.Date(default=fields.Date.context_today, required=True)
    # The person: an existing contact, or the identity to create one at submission.
    partner_id = fields.Many2one(
        "res.partner", string="Person", index=True, tracking=True, ondelete="restrict"
    )
    partner_name = fields.Char(string="Name")
    greeting_name = fields.Char(
        compute="_compute_greeting_name",
        help="The name the acknowledgement greets: none for a request whose address is not "
        "confirmed yet (the name could be anybody's text).",
    )
    email = fields.Char()
    phone = fields.Char()
    street = fields.Char()
    zip = fields.Char()
    city = fields.Char()
    country_id = fields.Many2one(
        "res.country",
        compute="_compute_country_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    birthdate = fields.Date(string="Birth Date")
    contact_channel = fields.Selection(
        [("email", "Email"), ("paper", "Paper mail"), ("none", "No solicitation")],
        string="Preferred Channel",
        default="email",
    )
    # A legal person (local authority, association, company): partner_name is its legal
    # name, email/phone/address are the organisation's; it votes, receives convocations
    # and uses the member space through its representative, a person with their own
    # contact details (never the organisation's mailbox).
    is_organisation = fields.Boolean(
        string="Organisation",
        help="A local authority, an association or a company subscribing; it acts through "
        "its representative.",
    )
    legal_form = fields.Selection(LEGAL_FORMS)
    siret = fields.Char(
        string="SIREN / SIRET",
        help="The organisation's SIREN (9 digits) or SIRET (14 digits) number.",
    )
    representative_id = fields.Many2one(
        "res.partner",
        ondelete="restrict",
        tracking=True,
        help="The person who acts for the organisation (created at submission from the "
        "details below when empty).",
    )
    representative_name = fields.Char(string="Representative's Name")
    representative_function = fields.Char(string="Representative's Position")
    representative_email = fields.Char(string="Representative's Email")
    representative_phone = fields.Char(string="Representative's Phone")
    college_id = fields.Many2one("coop.college", required=True, check_company=True, tracking=True)
    share_class_id = fields.Many2one(
        "coop.share.class",
        required=True,
        check_company=True,
        compute="_compute_share_class_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    quantity = fields.Integer(string="Shares", required=True, default=1, tracking=True)
    unit_value = fields.Monetary(related="share_class_id.nominal_value")
    amount = fields.Monetary(compute="_compute_amount", store=True)
    member_id = fields.Many2one(
        "coop.member", string="Membership", readonly=True, copy=False, check_company=True
    )
    invoice_id = fields.Many2one(
        "account.move",
        readonly=True,
        copy=False,
        check_company=True,
        index="btree_not_null",
    )
    invoice_payment_state = fields.Selection(related="invoice_id.payment_state")
    operation_id = fields.Many2one(
        "coop.share.operation", string="Register Operation", readonly=True, copy=False
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("submitted", "Submitted"),
            ("on_hold", "On Hold"),
            ("waiting_payment", "Waiting for Payment"),
            ("paid", "Paid"),
            ("rejected", "Rejected"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    rejection_reason = fields.Text(readonly=True, copy=False, tracking=True)
    # Waiting list: the office holds a request (the board meets, a college is full...)
    # with its reason, instead of leaving it submitted for ever.
    hold_reason = fields.Text(
        string="Reason for the Hold",
        copy=False,
        tracking=True,
        help="Why the request waits (for example: until the board meets).",
    )
    hold_date = fields.Date(string="On Hold Since", readonly=True, copy=False)
    # Refunds (a redemption) are paid to this account: recorded on the person's contact.
    iban = fields.Char(
        string="Bank Account (IBAN)",
        help="The member's account for refunds, recorded on their contact at submission.",
    )
    # One person, one membership: the contacts the request's email (or registry number)
    # designates, shown to the officer when several could be the person.
    matching_partner_ids = fields.Many2many(
        "res.partner",
        string="Matching Contacts",
        compute="_compute_matching_partner_ids",
        help="Existing contacts with this email address (or SIREN/SIRET number).",
    )
    is_additional_subscription = fields.Boolean(
        string="More Shares of a Member",
        compute="_compute_is_additional_subscription",
        help="The person is already a member of this cooperative: the request subscribes "
        "more shares, it is no application.",
    )

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "The number of shares must be positive."),
    ]

    def init(self):
        # One row per person applying to a cooperative, upserted by _coop_lock_person to
        # serialize concurrent submissions (no model: nothing reads it).
        self.env.cr.execute(
            """CREATE TABLE IF NOT EXISTS coop_subscription_person_lock (
                   company_id integer NOT NULL REFERENCES res_company ON DELETE CASCADE,
                   person_key varchar NOT NULL,
                   PRIMARY KEY (company_id, person_key)
               )"""
        )
        # Matching a request to its person searches contacts by normalized email (an
        # organisation by registry number): Odoo 18 leaves res_partner.email_normalized
        # unindexed, and each website application would then read every contact.
        create_index(
            self.env.cr,
            "res_partner_coop_email_normalized_index",
            "res_partner",
            ["email_normalized"],
            where="email_normalized IS NOT NULL",
        )
        create_index(
            self.env.cr,
            "res_partner_coop_company_registry_index",
            "res_partner",
            ["company_registry"],
            where="company_registry IS NOT NULL",
        )

    @api.depends("email", "partner_id", "state")
    def _compute_matching_partner_ids(self):
        for request in self:
            request.matching_partner_ids = (
                request._coop_matching_partners()
                if request.state in ("draft", "submitted") and not request.partner_id
                else False
            )

    @api.depends("partner_id", "company_id")
    def _compute_is_additional_subscription(self):
        for request in self:
            request.is_additional_subscription = request._existing_member().state in ACTIVE_STATES

    @api.depends("company_id")
    def _compute_country_id(self):
        # Most people live where their cooperative is: a typed or contact country wins.
        for request in self:
            if not request.country_id:
                request.country_id = request.company_id.country_id

    @api.depends("company_id", "college_id")
    def _compute_share_class_id(self):
        """The class open to the college, when the cooperative offers it only one."""
        classes = self.env["coop.share.class"].search([("company_id", "in", self.company_id.ids)])
        for request in self:
            if request.state != "draft" or not request.college_id:
                continue
            current = request.share_class_id
            if (
                current
                and current.company_id == request.company_id
                and current._is_allowed_for(request.college_id)
            ):
                continue
            offered = classes.filtered(
                lambda c, r=request: (
                    c.company_id == r.company_id and c._is_allowed_for(r.college_id)
                )
            )
            request.share_class_id = offered if len(offered) == 1 else False

    @api.depends("quantity", "share_class_id.nominal_value")
    def _compute_amount(self):
        for request in self:
            request.amount = request.quantity * request.share_class_id.nominal_value

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        partner = self.partner_id
        if partner:
            self.update(
                {
                    "partner_name": partner.name,
                    "email": partner.email,
                    "phone": partner.phone,
                    "street": partner.street,
                    "zip": partner.zip,
                    "city": partner.city,
                    "country_id": partner.country_id.id,
                    "contact_channel": partner.coop_contact_channel,
                }
            )
            if partner.is_company:
                self.update(
                    {
                        "is_organisation": True,
                        "siret": partner.company_registry,
                        "legal_form": partner.coop_legal_form,
                    }
                )

    @api.depends("partner_id.name")
    def _compute_greeting_name(self):
        for request in self:
            request.greeting_name = request.partner_id.name

    @api.constrains("is_organisation", "siret", "email", "representative_email")
    def _check_organisation(self):
        """A wrong SIREN/SIRET, or a representative reached at the organisation's own
        mailbox, is refused when typed: the convocations must reach a person."""
        for request in self.filtered("is_organisation"):
            if request.siret and not siret_is_valid(request.siret):
                raise ValidationError(
                    _(
                        "%(number)s is not a valid SIREN (9 digits) or SIRET (14 digits) "
                        "number: check it on the organisation's Kbis or INSEE notice.",
                        number=request.siret,
                    )
                )
            org_email = (request.email or request.partner_id.email or "").strip().lower()
            rep_email = request.representative_email or request.representative_id.email
            if rep_email and rep_email.strip().lower() == org_email:
                raise ValidationError(
                    _(
                        "The representative's email must be their own, not the "
                        "organisation's (%(email)s): the convocations and the member space "
                        "are personal.",
                        email=org_email,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._coop_check_vals(vals_list)
        for vals in vals_list:
            if vals.get("siret"):
                vals["siret"] = normalize_siret(vals["siret"])
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("coop.subscription.request") or "/"
                )
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("siret"):
            vals = dict(vals, siret=normalize_siret(vals["siret"]))
        return super().write(vals)

    # ------------------------------------------------------------------
    # State guard (coop.state.guard.mixin)
    # ------------------------------------------------------------------
    def _coop_guard_messages(self):
        return {
            "action": _(
                "The status, membership, invoice and register operation of a subscription "
                "request are set only by its actions (Submit, Accept and Invoice, Refuse, "
                "Cancel, Reset to Draft)."
            ),
            "create": _("A subscription request starts as a draft; its actions carry it on."),
            "unlink": _("Only draft or cancelled subscription requests can be deleted."),
        }

    def _coop_guard_rules(self):
        def frozen(labels):
            return _(
                "This subscription request can no longer be changed (%(fields)s): cancel "
                "it and make a new one.",
                fields=labels,
            )

        return [
            GuardRule(SUBMITTED_FIELDS - {"partner_id"}, lambda r: r.state != "draft", frozen),
            # Several contacts matched at submission: the officer chooses the person.
            GuardRule(
                frozenset({"partner_id"}),
                lambda r: r.state != "draft" and (r.state != "submitted" or r.partner_id),
                frozen,
            ),
            GuardRule(INVOICED_FIELDS, lambda r: r.state not in ("draft", "submitted"), frozen),
        ]

    def _coop_guard_check_write(self, vals):
        res = super()._coop_guard_check_write(vals)
        self._coop_check_vals([vals])
        return res

    # ------------------------------------------------------------------
    # Checks: one place for the refusal rules
    # ------------------------------------------------------------------
    def _existing_member(self):
        self.ensure_one()
        if self.member_id:
            return self.member_id
        if not self.partner_id:
            return self.env["coop.member"]
        return (
            self.env["coop.member"]
            .sudo()
            .search(
                [("partner_id", "=", self.partner_id.id), ("company_id", "=", self.company_id.id)],
                limit=1,
            )
        )

    def _organisation_partner_values(self):
        """What the organisation's contact card gets from the request."""
        self.ensure_one()
        if not self.is_organisation:
            return {}
        return {
            "is_company": True,
            "company_registry": self.siret,
            "coop_legal_form": self.legal_form,
        }

    def _create_representative(self):
        """The representative as a contact of the organisation (its address, their own
        email and phone), once the request is submitted."""
        self.ensure_one()
        if not self.representative_name:
            return
        self.representative_id = self.env["res.partner"].create(
            {
                "name": self.representative_name,
                "parent_id": self.partner_id.id,
                "type": "contact",
                "function": self.representative_function,
                "email": self.representative_email,
                "phone": self.representative_phone,
                "coop_contact_channel": self.contact_channel or "email",
                "lang": self.company_id.partner_id.lang or self.env.lang,
            }
        )

    def _check_request(self):
        """Raise a clear error when the request cannot go on; store nothing."""
        Operation = self.env["coop.share.operation"]
        for request in self:
            if not request.partner_id and not request.partner_name:
                if request.is_organisation:
                    raise UserError(_("Give the legal name of the organisation subscribing."))
                raise UserError(_("Give the name of the person subscribing."))
            if request.is_organisation and not (
                request.representative_id
                or (request.representative_name and request.representative_email)
                or request._existing_member().representative_id
            ):
                raise UserError(
                    _(
                        "Name the representative of %(organisation)s, with their own "
                        "email: they vote and receive the convocations for it.",
                        organisation=request.partner_id.name or request.partner_name,
                    )
                )
            if not request.share_class_id.active:
                raise UserError(
                    _(
                        "Share class %(share_class)s is archived.",
                        share_class=request.share_class_id.display_name,
                    )
                )
            member = request._existing_member()
            if member.state == "deceased":
                raise UserError(_("This person is recorded as deceased."))
            college = member.college_id if member.state in ACTIVE_STATES else request.college_id
            person = request.partner_id.name or request.partner_name
            share_class = request.share_class_id
            if not share_class._is_allowed_for(college):
                raise UserError(
                    _(
                        "Share class %(share_class)s is not open to the college %(college)s "
                        "of %(person)s.",
                        share_class=share_class.display_name,
                        college=college.name,
                        person=person,
                    )
                )
            before = (
                Operation._coop_holdings(member.ids).get((member.id, share_class.id), 0)
                if member
                else 0
            )
            after = before + request.quantity
            if after < share_class.min_shares or (
                share_class.max_shares and after > share_class.max_shares
            ):
                raise UserError(
                    _(
                        "%(person)s would hold %(after)s shares of %(share_class)s: a member "
                        "holds between %(min)s and %(max)s shares of this class.",
                        person=person,
                        after=after,
                        share_class=share_class.display_name,
                        min=share_class.min_shares,
                        max=share_class.max_shares or _("unlimited"),
                    )
                )
            open_domain = self._open_requests_domain(
                request.company_id, partner=request.partner_id, email=request.email
            )
            if open_domain:
                others = self.sudo().search_count([("id", "!=", request.id), *open_domain], limit=1)
                if others:
                    raise UserError(
                        _(
                            "%(person)s already has an open subscription request in "
                            "%(company)s: complete or cancel it first.",
                            person=person,
                            company=request.company_id.name,
                        )
                    )

    @api.model
    def _open_requests_domain(self, company, partner=None, email=None):
        """Open requests of the same person in ``company``, or None if nobody is named.

        The same person: the same contact, or for a person still to be created the same
        email address (=ilike compares without case; _ and % are literal here).
        """
        if partner:
            same_person = [("partner_id", "=", partner.id)]
        elif email:
            email = escape_psql(email.strip())
            same_person = ["|", ("email", "=ilike", email), ("partner_id.email", "=ilike", email)]
        else:
            return None
        return [*same_person, ("company_id", "=", company.id), ("state", "in", OPEN_STATES)]

    # ------------------------------------------------------------------
    # One person, one membership: who the request is from
    # ------------------------------------------------------------------
    def _coop_registry_numbers(self):
        """The organisation's SIREN/SIRET as contacts may carry it: the SIRET and its SIREN."""
        self.ensure_one()
        number = "".join(ch for ch in (self.siret or "") if ch.isdigit())
        number = number if self.is_organisation else ""
        if len(number) == 14:
            return [number, number[:9]]
        return [number] if len(number) == 9 else []

    def _coop_matching_partners(self):
        """Existing contacts that are this request's person: by registry number for an
        organisation, else by email (without case or spaces, never an empty one).

        Read as superuser: the person is one across cooperatives, whoever may read which
        contact; callers are the request's own actions and its form.
        """
        self.ensure_one()
        Partner = self.env["res.partner"].sudo()
        numbers = self._coop_registry_numbers()
        if numbers:
            domain = [("company_registry", "in", numbers)]
            if "siret" in Partner._fields:
                domain = ["|", ("siret", "in", numbers), *domain]
            partners = Partner.search([("is_company", "=", True), *domain])
            if partners:
                return partners
        email = email_normalize(self.email or "")
        if not email:
            return Partner.browse()
        # email_normalized has the index made in init(): the time per request does not grow
        # with the number of contacts. A person is never an organisation sharing their
        # mailbox (an association's president), nor the reverse.
        return Partner.search(
            [("email_normalized", "=", email), ("is_company", "=", bool(self.is_organisation))]
        )

    def _coop_find_person(self):
        """Return (partner, ambiguous): the one existing contact that is the person, or
        ambiguous=True when several could be and the officer must choose.

        Several contacts may share an email (a family): the one already a member of this
        cooperative is the person, as for the peer (OCA cooperator).
        """
        self.ensure_one()
        partners = self._coop_matching_partners()
        if len(partners) <= 1:
            return partners, False
        members = (
            self.env["coop.member"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", partners.ids),
                    ("company_id", "=", self.company_id.id),
                    ("state", "in", ACTIVE_STATES),
                ]
            )
        )
        if len(members) == 1:
            return members.partner_id, False
        return partners.browse(), True

    def _coop_lock_person(self):
        """Serialize the submissions of one person (email or contact) in one cooperative.

        Two applications sent at once each see the database as it was before the other:
        both would create the same person. Upserting one row per person makes the later
        transaction fail to serialize; Odoo replays it on fresh data, where the first
        request (and its contact) are seen.
        """
        keys = set()
        for request in self:
            email = email_normalize(request.email or request.partner_id.email or "")
            if email:
                keys.add((request.company_id.id, f"email:{email}"))
            if request.partner_id:
                keys.add((request.company_id.id, f"partner:{request.partner_id.id}"))
            for number in request._coop_registry_numbers():
                keys.add((request.company_id.id, f"registry:{number}"))
        for company_id, key in sorted(keys):
            self.env.cr.execute(
                """INSERT INTO coop_subscription_person_lock (company_id, person_key)
                   VALUES (%s, %s)
                   ON CONFLICT (company_id, person_key)
                   DO UPDATE SET person_key = EXCLUDED.person_key""",
                [company_id, key],
            )

    def _coop_new_partner(self):
        """The contact of a person the database does not know yet."""
        self.ensure_one()
        return self.env["res.partner"].create(
            {
                "name": self.partner_name,
                "email": self.email,
                "phone": self.phone,
                "street": self.street,
                "zip": self.zip,
                "city": self.city,
                "country_id": self.country_id.id,
                "coop_contact_channel": self.contact_channel or "email",
                "coop_birthdate": not self.is_organisation and self.birthdate,
                # Members read the cooperative's mails in its language, whoever
                # typed the request.
                "lang": self.company_id.partner_id.lang or self.env.lang,
                **self._organisation_partner_values(),
            }
        )

    def action_create_partner(self):
        """The officer decides that none of the matching contacts is the person."""
        self._check_state(("submitted",))
        for request in self:
            if request.partner_id:
                raise UserError(
                    _("Subscription request %(name)s already has its person.", name=request.name)
                )
            request._guarded_write({"partner_id": request._coop_new_partner().id})
            if request.is_organisation and not request.representative_id:
                request._create_representative()
        return True

    @api.constrains("iban")
    def _check_iban(self):
        """Odoo's own IBAN check (base_iban): country format and check digits."""
        for request in self.filtered("iban"):
            validate_iban(request.iban)

    def _coop_record_bank_account(self):
        """Record the request's IBAN on its person's contact, where refunds are paid.

        Called by the request's actions once they have checked the caller: the officer or
        the website records a member's account without the accounting rights.
        """
        Bank = self.env["res.partner.bank"].sudo()
        for request in self.filtered(lambda r: r.iban and r.partner_id):
            partner = request.partner_id.commercial_partner_id
            number = sanitize_account_number(request.iban)
            if number in partner.sudo().bank_ids.mapped("sanitized_acc_number"):
                continue
            Bank.create({"partner_id": partner.id, "acc_number": request.iban})

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------
    def _check_state(self, allowed):
        # Lock the requests first: a second transaction taking the same step at the same
        # time waits here, then fails to serialize and Odoo replays it on fresh data, where
        # the check below refuses it (instead of it tripping over what the first created).
        if self.ids:
            self.env.cr.execute(
                "SELECT id FROM coop_subscription_request WHERE id = ANY(%s) FOR NO KEY UPDATE",
                [self.ids],
            )
        for request in self:
            if request.state not in allowed:
                raise UserError(
                    _(
                        "Subscription request %(name)s is %(state)s: this step is not possible.",
                        name=request.name,
                        state=dict(self._fields["state"]._description_selection(self.env))[
                            request.state
                        ],
                    )
                )

    def action_submit(self):
        """Record the request (creating the person if needed) and acknowledge it."""
        self._check_state(("draft",))
        for request in self:
            if not request.partner_id:
                request._check_request()
                request._coop_lock_person()
                partner, ambiguous = request._coop_find_person()
                # An existing contact is the person (a member then subscribes more shares);
                # several possible contacts leave the choice to the officer, never a new one.
                if partner or not ambiguous:
                    request.partner_id = partner or request._coop_new_partner()
            if request.is_organisation and not request.representative_id:
                request._create_representative()
        self._check_request()
        self._coop_record_bank_account()
        self._guarded_write({"state": "submitted"})
        # The office reviews it, whoever typed it (an officer, the website, the portal).
        self._coop_schedule_role_activity(
            "coop_membership.group_coop_officer",
            "coop_membership.mail_activity_subscription_review",
            note=lambda request: (
                False
                if request.partner_id
                else request.env._(
                    "Several contacts have the email address %(email)s: choose the person "
                    "among them, or create a new contact.",
                    email=request.email,
                )
            ),
        )
        # Without its person (several matching contacts), nobody is told until the officer
        # chooses.
        self.filtered("partner_id")._coop_notify(
            "coop_membership.mail_template_subscription_received"
        )
        return True

    def action_validate(self):
        """Accept the request and issue the call for payment (the capital release invoice).

        The officer's step (the applications, up to the call for payment) or the
        accountant's; the payment that follows is the accountant's.
        """
        # Superuser mode: the member portal accepts an admitted member's new shares
        # after its own ownership check.
        user = self.env.user
        if not (
            self.env.su
            or user.has_group("coop_membership.group_coop_officer")
            or user.has_group("coop_membership.group_coop_accountant")
        ):
            raise AccessError(
                _("Only cooperative officers and accountants may accept subscriptions.")
            )
        self.check_access("write")
        self._check_state(("submitted",))
        for request in self.filtered(lambda r: not r.partner_id):
            raise UserError(
                _(
                    "Several contacts match subscription request %(name)s: choose the person "
                    "among them, or create a new contact, before accepting it.",
                    name=request.name,
                )
            )
        self._check_request()
        self.share_class_id._check_accounting_ready()
        # The person may have been chosen since the submission (several matching contacts).
        self._coop_record_bank_account()
        self._accept()
        self.activity_feedback(["coop_membership.mail_activity_subscription_review"])
        self._coop_schedule_role_activity(
            "coop_membership.group_coop_accountant",
            "coop_membership.mail_activity_subscription_payment",
            # The invoice read as superuser: the officer who calls the capital reads no
            # accounting documents.
            date_deadline=lambda request: request.sudo().invoice_id.invoice_date_due,
            note=lambda request: request.env._(
                "Call for payment %(invoice)s sent to %(person)s: record the payment of "
                "%(amount)s when it arrives; the shares are then registered.",
                invoice=request.sudo().invoice_id.name,
                person=request.partner_id.name,
                amount=format_amount(request.env, request.amount, request.currency_id),
            ),
        )
        self._coop_notify("coop_membership.mail_template_subscription_invoice", attach_invoice=True)
        return True

    def _accept(self):
        """Candidacy and posted invoice, once action_validate has checked the caller."""
        for request in self:
            # The accountant may not register members: the candidacy that comes with an
            # accepted subscription is written as superuser, for this request only.
            member = request._existing_member()
            if not member:
                member = (
                    self.env["coop.member"]
                    .sudo()
                    .create(
                        {
                            "partner_id": request.partner_id.id,
                            "company_id": request.company_id.id,
                            "college_id": request.college_id.id,
                            "representative_id": request.representative_id.id,
                        }
                    )
                )
            elif member.state in ("resigned", "excluded", "candidate"):
                member.sudo().college_id = request.college_id
            # An organisation already a member keeps its representative: changing it is
            # the officer's explicit act on the membership, tracked there.
            if request.representative_id and not member.representative_id:
                member.sudo().representative_id = request.representative_id
            invoice = request._create_invoice()
            request._guarded_write(
                {"member_id": member.id, "invoice_id": invoice.id, "state": "waiting_payment"}
            )

    def _create_invoice(self):
        self.ensure_one()
        share_class = self.share_class_id
        Move = self.env["account.move"]
        # The officer calls the capital without the accounting rights: the invoice is
        # posted as superuser once action_validate has checked the officer's role.
        if not Move.has_access("create"):
            Move = Move.sudo()
        invoice = Move.with_company(self.company_id).create(
            {
                "move_type": "out_invoice",
                "company_id": self.company_id.id,
                "partner_id": self.partner_id.id,
                "journal_id": share_class.journal_id.id,
                "invoice_date": self.request_date,
                # Capital is called at once: due on the invoice date, no payment term.
                "invoice_date_due": self.request_date,
                "invoice_payment_term_id": False,
                "invoice_origin": self.name,
                "narration": _(
                    "Release of %(quantity)s shares of %(share_class)s: share capital, "
                    "not subject to VAT.",
                    quantity=self.quantity,
                    share_class=share_class.name,
                ),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": share_class.product_id.id,
                            "name": _(
                                "%(quantity)s shares %(share_class)s - nominal value %(value)s",
                                quantity=self.quantity,
                                share_class=share_class.name,
                                value=share_class.nominal_value,
                            ),
                            "quantity": self.quantity,
                            "price_unit": share_class.nominal_value,
                            "account_id": share_class._coop_call_account().id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _coop_mark_paid(self, date=None):
        """Paid invoice: confirm the register operation and admit the person."""
        for request in self.filtered(lambda r: r.state == "waiting_payment"):
            member = request.member_id
            pay_date = date or request._payment_date()
            # A member in their notice period subscribes as a member: no new admission.
            if member.state not in ACTIVE_STATES:
                member.action_admit(admission_date=pay_date)
            operation = self.env["coop.share.operation"].create(
                {
                    "date": pay_date,
                    "company_id": request.company_id.id,
                    "member_id": member.id,
                    "share_class_id": request.share_class_id.id,
                    "operation_type": "subscription",
                    "quantity": request.quantity,
                    "unit_value": request.share_class_id.nominal_value,
                    "move_id": request.invoice_id.id,
                    "note": request.name,
                }
            )
            operation.action_confirm()
            request._guarded_write({"operation_id": operation.id, "state": "paid"})
            request.activity_feedback(["coop_membership.mail_activity_subscription_payment"])
            request._coop_notify("coop_membership.mail_template_subscription_paid")
        return True

    def _coop_record_payment(self, date=None, journal=None):
        """Record the full payment of the invoices received on the bank journal.

        The paid invoice then registers the shares (see ``account.move._invoice_paid_hook``).
        """
        self._check_state(("waiting_payment",))
        for request in self:
            register = (
                self.env["account.payment.register"]
                .with_context(active_model="account.move", active_ids=request.invoice_id.ids)
                .create(
                    {
                        "payment_date": fields.Date.to_date(date)
                        or fields.Date.context_today(self),
                        **({"journal_id": journal.id} if journal else {}),
                    }
                )
            )
            register._create_payments()
        return True

    def _payment_date(self):
        self.ensure_one()
        lines = self.invoice_id.line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        )
        dates = (lines.matched_credit_ids.credit_move_id).mapped("date")
        return max(dates) if dates else fields.Date.context_today(self)

    def action_reject(self, reason=None):
        self._check_state(("submitted", "on_hold", "waiting_payment"))
        reason = reason or self.env.context.get("coop_rejection_reason")
        if not reason:
            raise UserError(_("Give the reason for refusing the subscription."))
        self._cancel_invoices()
        self._guarded_write({"state": "rejected", "rejection_reason": reason})
        self._coop_unlink_step_activities()
        self._coop_notify("coop_membership.mail_template_subscription_rejected")
        return True

    def action_cancel(self):
        self._check_state(OPEN_STATES)
        self._cancel_invoices()
        self._guarded_write({"state": "cancelled"})
        self._coop_unlink_step_activities()
        return True

    def action_hold(self, reason=None):
        """Put a submitted request on the waiting list, with its reason (the office's)."""
        self._check_office()
        self._check_state(("submitted",))
        reason = reason or self.env.context.get("coop_hold_reason")
        if reason:
            self.write({"hold_reason": reason})
        if any(not request.hold_reason for request in self):
            raise UserError(_("Give the reason for putting the request on hold."))
        self._guarded_write({"state": "on_hold", "hold_date": fields.Date.context_today(self)})
        # Nobody has anything to review while it waits: the review comes back with it.
        self._coop_unlink_step_activities()
        return True

    def action_resume(self):
        """Take a request off the waiting list: back to the office's review."""
        self._check_office()
        self._check_state(("on_hold",))
        self._guarded_write({"state": "submitted", "hold_date": False})
        self._coop_schedule_role_activity(
            "coop_membership.group_coop_officer",
            "coop_membership.mail_activity_subscription_review",
        )
        return True

    def _check_office(self):
        if not (
            self.env.su
            or self.env.user.has_group("coop_membership.group_coop_officer")
            or self.env.user.has_group("coop_membership.group_coop_accountant")
        ):
            raise AccessError(
                _("Only cooperative officers and accountants may hold or resume requests.")
            )
        self.check_access("write")

    def _coop_unlink_step_activities(self):
        """A refused or cancelled request leaves nobody anything to review or cash."""
        self.sudo().activity_unlink(
            [
                "coop_membership.mail_activity_subscription_review",
                "coop_membership.mail_activity_subscription_payment",
            ]
        )

    def action_draft(self):
        """Start a cancelled request again: its cancelled invoice and the membership
        chosen for it stay in the history, not on the request (the person may change)."""
        self._check_state(("cancelled",))
        self._guarded_write(
            {"state": "draft", "member_id": False, "invoice_id": False, "rejection_reason": False}
        )
        return True

    def _cancel_invoices(self):
        """Cancel the unpaid calls for payment of requests the caller may write.

        The officer who refuses or cancels a request withdraws its call for payment
        without the accounting rights: done as superuser once the write access is checked.
        """
        self.check_access("write")
        for request in self.sudo().filtered("invoice_id"):
            invoice = request.invoice_id
            if invoice.payment_state not in ("not_paid",):
                raise UserError(
                    _(
                        "Invoice %(invoice)s has already received a payment: refund it "
                        "before refusing or cancelling the subscription.",
                        invoice=invoice.name,
                    )
                )
            if invoice.state == "posted":
                invoice.button_draft()
            if invoice.state == "draft":
                invoice.button_cancel()

    def action_open_reject_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Refuse the subscription"),
            "res_model": "coop.subscription.reject.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_request_id": self.id},
        }

    def action_view_invoice(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.invoice_id.id,
            "view_mode": "form",
        }

    # ------------------------------------------------------------------
    # Sending: email or paper, as the person's channel says
    # ------------------------------------------------------------------
    def _coop_notify(self, template_xmlid, attach_invoice=False):
        template = self.env.ref(template_xmlid, raise_if_not_found=False)
        if not template:
            return
        for request in self:
            split = request.partner_id._coop_contact_split("legal")
            if split["email"]:
                # No PDF while modules load (demo data, called by <function> tags outside
                # install_mode): no web server serves the report assets then, and the
                # invoice stays printable from its form.
                attachments = (
                    request._coop_invoice_attachment()
                    if attach_invoice
                    and request.invoice_id
                    and self.env.registry.ready
                    and not self.env.context.get("install_mode")
                    else self.env["ir.attachment"]
                )
                # The call for payment quotes its invoice, which an officer does not read:
                # rendered as superuser, still posted in the officer's name.
                poster = request.sudo() if attach_invoice else request
                poster.with_context(lang=request.partner_id.lang).message_post_with_source(
                    template, subtype_xmlid="mail.mt_comment", attachment_ids=attachments.ids
                )
            else:
                # Letters are the office's: its officers get the task, with the letter
                # printable from the request (Print > Letter to the person).
                activity = request._coop_schedule_role_activity(
                    "coop_membership.group_coop_officer",
                    "coop_membership.mail_activity_subscription_letter",
                    note=_(
                        "%(person)s has no email address or asked for paper mail: print and "
                        "post this notice.",
                        person=request.partner_id.name,
                    ),
                )
                activity.summary = _("Send by post: %(subject)s", subject=template.name)

    # ------------------------------------------------------------------
    # Paper letters: the notice of the request's current step, to print and post
    # ------------------------------------------------------------------
    def _coop_letter_template(self):
        self.ensure_one()
        xmlid = LETTER_TEMPLATES.get(self.state)
        if not xmlid:
            raise UserError(
                _(
                    "Subscription request %(name)s is %(state)s: there is no letter to post "
                    "for it.",
                    name=self.name,
                    state=dict(self._fields["state"]._description_selection(self.env))[self.state],
                )
            )
        return self.env.ref(xmlid)

    def _coop_letter_values(self):
        """What the letter says: the same notice as the email, in the person's language.

        Read access is checked on the requests; the notice is then rendered as superuser
        (a call for payment quotes its invoice, which an officer does not read).
        """
        self.check_access("read")
        installed = dict(self.env["res.lang"].get_installed())
        letters = []
        for request in self:
            template = request._coop_letter_template().sudo()
            lang = request.partner_id.lang or request.company_id.partner_id.lang
            if lang not in installed:
                lang = self.env.lang or "en_US"
            template = template.with_context(lang=lang)
            record = request.sudo().with_context(lang=lang)
            bank = request.company_id.partner_id.bank_ids[:1].sudo()
            letters.append(
                {
                    "request": record,
                    "lang": lang,
                    "subject": template._render_field("subject", record.ids, set_lang=lang)[
                        record.id
                    ],
                    "body": template._render_field("body_html", record.ids, set_lang=lang)[
                        record.id
                    ],
                    "date": format_date(
                        request.with_context(lang=lang).env,
                        fields.Date.context_today(self),
                        date_format="long",
                    ),
                    "iban": bank.acc_number if request.state == "waiting_payment" else False,
                    "payment_reference": (
                        record.invoice_id.payment_reference or record.invoice_id.name
                    )
                    if request.state == "waiting_payment"
                    else False,
                }
            )
        return letters

    def action_print_letter(self):
        """Print the letters of these requests (one page each, for a window envelope)."""
        for request in self:
            request._coop_letter_template()
        return self.env.ref("coop_membership.action_report_subscription_letter").report_action(self)

    def _coop_invoice_attachment(self):
        """The capital release invoice as a PDF attached to the request's message."""
        self.ensure_one()
        invoice = self.invoice_id
        # Rendered as superuser: the officer who issues the call for payment reads no
        # accounting documents; the PDF goes to the request the officer may write.
        content, _report_type = (
            self.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf("account.account_invoices", invoice.ids)
        )
        return self.env["ir.attachment"].create(
            {
                "name": f"{(invoice.name or 'invoice').replace('/', '_')}.pdf",
                "raw": content,
                "mimetype": "application/pdf",
                "res_model": self._name,
                "res_id": self.id,
            }
        )
