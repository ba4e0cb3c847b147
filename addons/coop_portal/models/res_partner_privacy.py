"""The member's copy of their personal data (GDPR art. 15 and 20, issue #26 §2).

``_coop_personal_data`` gathers, for the person themselves, every record the suite keeps
about them, section by section; ``_coop_personal_data_zip`` packs it as a JSON file (for
machines, art. 20) and a readable PDF (for people, art. 15) in one ZIP.

Secret ballots are out by design: ``coop.ballot.secret`` holds no link to a voter, so
nothing here reads it; the person's ``coop.ballot`` rows of a secret resolution only say
that they took part, and the export drops their (empty) choice on purpose.
"""

import io
import json
import zipfile

from odoo import _, api, fields, models
from odoo.tools import html2plaintext

# (section key, model, field names) of what is exported; the domain of each section is
# built in _coop_personal_data_records. Another person's name never appears: the
# counterpart of a transfer, the holder of a proxy, the authors of messages received
# stay out.
SECTIONS = (
    (
        "identity",
        "res.partner",
        (
            "name",
            "email",
            "phone",
            "mobile",
            "street",
            "street2",
            "zip",
            "city",
            "country_id",
            "lang",
            "coop_birthdate",
            "coop_contact_channel",
            "coop_skill_ids",
            "coop_theme_ids",
            "coop_availability",
            "coop_availability_note",
            "create_date",
        ),
    ),
    (
        "memberships",
        "coop.member",
        (
            "company_id",
            "member_number",
            "college_id",
            "state",
            "application_date",
            "admission_date",
            "exit_request_date",
            "exit_date",
            "exit_reason",
        ),
    ),
    (
        "share_operations",
        "coop.share.operation",
        (
            "name",
            "date",
            "company_id",
            "operation_type",
            "share_class_id",
            "quantity",
            "unit_value",
            "amount",
            "state",
        ),
    ),
    (
        "consents",
        "res.partner",
        (
            "coop_newsletter_optin",
            "coop_reachable",
            "coop_directory_visible",
            "coop_go_together",
            "coop_group_visible",
        ),
    ),
    ("consent_log", "coop.member.consent", ("date", "consent", "given", "source")),
    (
        "membership_applications",
        "coop.subscription.request",
        (
            "name",
            "company_id",
            "state",
            "consent_statutes",
            "consent_internal_rules",
            "consent_data_processing",
            "consent_financial_risk",
            "consent_date",
            "consent_version",
        ),
    ),
    (
        "event_registrations",
        "event.registration",
        ("event_id", "event_begin_date", "name", "email", "phone", "state", "create_date"),
    ),
    ("local_groups", "coop.local.group.membership", ("local_group_id", "role", "date_start")),
    (
        "assemblies",
        "coop.assembly.voter",
        ("assembly_id", "company_id", "member_number", "attendance", "checkin_at"),
    ),
    ("votes", "coop.ballot", ("assembly_id", "resolution_id", "channel", "secret", "choice")),
    (
        "engagement_activities",
        "coop.engagement.activity",
        ("date", "company_id", "activity_type", "local_group_id", "note"),
    ),
    ("sendings", "coop.contact.log", ("date", "company_id", "purpose", "channel")),
    (
        "messages_received",
        "mail.message",
        ("date", "subject", "record_name", "message_type", "body"),
    ),
    (
        "messages_written",
        "mail.message",
        ("date", "subject", "record_name", "message_type", "body"),
    ),
    ("forum_posts", "forum.post", ("create_date", "forum_id", "name", "content")),
)
# Messages are many: the newest ones, up to this many per section.
MESSAGE_LIMIT = 2000


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _coop_section_titles(self):
        return {
            "identity": _("Identity"),
            "memberships": _("Memberships"),
            "share_operations": _("Register of shares"),
            "consents": _("Your current choices"),
            "consent_log": _("History of your consents"),
            "membership_applications": _("Membership applications"),
            "event_registrations": _("Event registrations"),
            "local_groups": _("Local groups"),
            "assemblies": _("General assemblies"),
            "votes": _("Votes (secret ballots: participation only)"),
            "engagement_activities": _("Engagement activities"),
            "sendings": _("Letters and emails sent to you"),
            "messages_received": _("Messages received"),
            "messages_written": _("Messages you wrote"),
            "forum_posts": _("Forum posts"),
        }

    def _coop_personal_data(self):
        """Every personal data the suite keeps about this person, for themselves only.

        :return: list of {"key", "title", "labels": {field: label}, "rows": [{field:
            value}]}, values JSON-ready (texts, numbers, booleans, None).
        """
        self.ensure_one()
        self._coop_check_portal_self()
        return self._coop_personal_data_private()

    def _coop_personal_data_private(self):
        """As _coop_personal_data, read as superuser: the caller checked who asks."""
        self.ensure_one()
        records = self.sudo()._coop_personal_data_records()
        titles = self._coop_section_titles()
        sections = []
        for key, model, fnames in SECTIONS:
            Model = self.env[model]
            fnames = [f for f in fnames if f in Model._fields]
            rows = [self._coop_export_row(record, fnames) for record in records[key]]
            if key == "votes":
                # A secret resolution's ballot says only "took part": never a choice.
                for row, ballot in zip(rows, records[key], strict=True):
                    if ballot.secret:
                        row.pop("choice", None)
                        row.pop("approvals", None)
            sections.append(
                {
                    "key": key,
                    "title": titles[key],
                    "labels": {
                        f: Model._fields[f].get_description(self.env)["string"] for f in fnames
                    },
                    "rows": rows,
                }
            )
        return sections

    def _coop_personal_data_records(self):
        """The records of each section (self is sudo), searched once per model."""
        partner = self
        env = self.env
        members = env["coop.member"].search([("partner_id", "=", partner.id)])
        voters = env["coop.assembly.voter"].search([("partner_id", "=", partner.id)])
        users = partner.with_context(active_test=False).user_ids
        Message = env["mail.message"]
        message_types = ("comment", "email", "email_outgoing")
        return {
            "identity": partner,
            "memberships": members,
            "share_operations": env["coop.share.operation"].search(
                [("member_id", "in", members.ids)], order="date, id"
            ),
            "consents": partner,
            "consent_log": env["coop.member.consent"].search([("partner_id", "=", partner.id)]),
            "membership_applications": env["coop.subscription.request"].search(
                [("partner_id", "=", partner.id)]
            ),
            "event_registrations": env["event.registration"].search(
                [("partner_id", "=", partner.id)]
            ),
            "local_groups": env["coop.local.group.membership"].search(
                [("partner_id", "=", partner.id)]
            ),
            "assemblies": voters,
            "votes": env["coop.ballot"].search([("voter_id", "in", voters.ids)]),
            "engagement_activities": env["coop.engagement.activity"].search(
                [("partner_id", "=", partner.id)]
            ),
            "sendings": env["coop.contact.log"].search([("partner_id", "=", partner.id)]),
            "messages_received": Message.search(
                [("partner_ids", "in", partner.ids), ("message_type", "in", message_types)],
                order="date desc, id desc",
                limit=MESSAGE_LIMIT,
            ),
            "messages_written": Message.search(
                [("author_id", "=", partner.id), ("message_type", "in", message_types)],
                order="date desc, id desc",
                limit=MESSAGE_LIMIT,
            ),
            "forum_posts": env["forum.post"]
            .with_context(active_test=False)
            .search([("create_uid", "in", users.ids)] if users else [("id", "=", 0)]),
        }

    def _coop_export_row(self, record, fnames):
        """One record as {field: JSON-ready value}, in the reader's language."""
        row = {}
        for fname in fnames:
            field = record._fields[fname]
            value = record[fname]
            if field.type == "many2one":
                value = value.display_name or None
            elif field.type in ("many2many", "one2many"):
                value = value.mapped("display_name")
            elif field.type == "selection":
                labels = dict(field._description_selection(self.env))
                value = labels.get(value, value) if value else None
            elif field.type == "datetime":
                value = value.replace(microsecond=0).isoformat(sep=" ") if value else None
            elif field.type == "date":
                value = value.isoformat() if value else None
            elif field.type == "html":
                value = html2plaintext(value or "").strip() or None
            elif field.type == "boolean":
                value = bool(value)
            elif value is False:
                value = None
            row[fname] = value
        return row

    def _coop_printable(self, sections):
        """The sections as the PDF prints them: per row, (label, text) of its filled values."""
        yes, no = _("Yes"), _("No")

        def text(value):
            if isinstance(value, bool):
                return yes if value else no
            if isinstance(value, list):
                return ", ".join(value)
            return str(value)

        return [
            {
                "title": section["title"],
                "rows": [
                    [
                        (section["labels"][fname], text(value))
                        for fname, value in row.items()
                        if value not in (None, [], "")
                    ]
                    for row in section["rows"]
                ],
            }
            for section in sections
        ]

    def _coop_personal_data_zip(self):
        """The member's data as one ZIP: a JSON file and a readable PDF.

        :return: (file name, ZIP bytes)
        """
        self.ensure_one()
        sections = self._coop_personal_data()
        today = fields.Date.context_today(self).isoformat()
        payload = {
            "generated_on": today,
            "person": self.name,
            **{section["key"]: section["rows"] for section in sections},
        }
        pdf, _type = (
            self.env["ir.actions.report"]
            .sudo()
            ._render_qweb_pdf(
                "coop_portal.action_report_personal_data",
                self.ids,
                data={"coop_sections": self._coop_printable(sections), "coop_date": today},
            )
        )
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr(
                "personal_data.json", json.dumps(payload, ensure_ascii=False, indent=2)
            )
            archive.writestr("personal_data.pdf", pdf)
        return f"personal_data_{today}.zip", buffer.getvalue()


