import collections
import datetime
import logging

from odoo import SUPERUSER_ID, _, api, fields, models
from odoo.exceptions import AccessDenied
from odoo.http import request
from odoo.tools import email_normalize

_logger = logging.getLogger(__name__)

# The staff whose accounts reach members' personal data and money: a second factor at login.
STAFF_2FA_GROUPS = ("coop_membership.group_coop_officer", "coop_membership.group_coop_accountant")
# Memberships whose person may use the member space (exits keep read access; a death
# archives the user, candidates are not members yet).
SSO_MEMBER_STATES = ("member", "resigning", "resigned", "excluded")
# Logins whose failures one worker remembers at most (each costs ~200 bytes).
MAX_TRACKED_LOGINS = 20000


class ResUsers(models.Model):
    _inherit = "res.users"

    coop_member_company_ids = fields.Many2many(
        "res.company",
        compute="_compute_coop_member_company_ids",
        string="Member of",
        help="Cooperatives where this person holds an active membership (record rules).",
    )

    def _compute_coop_member_company_ids(self):
        # Read as superuser: record rules evaluate this for portal users, who cannot
        # read memberships themselves.
        for user in self:
            members = user.partner_id.sudo()._coop_portal_members()
            user.coop_member_company_ids = members.filtered("is_active_member").company_id

    @api.model
    def _coop_reset_login_unknown(self, login):
        """True when Odoo's password reset finds no single account for ``login``.

        Same search as ``reset_password`` (login, then email), as superuser: the visitor is
        anonymous. Only says whether to hide Odoo's "no account" answer, never shown.
        """
        users = self.sudo().search(self._get_login_domain(login))
        if not users:
            users = self.sudo().search(self._get_email_domain(login))
        return len(users) != 1

    # ------------------------------------------------------------------
    # Two-factor authentication for the staff
    # ------------------------------------------------------------------
    def _mfa_type(self):
        """Odoo's "2FA required" type ('totp_mail', from auth_totp_mail_enforce) for the
        coop staff groups, as Odoo's "employees required" policy does for every employee.

        An authenticator app set up by the person wins (super() answers 'totp'); without
        one the login asks for a code sent by email, and the page invites the person to
        set up the app.
        """
        mfa = super()._mfa_type()
        if mfa is not None or not self._coop_staff_2fa_required():
            return mfa
        return "totp_mail"

    def _rpc_api_keys_only(self):
        """Staff who need a second factor use API keys over XML-RPC/JSON-RPC, as Odoo
        requires of anyone with an authenticator app: a password alone would skip the
        second factor."""
        return self._coop_staff_2fa_required() or super()._rpc_api_keys_only()

    def _coop_staff_2fa_required(self):
        """Staff need a second factor unless the settings say optional (the demo does)."""
        if len(self) != 1:
            return False
        policy = self.env["ir.config_parameter"].sudo().get_param("coop_portal.staff_2fa")
        if policy == "optional":
            return False
        user = self.sudo()
        return any(user.has_group(xmlid) for xmlid in STAFF_2FA_GROUPS)

    # ------------------------------------------------------------------
    # Login delays per address and per login
    # ------------------------------------------------------------------
    @classmethod
    def _login(cls, db, credential, user_agent_env):
        """Odoo's login with a delay per login on top of Odoo's delay per address.

        Odoo (``_assert_can_auth``) puts an address on cooldown after
        ``base.login_cooldown_after`` failures for ``base.login_cooldown_duration`` seconds.
        An attacker with many addresses still tries one login again and again: the same
        rule applies per login. Both are checked before anything else, so the directory
        (auth_ldap tries it after Odoo's own refusal) is never asked during a cooldown.
        Like Odoo's counters these live in each worker's memory.
        """
        if not request:
            return super()._login(db, credential, user_agent_env=user_agent_env)
        key = cls._coop_login_key(credential.get("login"))
        with cls.pool.cursor() as cr:
            users = api.Environment(cr, SUPERUSER_ID, {})[cls._name]
            users._coop_check_cooldowns(key)
        try:
            auth_info = super()._login(db, credential, user_agent_env=user_agent_env)
        except AccessDenied:
            failures_map = cls._coop_login_failures()
            failures, __ = failures_map[key]
            failures_map[key] = (failures + 1, datetime.datetime.now())
            if len(failures_map) > MAX_TRACKED_LOGINS:
                # Bounded memory against guesses on ever new logins: forget the oldest half.
                oldest = sorted(failures_map, key=lambda k: failures_map[k][1])
                for stale in oldest[: len(oldest) // 2]:
                    del failures_map[stale]
            raise
        cls._coop_login_failures().pop(key, None)
        return auth_info

    @classmethod
    def _coop_login_key(cls, login):
        return str(login or "").strip().lower()

    @classmethod
    def _coop_login_failures(cls):
        """{login: (failures since the last success, time of the last failure)}."""
        registry = cls.pool
        failures = getattr(registry, "_coop_login_failures", None)
        if failures is None:
            failures = registry._coop_login_failures = collections.defaultdict(
                lambda: (0, datetime.datetime.min)
            )
        return failures

    def _coop_check_cooldowns(self, key):
        by_address = getattr(self.env.registry, "_login_failures", None) or {}
        address = request.httprequest.remote_addr
        for source, label in ((address, "address"), (key, "login")):
            failures_map = by_address if label == "address" else self._coop_login_failures()
            failures, previous = failures_map.get(source, (0, datetime.datetime.min))
            if self._on_login_cooldown(failures, previous):
                _logger.warning(
                    "Login attempt ignored (%s on cooldown) for login %r from %s: "
                    "%d failures since the last success",
                    label,
                    key,
                    address,
                    failures,
                )
                raise AccessDenied(
                    _("Too many login failures, please wait a bit before trying again.")
                )

    # ------------------------------------------------------------------
    # Single sign-on: the directory's person is an existing member
    # ------------------------------------------------------------------
    @api.model
    def _coop_sso_member_user(self, email, company=None):
        """The member-space user of the member with this email address, made on the
        member's own contact the first time; empty when no single member matches.

        Private: single sign-on (LDAP, OpenID Connect) calls it once the directory or the
        identity provider vouched for the person. Never creates a contact: the member is
        found by the address on file (in ``company`` when the directory belongs to one
        cooperative), and staff accounts are never handed out this way.
        """
        email = email_normalize(email or "")
        if not email:
            return self.browse()
        domain = [
            ("partner_id.email_normalized", "=", email),
            ("state", "in", SSO_MEMBER_STATES),
        ]
        if company:
            domain.append(("company_id", "=", company.id))
        members = self.env["coop.member"].sudo().search(domain)
        partners = members.partner_id
        if len(partners) != 1:
            if partners:
                _logger.warning(
                    "Single sign-on: %d contacts are members with the address %s; "
                    "none is chosen (merge the duplicates)",
                    len(partners),
                    email,
                )
            return self.browse()
        # An archived account stays archived: the office archived it (a death, a
        # decision), single sign-on does not bring it back.
        accounts = (
            self.sudo().with_context(active_test=False).search([("partner_id", "=", partners.id)])
        )
        if accounts and not accounts.filtered("active"):
            _logger.info("Single sign-on: the account of %s is archived", email)
            return self.browse()
        users = partners._coop_ensure_portal_users().filtered("share")
        return users[:1]
