from datetime import timedelta

from odoo import _, api, fields, models

from .res_partner_account import ACCOUNT_STATES

# Admissions of more members at once (an import) are welcomed in the background by an
# invitation campaign: rendering that many emails would outlast the request.
WELCOME_NOW_LIMIT = 200


class CoopMember(models.Model):
    """Member-space accounts: made at admission, by invitations; archived at death."""

    _inherit = "coop.member"  # pylint: disable=consider-merging-classes-inherited

    coop_account_state = fields.Selection(
        ACCOUNT_STATES,
        string="Member Space",
        compute="_compute_coop_account_state",
        search="_search_coop_account_state",
        help="Account of the person who uses the member space for this membership (the "
        "representative of an organisation). Not activated: they never signed in.",
    )

    def _compute_coop_account_state(self):
        states = self.mapped(lambda m: m.representative_id or m.partner_id)._coop_account_states()
        for member in self:
            partner = member.representative_id or member.partner_id
            member.coop_account_state = states.get(partner.id, "none")

    @api.model
    def _search_coop_account_state(self, operator, value):
        domain = self.env["res.partner"]._search_coop_account_state(operator, value)
        return [
            "|",
            "&",
            ("representative_id", "=", False),
            ("partner_id", "any", domain),
            "&",
            ("representative_id", "!=", False),
            ("representative_id", "any", domain),
        ]

    # ------------------------------------------------------------------
    # Life cycle
    # ------------------------------------------------------------------
    def action_admit(self, admission_date=None):
        res = super().action_admit(admission_date=admission_date)
        if not self.env.context.get("coop_no_welcome"):
            self._coop_welcome()
        return res

    def _coop_welcome(self):
        """Give the newly admitted members their account and queue their welcome email.

        Called once the admission passed its checks (the caller may admit these
        members); accounts and emails are made as superuser. Large admissions go to a
        background campaign, one per cooperative.
        """
        if len(self) <= WELCOME_NOW_LIMIT:
            counts = self._coop_send_account_mails("welcome")
            # The office sees on the membership why no account was made.
            for member, reason in counts["failures"].items():
                member._message_log(
                    body=_("No member space account was made: %(reason)s", reason=reason)
                )
            return counts
        Invitation = self.env["coop.member.invitation"].sudo()
        for company in self.company_id:
            members = self.filtered(lambda m, c=company: m.company_id == c)
            Invitation.create(
                {
                    "name": _("Welcome of %(count)s admitted members", count=len(members)),
                    "kind": "welcome",
                    "company_id": company.id,
                    "scope": "members",
                    "member_ids": [(6, 0, members.ids)],
                }
            )._start()
        return {}

    def _close_membership(self, state, exit_date=None, reason=None):
        res = super()._close_membership(state, exit_date=exit_date, reason=reason)
        if state == "deceased":
            self._coop_archive_deceased_users()
        return res

    def _coop_archive_deceased_users(self):
        """A death closes the person's member-space login (resignation and exclusion keep
        it: former members still read their history). Staff logins are left to the
        administrator. Called after the death was recorded, which checked the rights."""
        users = (
            self.env["res.users"]
            .sudo()
            .search([("partner_id", "in", self.partner_id.ids), ("share", "=", True)])
        )
        if users:
            users.partner_id.signup_cancel()
            users.write({"active": False})

    # ------------------------------------------------------------------
    # Welcome and invitation emails, in sets
    # ------------------------------------------------------------------
    def _coop_send_account_mails(self, kind, reminder_days=0):
        """Make the accounts of these members and queue their email (Odoo's mail queue).

        :param kind: ``"welcome"`` (just admitted: every member gets the email, the
            cooperative named in it) or ``"invitation"`` (members who joined before:
            those who activated their account are left alone, those invited fewer than
            ``reminder_days`` ago too, the others are invited or reminded).
        :return: dict of counters (``invited``, ``reminded``, ``recent``, ``active``,
            ``no_email``, ``failed``) and ``failures`` ({member: reason}).
        """
        counts = dict.fromkeys(("invited", "reminded", "recent", "active", "no_email", "failed"), 0)
        counts["failures"] = {}
        if not self:
            return counts
        members = self.sudo()
        acting = {member: member.representative_id or member.partner_id for member in members}
        partners = self.env["res.partner"].sudo().browse({p.id for p in acting.values()})
        report = partners._coop_ensure_portal_users_report()
        states = partners._coop_account_states()
        now = fields.Datetime.now()
        recent_since = now - timedelta(days=reminder_days or 0)
        to_mail = members.browse()
        mailed_partners = set()
        reminded = set()
        for member in members:
            partner = acting[member]
            if partner in report["no_email"]:
                counts["no_email"] += 1
            elif partner.id in report["failed"]:
                counts["failed"] += 1
                counts["failures"][member] = report["failed"][partner.id]
            elif kind == "welcome":
                to_mail |= member
                counts["invited"] += 1
            elif states.get(partner.id) == "active":
                counts["active"] += 1
            elif partner.id in mailed_partners or (
                partner.coop_invitation_date and partner.coop_invitation_date > recent_since
            ):
                # Invited lately (or already in this batch, for another membership).
                counts["recent"] += 1
            else:
                if partner.coop_invitation_date:
                    counts["reminded"] += 1
                    reminded.add(member.id)
                else:
                    counts["invited"] += 1
                to_mail |= member
                mailed_partners.add(partner.id)
        if to_mail:
            members._coop_queue_account_mails(
                to_mail, kind, report["user_by_partner"], states, reminded
            )
            members.env["res.partner"].browse(
                {acting[m].id for m in to_mail}
            ).coop_invitation_date = now
        return counts

    @api.model
    def _coop_queue_account_mails(self, members, kind, user_by_partner, states, reminded=()):
        """One queued email per member, rendered in one batch: the signup link for a
        person who never signed in, their usual login otherwise."""
        acting = {member.id: member.representative_id or member.partner_id for member in members}
        inactive = self.env["res.partner"].browse(
            {p.id for p in acting.values() if states.get(p.id) != "active"}
        )
        # The link's token covers the partner's signup type: set it before signing.
        inactive.filtered(lambda p: p.signup_type != "signup").signup_prepare("signup")
        urls = inactive._get_signup_url_for_action(url="/my/home")
        hours = int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("auth_signup.signup.validity.hours", 144)
        )
        base_url = members[:1].get_base_url()
        template = self.env.ref(
            "coop_portal.mail_template_member_welcome"
            if kind == "welcome"
            else "coop_portal.mail_template_member_invitation"
        ).sudo()
        template.with_context(
            coop_signup_urls={mid: urls.get(p.id) for mid, p in acting.items()},
            coop_logins={mid: user_by_partner[p.id].login for mid, p in acting.items()},
            coop_login_url=f"{base_url}/web/login?redirect=/my/home",
            coop_signup_days=max(hours // 24, 1),
            coop_reminded_ids=set(reminded),
        ).send_mail_batch(members.ids, force_send=False)
