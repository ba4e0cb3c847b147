"""Erasure of a person's data (GDPR art. 17, issue #26 §2): the rules and the
anonymisation.

- A candidate never admitted (no membership ever admitted in any cooperative) is
  anonymised at once.
- A member, or a former member, is anonymised once the retention period of each of their
  cooperatives has passed (``res.company.coop_retention_years`` after the exit); until
  then the request is postponed and the person told why and until when.
- Anonymising keeps the register whole: the memberships keep their numbers, the share
  operations their quantities and amounts, the contact its id; only who the person is goes
  (name replaced by a pseudonym carrying the member number, contact details, birth date,
  bank accounts, consents, login, mailing contacts).
"""

from odoo import SUPERUSER_ID, _, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL, email_normalize

from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES

# Who the person is: emptied on the contact (those of the installed modules).
IDENTITY_FIELDS = (
    "email",
    "phone",
    "mobile",
    "street",
    "street2",
    "zip",
    "city",
    "state_id",
    "country_id",
    "website",
    "function",
    "title",
    "comment",
    "vat",
    "ref",
    "image_1920",
    "coop_birthdate",
    "coop_availability",
    "coop_availability_note",
    "coop_skill_ids",
    "coop_theme_ids",
)
# Consents: withdrawn (the consent log keeps the proof of what was given, under the
# pseudonym).
CONSENT_FIELDS = (
    "coop_newsletter_optin",
    "coop_reachable",
    "coop_directory_visible",
    "coop_go_together",
    "coop_group_visible",
)
# What a membership application copied of the person.
REQUEST_FIELDS = (
    "email",
    "phone",
    "street",
    "zip",
    "city",
    "birthdate",
    "iban",
    "representative_name",
    "representative_function",
    "representative_email",
    "representative_phone",
    "origin_ip",
)


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    coop_anonymised_date = fields.Date(
        string="Anonymised On",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The person's data were erased on that day: the register keeps their member "
        "number under a pseudonym.",
    )
    coop_erasure_request_ids = fields.One2many(
        "coop.erasure.request", "partner_id", string="Erasure Requests"
    )

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def _coop_register_memberships(self):
        """Memberships of the person (as member or as an organisation's representative)
        that were ever admitted, whatever the caller may read."""
        self.ensure_one()
        members = (
            self.env["coop.member"]
            .sudo()
            .search(["|", ("partner_id", "=", self.id), ("representative_id", "=", self.id)])
        )
        return members._coop_ever_admitted()

    def _coop_erasure_company(self):
        """The cooperative that follows the person's request: of their latest membership
        or application, else the current one."""
        self.ensure_one()
        member = (
            self.env["coop.member"]
            .sudo()
            .search([("partner_id", "=", self.id)], order="id desc", limit=1)
        )
        return member.company_id or self.env.company

    def _coop_erasure_decision(self, today):
        """What an erasure request of this person gets today.

        :return: (decision, date, reason): ("erase", None, ""), ("postpone", date or
            None, reason told to the person) or ("refuse", None, reason).
        """
        self.ensure_one()
        if self.coop_anonymised_date:
            return "erase", None, ""
        if self.is_company or self.env["res.company"].sudo().search_count(
            [("partner_id", "=", self.id)]
        ):
            return (
                "refuse",
                None,
                _(
                    "The data of an organisation are not personal data: ask for the erasure "
                    "of its representative instead."
                ),
            )
        if self.with_context(active_test=False).user_ids.filtered(lambda u: not u.share):
            return (
                "refuse",
                None,
                _("This person has a staff account: the administrator closes it first."),
            )
        members = self._coop_register_memberships()
        if not members:
            return "erase", None, ""
        active = members.filtered(lambda m: m.state in ACTIVE_STATES)
        if active:
            years = max(active.company_id.mapped("coop_retention_years"))
            return (
                "postpone",
                None,
                _(
                    "You are a member of %(cooperatives)s: the law requires the cooperative "
                    "to keep the register of members while you are a member and %(years)s "
                    "years after you leave. Your data will be anonymised then.",
                    cooperatives=", ".join(active.company_id.mapped("name")),
                    years=years,
                ),
            )
        until = max(member._coop_retention_end() for member in members)
        if until > today:
            years = max(members.company_id.mapped("coop_retention_years"))
            return (
                "postpone",
                until,
                _(
                    "The law requires the cooperative to keep the register of members and "
                    "its accounting records %(years)s years after a member leaves (Code de "
                    "commerce, art. L123-22). Your data will be anonymised on %(date)s.",
                    years=years,
                    date=fields.Date.to_string(until),
                ),
            )
        return "erase", None, ""

    def _coop_pseudonym(self):
        """The name the register shows once the person is anonymised: their member number
        (or the contact's id, for a candidate), in the person's language."""
        self.ensure_one()
        # Their own numbers only: a representative is not the organisation they spoke for.
        numbers = self._coop_register_memberships().filtered(
            lambda m: m.member_number and m.partner_id == self
        )
        env = self.with_context(lang=self.lang or self.env.lang).env
        if numbers:
            return env._(
                "Anonymised member %(number)s",
                number=" / ".join(numbers.sorted("id").mapped("member_number")),
            )
        return env._("Anonymised person %(number)s", number=f"{self.id:06d}")

    # ------------------------------------------------------------------
    # Requests
    # ------------------------------------------------------------------
    def _coop_portal_request_erasure(self):
        """The member's own erasure request, from the member space.

        :return: the request (as superuser), processed: done, postponed or refused.
        """
        self.ensure_one()
        self._coop_check_portal_self()
        return self.env["coop.erasure.request"].sudo()._coop_request(self, "portal")

    def _coop_portal_erasure_request(self):
        """The person's latest erasure request, as they read it (record rule: their own)."""
        self.ensure_one()
        self._coop_check_portal_self()
        return self.env["coop.erasure.request"].search(
            [("partner_id", "=", self.id)], order="request_date desc, id desc", limit=1
        )

    def action_coop_request_erasure(self):
        """An officer records the person's erasure request (by letter, by phone) and
        applies it: anonymised at once, or postponed with its date."""
        self.ensure_one()
        Request = self.env["coop.erasure.request"]
        Request.check_access("create")
        # Staff of another cooperative only: the person's memberships stay out of reach.
        members = self.env["coop.member"].search([("partner_id", "=", self.id)])
        all_members = self.env["coop.member"].sudo().search([("partner_id", "=", self.id)])
        if all_members and not members:
            raise AccessError(_("This person is not a member of your cooperatives."))
        self.check_access("write")
        company = members[:1].company_id or self.env.company
        request = Request._coop_request(self, "back_office", company)
        return {
            "type": "ir.actions.act_window",
            "res_model": "coop.erasure.request",
            "res_id": request.id,
            "view_mode": "form",
            "target": "current",
        }

    # ------------------------------------------------------------------
    # Anonymisation (private: run as superuser once the caller's right is checked)
    # ------------------------------------------------------------------
    def _coop_anonymise_private(self):
        """Replace who each person is by a pseudonym; keep every register record."""
        today = fields.Date.context_today(self)
        for partner in self.with_context(tracking_disable=True):
            if partner.coop_anonymised_date:
                continue
            name, email = partner.name, partner.email
            normalized = email_normalize(email) if email else False
            pseudonym = partner._coop_pseudonym()
            done = partner._coop_anonymise_links(name, normalized, pseudonym)
            values = {
                field: False if partner._fields[field].type != "many2many" else [(5,)]
                for field in IDENTITY_FIELDS + CONSENT_FIELDS
                if field in partner._fields
            }
            values.update(
                name=pseudonym,
                coop_contact_channel="none",
                coop_anonymised_date=today,
                active=False,
            )
            # Consents first, with the address still on the contact: the newsletter
            # sync unsubscribes it from the lists before the contacts are purged.
            partner.write({field: False for field in CONSENT_FIELDS if field in partner._fields})
            partner._coop_purge_mailing(normalized)
            partner.write(values)
            partner._coop_forget_history(name, email, pseudonym)
            self.env["privacy.log"].sudo().create(
                {
                    "anonymized_name": name,
                    "anonymized_email": normalized or "unknown@example.invalid",
                    "execution_details": "\n".join(done),
                    "additional_note": pseudonym,
                }
            )

    def _coop_anonymise_links(self, name, normalized, pseudonym):
        """The person's login, bank accounts, applications and registrations.

        :return: lines saying what was done (privacy log).
        """
        self.ensure_one()
        done = []
        users = self.with_context(active_test=False).user_ids.filtered("share")
        if users:
            # Odoo's own account deletion: login and password scrubbed, user archived
            # (and queued for deletion, which keeps the contact the register needs).
            users._deactivate_portal_user()
            # Odoo archives them "if it can" (a user may not archive themselves): the
            # erasure needs it done, whoever asked.
            users.filtered("active").with_user(SUPERUSER_ID).action_archive()
            done.append(_("Member space login closed."))
        for bank in self.bank_ids:
            try:
                with self.env.cr.savepoint():
                    bank.unlink()
            except Exception:  # noqa: BLE001 pylint: disable=broad-except
                # Kept by a payment or a refund: the number goes, the record stays.
                bank.write({"acc_number": f"ANONYMISED-{bank.id}", "active": False})
        if self.bank_ids:
            done.append(_("Bank accounts removed."))
        requests = self.env["coop.subscription.request"].search([("partner_id", "=", self.id)])
        if requests:
            values = {f: False for f in REQUEST_FIELDS if f in requests._fields}
            requests.write(dict(values, partner_name=pseudonym))
            done.append(_("Membership applications anonymised: %s", len(requests)))
        registrations = self.env["event.registration"].search([("partner_id", "=", self.id)])
        if registrations:
            registrations.write({"name": pseudonym, "email": False, "phone": False})
            done.append(_("Event registrations anonymised: %s", len(registrations)))
        return done

    def _coop_purge_mailing(self, normalized):
        """Mailing contacts of the address, with their subscriptions. A blacklist entry
        of the address stays: the person asked never to be written to again (art. 21),
        which the cooperative must still honour."""
        self.ensure_one()
        if not normalized:
            return
        self.env["mailing.contact"].sudo().with_context(active_test=False).search(
            [("email_normalized", "=", normalized)]
        ).unlink()

    def _coop_forget_history(self, name, email, pseudonym):
        """Messages and tracking of the person: their messages stay (the discussions of
        others need them) under the pseudonym; the history of their contact card goes."""
        self.ensure_one()
        Message = self.env["mail.message"].sudo()
        Message.search([("model", "=", "res.partner"), ("res_id", "=", self.id)]).unlink()
        Message.search([("author_id", "=", self.id), ("email_from", "!=", False)]).write(
            {"email_from": False}
        )
        # Tracked links (a membership's person) and tracked addresses keep the old value
        # as text, in the history of the person's memberships and applications: one
        # UPDATE per column over those messages (the ORM would load every value).
        olds = [value for value in (name, email) if value]
        members = (
            self.env["coop.member"]
            .sudo()
            .search(["|", ("partner_id", "=", self.id), ("representative_id", "=", self.id)])
        )
        requests = (
            self.env["coop.subscription.request"].sudo().search([("partner_id", "=", self.id)])
        )
        Tracking = self.env["mail.tracking.value"].sudo()
        Tracking.flush_model()
        for column in ("old_value_char", "new_value_char"):
            self.env.cr.execute(
                SQL(
                    """UPDATE mail_tracking_value
                          SET %(col)s = CASE WHEN %(col)s = %(name)s THEN %(pseudonym)s ELSE '' END
                        WHERE %(col)s = ANY(%(olds)s)
                          AND mail_message_id IN (
                                SELECT id FROM mail_message
                                 WHERE (model = 'coop.member' AND res_id = ANY(%(members)s))
                                    OR (model = 'coop.subscription.request'
                                        AND res_id = ANY(%(requests)s)))""",
                    col=SQL.identifier(column),
                    name=name,
                    pseudonym=pseudonym,
                    olds=olds,
                    members=members.ids,
                    requests=requests.ids,
                )
            )
        Tracking.invalidate_model(["old_value_char", "new_value_char"])
        self.env["res.partner"].sudo().browse(self.id).message_post(
            body=_("Personal data anonymised (GDPR erasure)."),
            message_type="notification",
            subtype_xmlid="mail.mt_note",
        )

    # ------------------------------------------------------------------
    # Retention job
    # ------------------------------------------------------------------
    def _coop_retention_due_ids(self, limit):
        """Ids of up to ``limit`` people the cooperatives keep no longer, oldest first:

        - applicants never admitted anywhere (refused, withdrawn or left without
          follow-up) whose applications and candidate memberships have not changed for
          their cooperative's ``coop_application_retention_months``, no capital call
          issued or paid among them;
        - former members (or representatives of former members) whose every admitted
          membership ended more than its cooperative's ``coop_retention_years`` ago.

        Organisations and staff are never taken. One query over the whole base (40,000
        members): the ORM would load each person's memberships to decide.
        """
        admitted = SQL(
            "(m.member_number IS NOT NULL OR m.state != 'candidate')"
            " AND (m.partner_id = p.id OR m.representative_id = p.id)"
        )
        query = SQL(
            """SELECT p.id FROM res_partner p
                WHERE p.coop_anonymised_date IS NULL
                  AND p.is_company IS NOT TRUE
                  AND NOT EXISTS (SELECT 1 FROM res_users u
                                   WHERE u.partner_id = p.id AND u.share IS NOT TRUE)
                  AND NOT EXISTS (SELECT 1 FROM res_company c WHERE c.partner_id = p.id)
                  AND (
                    -- applicants never admitted, nothing moved for months
                    ((EXISTS (SELECT 1 FROM coop_member m WHERE m.partner_id = p.id)
                      OR EXISTS (SELECT 1 FROM coop_subscription_request r
                                  WHERE r.partner_id = p.id))
                     AND NOT EXISTS (SELECT 1 FROM coop_member m WHERE %(admitted)s)
                     AND NOT EXISTS (SELECT 1 FROM coop_subscription_request r
                                      WHERE r.partner_id = p.id
                                        AND r.state IN ('waiting_payment', 'paid'))
                     AND NOT EXISTS (
                        SELECT 1 FROM coop_member m JOIN res_company c ON c.id = m.company_id
                         WHERE m.partner_id = p.id
                           AND m.write_date > %(now)s - make_interval(
                                 months => c.coop_application_retention_months))
                     AND NOT EXISTS (
                        SELECT 1 FROM coop_subscription_request r
                          JOIN res_company c ON c.id = r.company_id
                         WHERE r.partner_id = p.id
                           AND r.write_date > %(now)s - make_interval(
                                 months => c.coop_application_retention_months)))
                    OR
                    -- former members past the retention period of every cooperative
                    (EXISTS (SELECT 1 FROM coop_member m WHERE %(admitted)s)
                     AND NOT EXISTS (
                        SELECT 1 FROM coop_member m JOIN res_company c ON c.id = m.company_id
                         WHERE %(admitted)s
                           AND (m.state IN %(active)s
                                OR COALESCE(m.exit_date, m.admission_date)
                                   + make_interval(years => c.coop_retention_years)
                                   > %(today)s)))
                  )
                ORDER BY p.id
                LIMIT %(limit)s""",
            admitted=admitted,
            now=fields.Datetime.now(),
            today=fields.Date.context_today(self),
            active=tuple(ACTIVE_STATES),
            limit=limit,
        )
        self.env.flush_all()
        self.env.cr.execute(query)
        return [row[0] for row in self.env.cr.fetchall()]
