import secrets
from datetime import timedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, email_normalize, hmac

# What a member types from a paper letter: no 0/O, 1/I/L or U/V to confuse, upper case,
# printed in two groups of five. 31 symbols ** 10 is about 50 bits: with five tries an
# hour per member number, guessing one would take longer than the code lives.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTWXYZ"
CODE_LENGTH = 10
# Days a printed code stays valid when the setting is not set.
CODE_DEFAULT_DAYS = 90
# Activation attempts in an hour before the page refuses more: per network address (a
# household shares one) and per member number (whoever types it).
ATTEMPTS_PER_ADDRESS = 10
ATTEMPTS_PER_NUMBER = 5
LOGIN_MAX = 64


def normalize_code(raw):
    """A code as typed (spaces, dashes, lower case) in the form it was hashed."""
    if not isinstance(raw, str):
        return ""
    return "".join(c for c in raw.upper() if c not in " -\t")


class CoopActivationCode(models.Model):
    """A personal code printed on a paper member's admission letter.

    Only a keyed hash is kept (in a column the ORM does not expose, like res.users'
    password): the code cannot be read back, not even by the administrator, so printing
    the letter again is the only way to give it, and it makes a new code (the previous one
    dies). A code opens one account once, before its expiry.
    """

    _name = "coop.activation.code"
    _description = "Account Activation Code"
    _order = "create_date desc, id desc"

    member_id = fields.Many2one(
        "coop.member", string="Membership", required=True, readonly=True, ondelete="cascade"
    )
    partner_id = fields.Many2one(
        "res.partner",
        string="Person",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        help="Who activates the account: the member, or an organisation's representative.",
    )
    company_id = fields.Many2one(
        related="member_id.company_id", store=True, index=True, string="Cooperative"
    )
    expiry_date = fields.Datetime(string="Valid Until", required=True, readonly=True)
    state = fields.Selection(
        [("valid", "Valid"), ("used", "Used"), ("revoked", "Replaced by a newer letter")],
        default="valid",
        required=True,
        readonly=True,
    )
    used_date = fields.Datetime(string="Used On", readonly=True)
    user_id = fields.Many2one("res.users", string="Account Opened", readonly=True)

    def init(self):
        res = super().init()
        cr = self.env.cr
        # The hash lives outside the ORM: no read, export or RPC reaches it.
        cr.execute(
            SQL(
                "ALTER TABLE %s ADD COLUMN IF NOT EXISTS code_hash varchar",
                SQL.identifier(self._table),
            )
        )
        # One row per key counting attempts, and one per attempt (see _coop_count_attempt),
        # and the link requests waiting for the scheduled action: nothing else reads
        # them, so no models.
        cr.execute(
            """CREATE TABLE IF NOT EXISTS coop_activation_key_lock (key varchar PRIMARY KEY);
               CREATE TABLE IF NOT EXISTS coop_activation_attempt (
                   key varchar NOT NULL,
                   create_date timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
               );
               CREATE INDEX IF NOT EXISTS coop_activation_attempt_key_date_index
                   ON coop_activation_attempt (key, create_date);
               CREATE TABLE IF NOT EXISTS coop_activation_link_request (
                   id serial PRIMARY KEY,
                   partner_id integer NOT NULL REFERENCES res_partner (id) ON DELETE CASCADE,
                   company_id integer NOT NULL REFERENCES res_company (id) ON DELETE CASCADE,
                   create_date timestamp NOT NULL DEFAULT (now() AT TIME ZONE 'UTC')
               )"""
        )
        return res

    # ------------------------------------------------------------------
    # Codes
    # ------------------------------------------------------------------
    def _coop_hash(self, code):
        """Keyed with the database secret and bound to the record: a copied table gives
        neither the codes nor a way to try them offline."""
        self.ensure_one()
        return hmac(self.env(su=True), "coop_activation_code", f"{self.id}:{normalize_code(code)}")

    @api.model
    def _coop_validity_days(self):
        raw = self.env["ir.config_parameter"].sudo().get_param("coop_portal.activation_code_days")
        try:
            days = int(raw)
        except (TypeError, ValueError):
            return CODE_DEFAULT_DAYS
        return days if days > 0 else CODE_DEFAULT_DAYS

    @api.model
    def _coop_issue(self, members):
        """New codes for ``members``' letters, the previous ones revoked.

        Officers print letters for the members of their cooperatives: the memberships are
        read as the caller (record rules), the codes written as superuser.

        :return: {member id: code as printed, "ABCDE-FGHJK"}
        """
        if not self.env.user.has_group("coop_membership.group_coop_officer"):
            raise AccessError(_("Only the cooperative's officers print admission letters."))
        members.check_access("read")
        members = members.sudo()
        exited = members.filtered(lambda m: m.state in ("candidate", "deceased"))
        if exited:
            raise UserError(
                _(
                    "No admission letter for %(names)s: only admitted members open an account.",
                    names=", ".join(exited.partner_id.mapped("name")),
                )
            )
        Code = self.sudo()
        Code.search([("member_id", "in", members.ids), ("state", "=", "valid")]).write(
            {"state": "revoked"}
        )
        expiry = fields.Datetime.now() + timedelta(days=self._coop_validity_days())
        codes = Code.create(
            [
                {
                    "member_id": member.id,
                    "partner_id": (member.representative_id or member.partner_id).id,
                    "expiry_date": expiry,
                }
                for member in members
            ]
        )
        printed = {}
        for code in codes:
            plain = "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET code_hash = %s WHERE id = %s",
                    SQL.identifier(self._table),
                    code._coop_hash(plain),
                    code.id,
                )
            )
            printed[code.member_id.id] = f"{plain[:5]}-{plain[5:]}"
        return printed

    @api.model
    def _coop_find(self, member, code):
        """The code record of ``member`` matching ``code``, else a refusal.

        Another member's number, a forged code and a code of an older letter get the same
        answer; only whoever holds the right code learns that it expired or was used.
        """
        wrong = UserError(
            _(
                "This activation code does not match this member number. Check both on your "
                "letter, or ask your cooperative for a new letter."
            )
        )
        typed = normalize_code(code)
        if not member or len(typed) != CODE_LENGTH:
            raise wrong
        candidates = self.sudo().search([("member_id", "=", member.id)])
        hashes = {}
        if candidates:
            self.env.cr.execute(
                SQL(
                    "SELECT id, code_hash FROM %s WHERE id IN %s",
                    SQL.identifier(self._table),
                    tuple(candidates.ids),
                )
            )
            hashes = dict(self.env.cr.fetchall())
        found = candidates.filtered(
            lambda c: hashes.get(c.id) and secrets.compare_digest(hashes[c.id], c._coop_hash(typed))
        )
        # A letter printed for an organisation's former representative opens nothing.
        if not found or found.partner_id != (member.representative_id or member.partner_id):
            raise wrong
        if found.state == "used":
            raise UserError(
                _(
                    "This activation code was already used: log in with the login you chose, "
                    "or ask your cooperative for a new letter."
                )
            )
        if found.state == "revoked":
            raise UserError(
                _("A newer letter replaced this one: use the code of the latest letter.")
            )
        if found.expiry_date < fields.Datetime.now():
            raise UserError(
                _("This activation code has expired: ask your cooperative for a new letter.")
            )
        return found

    # ------------------------------------------------------------------
    # The "Activate my account" page
    # ------------------------------------------------------------------
    @api.model
    def _coop_activation_companies(self):
        """Cooperatives whose members may activate an account (those with members)."""
        groups = self.env["coop.member"].sudo()._read_group([], ["company_id"])
        return self.env["res.company"].sudo().browse([c.id for (c,) in groups]).sorted("name")

    @api.model
    def _coop_count_attempt(self, ip, company_id=None, number=None):
        """Count one attempt of the page; refuse past the hourly limits.

        Per network address and per member number: spreading guesses over addresses still
        meets the number's limit. A refused attempt writes nothing at all (a thousand
        attempts leave the rows of the allowed ones only). An allowed one locks its keys'
        rows, so that parallel posts count each other (as the join page's limit does: the
        second waits, then fails to serialize, and Odoo replays it on fresh data).
        """
        keys = [(f"ip:{ip or '-'}", ATTEMPTS_PER_ADDRESS)]
        if company_id and number:
            keys.append((f"number:{company_id}:{number.lstrip('0')}", ATTEMPTS_PER_NUMBER))
        if self._coop_over_limit(keys):
            raise UserError(
                _(
                    "Too many attempts to activate an account: try again in an hour, or "
                    "contact your cooperative."
                )
            )
        cr = self.env.cr
        for key, _limit in sorted(keys):
            cr.execute(
                """INSERT INTO coop_activation_key_lock (key) VALUES (%s)
                   ON CONFLICT (key) DO UPDATE SET key = EXCLUDED.key""",
                [key],
            )
            # The hour is all the limit reads: older attempts of this key go.
            cr.execute(
                """DELETE FROM coop_activation_attempt
                    WHERE key = %s
                      AND create_date < (now() AT TIME ZONE 'UTC') - interval '1 hour'""",
                [key],
            )
            cr.execute("INSERT INTO coop_activation_attempt (key) VALUES (%s)", [key])

    @api.model
    def _coop_over_limit(self, keys):
        """Whether one of ``keys`` reached its limit of attempts in the last hour."""
        cr = self.env.cr
        for key, limit in keys:
            cr.execute(
                """SELECT count(*) FROM coop_activation_attempt
                    WHERE key = %s
                      AND create_date >= (now() AT TIME ZONE 'UTC') - interval '1 hour'""",
                [key],
            )
            if cr.fetchone()[0] >= limit:
                return True
        return False

    @api.model
    def _coop_count_form(self, company_id, number, ip):
        """Count the attempt, then check the cooperative and the number's shape.

        Counted first, and kept when the rest is refused (the callers go on inside a
        savepoint): a wrong code counts as much as a right one.
        """
        number = (number or "").strip()
        if not number or len(number) > 20 or not number.isascii() or not number.isalnum():
            self._coop_count_attempt(ip)
            raise UserError(_("Give your member number as printed on your letters."))
        self._coop_count_attempt(ip, company_id, number)
        company = self._coop_activation_companies().filtered(lambda c: c.id == company_id)
        if not company:
            raise UserError(_("Choose your cooperative."))
        return company, number

    @api.model
    def _coop_lookup_member(self, company, number):
        """The admitted membership with this number (leading zeros may be left out)."""
        numbers = [number]
        if number.isdigit():
            numbers.append(number.zfill(6))
        return (
            self.env["coop.member"]
            .sudo()
            .search(
                [
                    ("company_id", "=", company.id),
                    ("member_number", "in", numbers),
                    ("state", "not in", ("candidate", "deceased")),
                ],
                limit=1,
            )
        )

    @api.model
    def _coop_request_link(self, company_id, number, proof, ip=None):
        """Mail a link to choose a password to the address on file of the member who gives
        their number and their email address or postcode.

        The caller shows the same answer whatever happens here (found or not, email on
        file or not): the page must not tell who is a member, not even by its speed.
        A match only notes the person for the scheduled action that makes the account and
        queues the email (_coop_process_link_requests); the action is woken up in every
        case, so a request costs the same searches and writes found or not.

        :return: whether the person was noted for a link (for tests; never shown).
        """
        company, number = self._coop_count_form(company_id, number, ip)
        if not proof:
            raise UserError(_("Give the email address or the postcode the cooperative has."))
        with self.env.cr.savepoint():
            member = self._coop_lookup_member(company, number)
            person = member.representative_id or member.partner_id
            email = email_normalize(person.email or "")
            zips = {z.replace(" ", "").upper() for z in (person.zip, member.partner_id.zip) if z}
            # Not found, wrong proof, or a paper member (no address to send to): nothing
            # is noted, and the same answer; a paper member asks for a letter.
            matched = bool(
                email
                and (email_normalize(proof) == email or proof.replace(" ", "").upper() in zips)
            )
            if matched:
                self.env.cr.execute(
                    """INSERT INTO coop_activation_link_request (partner_id, company_id)
                       VALUES (%s, %s)""",
                    [person.id, company.id],
                )
            self.env.ref("coop_portal.ir_cron_coop_activation_links").sudo()._trigger()
            return matched

    @api.model
    def _coop_process_link_requests(self, limit=500):
        """Scheduled action: the accounts and emails of the link requests noted by the
        "Activate my account" page (oldest first, ``limit`` people a run)."""
        cr = self.env.cr
        cr.execute(
            """DELETE FROM coop_activation_link_request
                WHERE id IN (SELECT id FROM coop_activation_link_request
                              ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED)
            RETURNING partner_id, company_id""",
            [limit],
        )
        requests = dict(cr.fetchall())  # one email per person, for their last request
        partners = self.env["res.partner"].sudo().browse(list(requests)).exists()
        partners._coop_ensure_portal_users()
        companies = self.env["res.company"].sudo().browse(set(requests.values()))
        for partner in partners:
            self._coop_send_link(partner, companies.browse(requests[partner.id]))
        cr.execute("SELECT 1 FROM coop_activation_link_request LIMIT 1")
        if cr.fetchone():
            self.env.ref("coop_portal.ir_cron_coop_activation_links").sudo()._trigger()
        return len(partners)

    @api.model
    def _coop_send_link(self, person, company):
        """Queue the activation mail: a signup link to the address on file, landing on the
        member's shares. The link dies once used (Odoo's signup token)."""
        partner = person.sudo()
        user = partner.user_ids[:1]
        if not user or not user.share:
            # Staff reset their password through the back office, never from here.
            return False
        partner.signup_prepare(signup_type="reset" if user.login_date else "signup")
        url = partner._get_signup_url_for_action(url="/my/cooperative")[partner.id]
        template = self.env.ref("coop_portal.mail_template_coop_activation_link")
        template.sudo().with_context(
            coop_activation_url=url,
            coop_company_name=company.name,
            coop_company_email=company.email_formatted,
        ).send_mail(partner.id, force_send=False, email_layout_xmlid="mail.mail_notification_light")
        return True

    @api.model
    def _coop_activate_with_code(
        self, company_id, number, code, login, password, confirm_password, ip=None
    ):
        """Open a paper member's account from the code of their letter.

        A paper member has no email address: they choose a login (an email address or any
        identifier) and a password here. An existing portal user of the person is reused
        (res.partner._coop_ensure_portal_users), else one is made with that login; it
        gets the login and password, and the code is spent. The person's contact data stay
        as they are (they may add an email address from the member space).

        :return: the login, for the caller to log the member in.
        """
        company, number = self._coop_count_form(company_id, number, ip)
        with self.env.cr.savepoint():
            member = self._coop_lookup_member(company, number)
            code = self._coop_find(member, code)
            login = self._coop_check_login(login, code.partner_id)
            # Odoo's password policy (auth_password_policy), the rule of every password of
            # the database; it lets an empty password through, this page does not.
            if not password:
                raise UserError(_("Choose a password."))
            self.env["res.users"]._check_password_policy([password])
            if password != confirm_password:
                raise UserError(_("The two passwords differ: type the same password twice."))
            user = self._coop_person_user(code.partner_id, login)
            user.write({"login": login, "password": password})
            # A link mailed earlier dies with the activation.
            code.partner_id.sudo().signup_type = False
            code.write({"state": "used", "used_date": fields.Datetime.now(), "user_id": user.id})
            code.member_id.message_post(
                body=_("Account opened by the member with the code of the admission letter."),
                subtype_xmlid="mail.mt_note",
            )
            return login

    @api.model
    def _coop_check_login(self, login, person):
        """The login a paper member chose: an email address, or a name without spaces."""
        login = (login or "").strip()
        if "@" in login:
            login = email_normalize(login) or ""
            if not login:
                raise UserError(_("This email address is not valid: check it, or choose a name."))
        if not login or len(login) > LOGIN_MAX or not login.isprintable() or " " in login:
            raise UserError(
                _("Choose a login: your email address, or a name without spaces (64 characters).")
            )
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        if Users.search_count([("login", "=ilike", login), ("partner_id", "!=", person.id)]):
            raise UserError(_("This login is taken: choose another one."))
        return login

    @api.model
    def _coop_person_user(self, person, login):
        """The person's portal user (superuser), made with ``login`` when they have none.

        Staff accounts are never opened from a letter: whoever printed it would hold the
        keys of a back-office account.
        """
        person = person.sudo()
        existing = person.with_context(active_test=False).user_ids
        if existing and not all(existing.mapped("share")):
            raise UserError(
                _("This person has a staff account: ask the cooperative's administrator.")
            )
        report = person._coop_ensure_portal_users_report()
        user = report["user_by_partner"].get(person.id)
        if user:
            return user.sudo()
        if person not in report["no_email"]:
            raise UserError(
                _("The account could not be opened: %s", report["failed"].get(person.id, ""))
            )
        # No address to make a login from (the usual case of a paper member): the login
        # is the one they chose, the rest as _coop_ensure_portal_users makes it.
        companies = person._coop_account_companies().get(person.id) or [self.env.company.id]
        return (
            self.env["res.users"]
            .sudo()
            .with_context(no_reset_password=True)
            .create(
                {
                    "login": login,
                    "partner_id": person.id,
                    "company_id": companies[0],
                    "company_ids": [Command.set(companies)],
                    "groups_id": [Command.set(self.env.ref("base.group_portal").ids)],
                }
            )
        )