# Consents kept as a flag on the partner and changed from several places (profile page,
# join form, unsubscribe link, back office, imports): the log is written here, at the one
# place they all go through. The member space's contact preferences log their own
# (res_partner_messaging.CONSENT_FIELDS).
LOGGED_CONSENTS = {
    "coop_newsletter_optin": "newsletter",
    "coop_group_visible": "group_visible",
}


class ResPartnerConsentLog(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    def _coop_consent_source(self):
        """Where a consent changes: given by the caller (``coop_consent_source`` in the
        context, e.g. "import"), else guessed from who acts."""
        source = self.env.context.get("coop_consent_source")
        if source:
            return source
        user = self.env.user
        if user._is_public():
            return "website"
        return "portal" if user.share else "back_office"

    def _coop_log_consents(self, before):
        """Log a consent line for each consent flag that differs from ``before``.

        :param before: {partner id: {field: value}} read before the change
        """
        if self.env.context.get("install_filename"):
            return  # data and demo files loaded at install: nobody consented to anything
        lines = []
        for partner in self:
            for field, consent in LOGGED_CONSENTS.items():
                value = bool(partner[field])
                if value != before.get(partner.id, {}).get(field, False):
                    lines.append({"partner_id": partner.id, "consent": consent, "given": value})
        if lines:
            source = self._coop_consent_source()
            # The proof of consent is kept whoever changed it (the log is read-only to
            # everyone but the system).
            self.env["coop.member.consent"].sudo().create(
                [dict(line, source=source) for line in lines]
            )

    @api.model_create_multi
    def create(self, vals_list):
        partners = super().create(vals_list)
        partners._coop_log_consents({})
        return partners

    def write(self, vals):
        if not set(LOGGED_CONSENTS) & set(vals):
            return super().write(vals)
        before = {
            partner.id: {field: bool(partner[field]) for field in LOGGED_CONSENTS}
            for partner in self
        }
        result = super().write(vals)
        self._coop_log_consents(before)
        return result
