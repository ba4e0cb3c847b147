import logging

from odoo import Command, _, api, fields, models
from odoo.osv import expression
from odoo.tools import SQL, email_normalize

_logger = logging.getLogger(__name__)

ACCOUNT_STATES = [
    ("none", "No account"),
    ("invited", "Not activated"),
    ("active", "Activated"),
]


class ResPartner(models.Model):
    """One member-space account per person, made in sets (admission, invitations)."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    coop_account_state = fields.Selection(
        ACCOUNT_STATES,
        string="Member Space",
        compute="_compute_coop_account_state",
        search="_search_coop_account_state",
        help="No account: the person has no login. Not activated: they have a login but "
        "never signed in (their invitation is pending). Activated: they signed in at least "
        "once.",
    )
    # When the last welcome or invitation email went to this person: a campaign run
    # again reminds only those invited longer ago than its delay.
    coop_invitation_date = fields.Datetime(
        string="Member Space Invitation",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="coop_membership.group_coop_user",
    )

    # ------------------------------------------------------------------
    # Account state
    # ------------------------------------------------------------------
    def _compute_coop_account_state(self):
        states = self._coop_account_states()
        for partner in self:
            partner.coop_account_state = states.get(partner.id, "none")

    def _coop_account_states(self):
        """{partner_id: 'invited' | 'active'} for the partners of ``self`` with an active
        login; two queries for the whole set (a list page, a campaign batch).

        Activated means signed in once: res.users.log keeps each user's last login
        (Odoo's autovacuum deletes the older ones, never the last).
        """
        if not self.ids:
            return {}
        users = self.env["res.users"].sudo().search([("partner_id", "in", self.ids)])
        if not users:
            return {}
        logged = {
            user.id
            for [user] in self.env["res.users.log"]
            .sudo()
            ._read_group([("create_uid", "in", users.ids)], ["create_uid"])
        }
        states = {}
        for user in users:
            state = "active" if user.id in logged else "invited"
            if states.get(user.partner_id.id) != "active":
                states[user.partner_id.id] = state
        return states

    @api.model
    def _search_coop_account_state(self, operator, value):
        if operator not in ("=", "!=", "in", "not in"):
            raise NotImplementedError(_("Unsupported search on the member space state."))
        values = {value} if isinstance(value, str) or not value else set(value)
        values = {v or "none" for v in values}
        # Subqueries on the partner's active users and their login records.
        domains = {
            "none": [("user_ids", "=", False)],
            "active": [("user_ids.log_ids", "!=", False)],
            "invited": [("user_ids", "!=", False), "!", ("user_ids.log_ids", "!=", False)],
        }
        wanted = [domains[v] for v in values if v in domains]
        domain = expression.OR(wanted) if wanted else expression.FALSE_DOMAIN
        if operator in ("!=", "not in"):
            domain = ["!", *expression.normalize_domain(domain)]
        return domain

    # ------------------------------------------------------------------
    # Accounts in sets
    # ------------------------------------------------------------------
    def _coop_ensure_portal_users(self):
        """The member-space users of these partners, creating the missing ones.

        Private (the caller checked that its user may give these people an account:
        admission, an invitation campaign, the activation page); the users are made as
        superuser, in one create() per call. Sends no email. A person never gets a second
        user: an existing user of the partner (archived portal users are restored, an
        archived staff user is left alone) is returned as is, and an address that is
        already another user's login is refused.

        :return: res.users (superuser) of the partners that have a usable account now;
            partners missing from it failed, see ``_coop_ensure_portal_users_report``.
        """
        return self._coop_ensure_portal_users_report()["users"]

    def _coop_ensure_portal_users_report(self):
        """Same as ``_coop_ensure_portal_users``, with what happened to each partner.

        :return: dict with ``users`` (res.users of every partner with an account now),
            ``created`` (res.users made by this call), ``restored`` (archived portal users
            made active again), ``user_by_partner`` ({partner_id: res.users}),
            ``no_email`` (res.partner without a valid address and without a user),
            ``failed`` ({partner_id: translated reason}).
        """
        Users = self.env["res.users"].sudo().with_context(active_test=False)
        Partner = self.env["res.partner"]
        partners = self.sudo().exists()
        report = {
            "users": Users.browse(),
            "created": Users.browse(),
            "restored": Users.browse(),
            "user_by_partner": {},
            "no_email": Partner.browse(),
            "failed": {},
        }
        if not partners:
            return report
        companies = partners._coop_account_companies()
        deceased = partners._coop_deceased_ids()
        # 1. Users the partners already have (active first).
        existing = {}
        for user in Users.search([("partner_id", "in", partners.ids)], order="active desc, id"):
            existing.setdefault(user.partner_id.id, user)
        group_portal = self.env.ref("base.group_portal")
        group_public = self.env.ref("base.group_public")
        to_restore = Users.browse()
        for partner_id, user in existing.items():
            if user.active:
                continue
            if partner_id in deceased:
                report["failed"][partner_id] = _("The person is recorded as deceased.")
            elif user.share:
                to_restore |= user
            else:
                report["failed"][partner_id] = _(
                    "The person has an archived staff account: restore it by hand."
                )
        if to_restore:
            to_restore.write(
                {
                    "active": True,
                    "groups_id": [Command.link(group_portal.id), Command.unlink(group_public.id)],
                }
            )
            report["restored"] = to_restore
        # 2. Partners without a user: their address becomes their login.
        missing = partners.filtered(lambda p: p.id not in existing and p.id not in deceased)
        for partner in partners.filtered(lambda p: p.id not in existing and p.id in deceased):
            report["failed"][partner.id] = _("The person is recorded as deceased.")
        logins = {}
        for partner in missing:
            login = email_normalize(partner.email or "")
            if login:
                logins[partner.id] = login
            else:
                report["no_email"] |= partner
        shared = {}
        for partner_id, login in logins.items():
            shared.setdefault(login, []).append(partner_id)
        taken = self._coop_taken_logins(set(logins.values()))
        vals_list = []
        for partner in missing.filtered(lambda p: p.id in logins):
            login = logins[partner.id]
            if login in taken:
                report["failed"][partner.id] = _(
                    "The address %s is already the login of another account.", login
                )
            elif len(shared[login]) > 1:
                # Two contacts, one address: a couple or a duplicate; the office decides.
                report["failed"][partner.id] = _(
                    "The address %s is shared with another contact: give each person "
                    "their own address, or merge the duplicates.",
                    login,
                )
            else:
                company_ids = companies.get(partner.id) or [self.env.company.id]
                vals_list.append(
                    {
                        "login": login,
                        "partner_id": partner.id,
                        "company_id": company_ids[0],
                        "company_ids": [Command.set(company_ids)],
                        "groups_id": [Command.set(group_portal.ids)],
                    }
                )
        if vals_list:
            # Odoo posts "portal access granted" on each partner with a full message_post
            # (a third of the time of a batch): one batched log line per person instead.
            created = Users.with_context(no_reset_password=True, mail_create_nolog=True).create(
                vals_list
            )
            created.partner_id._message_log_batch(
                {user.partner_id.id: user._get_portal_access_update_body(True) for user in created}
            )
            report["created"] = created
            for user in created:
                existing[user.partner_id.id] = user
        # 3. Portal users see every cooperative they belong to (record rules use it).
        users = Users.browse(
            [
                user.id
                for partner_id, user in existing.items()
                if user.active and partner_id not in report["failed"]
            ]
        )
        for user in users.filtered("share"):
            extra = set(companies.get(user.partner_id.id, ())) - set(user.company_ids.ids)
            if extra:
                user.write({"company_ids": [Command.link(cid) for cid in sorted(extra)]})
        report["users"] = users
        report["user_by_partner"] = {user.partner_id.id: user for user in users}
        if report["failed"]:
            _logger.info("Member space accounts: %d not made", len(report["failed"]))
        return report

    def _coop_account_companies(self):
        """{partner_id: [company ids]} of the memberships each partner uses (their own or
        the organisations' they represent), oldest first; one query."""
        rows = (
            self.env["coop.member"]
            .sudo()
            .with_context(active_test=False)
            .search_read(
                ["|", ("partner_id", "in", self.ids), ("representative_id", "in", self.ids)],
                ["partner_id", "representative_id", "company_id"],
                order="id",
            )
        )
        companies = {}
        for row in rows:
            partner_id = (row["representative_id"] or row["partner_id"])[0]
            ids = companies.setdefault(partner_id, [])
            if row["company_id"][0] not in ids:
                ids.append(row["company_id"][0])
        return companies

    def _coop_deceased_ids(self):
        members = (
            self.env["coop.member"]
            .sudo()
            .search([("partner_id", "in", self.ids), ("state", "=", "deceased")])
        )
        return set(members.partner_id.ids)

    @api.model
    def _coop_taken_logins(self, logins):
        """Logins (lower case) among ``logins`` that some user already has, archived ones
        included. SQL because logins are compared without case (Odoo's unique index is
        case-sensitive, and "Jean@x.fr" and "jean@x.fr" are one mailbox)."""
        if not logins:
            return set()
        self.env["res.users"].flush_model(["login"])
        self.env.cr.execute(
            SQL(
                "SELECT lower(login) FROM res_users WHERE lower(login) = ANY(%s)",
                list(logins),
            )
        )
        return {row[0] for row in self.env.cr.fetchall()}
