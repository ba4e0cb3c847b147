"""Private messages between members, and being found by them (issue #25 §2-3).

Built on Odoo's Discuss: a conversation is a ``discuss.channel`` of type "chat" between
two members, opened at /discuss/channel/<id>. What is added here is who may start one:
the rule lives in ``_coop_check_can_message`` and the privileged steps (creating the
chat, recording a block or a report) run as superuser only after it.
"""

import re

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, plaintext2html

# Longer than any chat message in practice; a wall of text is more likely a paste error
# or abuse (and the moderators read reports whole).
MAX_MESSAGE_LENGTH = 2000
# Line breaks and tabs are text; any other control character is not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# At most this many people on a directory page (a search narrows it down); a distance
# search sorts at most DIRECTORY_SCAN of them (the nearest first), so a page costs a
# bounded amount of work. Each entry costs Odoo's QWeb and website about 1 ms to render:
# 100 of them made the page 1.3-1.4x as slow as Odoo's /my, 50 half as much
# (tests/bench/bench_community.py).
DIRECTORY_LIMIT = 50
DIRECTORY_SCAN = 2000
CONSENT_FIELDS = {
    "coop_reachable": "reachable",
    "coop_directory_visible": "directory",
    "coop_go_together": "go_together",
}


class CoopNotReachable(UserError):
    """The recipient is unknown, in no cooperative of the sender's or did not opt in:
    routes answer 404, as for a missing id."""


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    coop_reachable = fields.Boolean(
        string="Reachable by Members",
        help="The person agreed that members of their cooperatives write to them in the "
        "member space (Discuss direct chats). Their email and phone stay hidden.",
    )
    coop_directory_visible = fields.Boolean(
        string="In the Member Directory",
        help="The person agreed to be listed in the member directory of their "
        "cooperatives: name, town, local groups, skills and themes.",
    )
    coop_go_together = fields.Boolean(
        string="Go Together to Events",
        help="On the page of an event they registered to, the other registered members "
        "who chose the same see their first name and town and may write to them.",
    )
    coop_consent_ids = fields.One2many("coop.member.consent", "partner_id", string="Consents")
    coop_blocked_partner_ids = fields.Many2many(
        "res.partner",
        "coop_partner_blocked_rel",
        "partner_id",
        "blocked_partner_id",
        string="Blocked Senders",
        readonly=True,
    )

    # ------------------------------------------------------------------
    # Preferences
    # ------------------------------------------------------------------
    def _coop_portal_set_contact_preferences(self, values, source="portal"):
        """Save the member's choices about being reached and found, and log each change
        with its date and source in coop.member.consent.

        :param values: {field name of CONSENT_FIELDS: bool}
        """
        self.ensure_one()
        self._coop_check_portal_self()
        partner = self.sudo()
        changed = {
            field: bool(value)
            for field, value in values.items()
            if field in CONSENT_FIELDS and partner[field] != bool(value)
        }
        if not changed:
            return False
        partner.write(changed)
        self.env["coop.member.consent"].sudo().create(
            [
                {
                    "partner_id": partner.id,
                    "consent": CONSENT_FIELDS[field],
                    "given": value,
                    "source": source,
                }
                for field, value in changed.items()
            ]
        )
        return True

    # ------------------------------------------------------------------
    # The rule
    # ------------------------------------------------------------------
    def _coop_active_companies(self):
        """The cooperatives where this person is an active member (own membership)."""
        self.ensure_one()
        return (
            self.env["coop.member"]
            .sudo()
            .search([("partner_id", "=", self.id), ("is_active_member", "=", True)])
            .company_id
        )

    @api.model
    def _coop_not_reachable_error(self):
        # One message whether the person does not exist, is in another cooperative or
        # did not opt in: the answer tells nothing about who is a member where.
        return CoopNotReachable(
            _(
                "This member cannot receive your messages: you can write only to members "
                "of your cooperatives who chose to be reachable."
            )
        )

    @api.model
    def _coop_go_together_partners(self, event):
        """Partners registered to ``event`` (confirmed or attended) who chose to go together."""
        registrations = (
            self.env["event.registration"]
            .sudo()
            .search(
                [
                    ("event_id", "=", event.id),
                    ("state", "in", ("open", "done")),
                    ("partner_id.coop_go_together", "=", True),
                ]
            )
        )
        return registrations.partner_id

    @api.model
    def _coop_check_can_message(self, sender, recipient, event=None):
        """Raise unless ``sender`` may write to ``recipient``; return their cooperative.

        - both are active members of one cooperative at least (the recipient of one of
          the sender's cooperatives);
        - the recipient chose to be reachable, or both chose to go together to ``event``
          and are registered to it (an event of that cooperative);
        - the recipient did not block the sender.
        """
        sender = sender.sudo()
        recipient = recipient.sudo().exists()
        if not recipient or recipient == sender or not sender:
            raise self._coop_not_reachable_error()
        shared = sender._coop_active_companies() & recipient._coop_active_companies()
        if event:
            event = event.sudo()
            together = self._coop_go_together_partners(event)
            allowed = event.company_id in shared and sender in together and recipient in together
            shared = event.company_id if allowed else shared
        else:
            allowed = False
        if not shared or not (recipient.coop_reachable or allowed):
            raise self._coop_not_reachable_error()
        if sender in recipient.coop_blocked_partner_ids:
            raise UserError(_("This member does not accept messages from you."))
        return shared[:1]

    @api.model
    def _coop_check_message_text(self, text):
        """The text of a private message, stripped; refused when empty, too long or with
        control characters."""
        text = text.strip() if isinstance(text, str) else ""
        if not text:
            raise UserError(_("Write your message before sending it."))
        if _CONTROL.search(text):
            raise UserError(_("Remove the control characters from your message."))
        if len(text) > MAX_MESSAGE_LENGTH:
            raise UserError(
                _(
                    "Your message is too long (%(max)s characters at most).",
                    max=MAX_MESSAGE_LENGTH,
                )
            )
        return text

    def _coop_new_chats_today(self):
        """How many private conversations this person started today (UTC day).

        Counted in SQL: a count over an indexed column, whatever the record rules (the
        sender may no longer read a chat they left).
        """
        self.ensure_one()
        self.env["discuss.channel"].flush_model(["coop_initiator_id", "create_date"])
        self.env.cr.execute(
            SQL(
                """SELECT COUNT(*) FROM discuss_channel
                    WHERE coop_initiator_id = %s
                      AND create_date >= date_trunc('day', now() AT TIME ZONE 'UTC')""",
                self.id,
            )
        )
        return self.env.cr.fetchone()[0]

    def _coop_check_new_chat_rate(self, company):
        self.ensure_one()
        limit = company.sudo().coop_message_daily_limit
        if limit and self._coop_new_chats_today() >= limit:
            raise UserError(
                _(
                    "You have started %(count)s new conversations today, the most your "
                    "cooperative allows: write again tomorrow.",
                    count=limit,
                )
            )

    # ------------------------------------------------------------------
    # Portal actions (self is the member acting)
    # ------------------------------------------------------------------
    def _coop_find_chat(self, recipient):
        """The existing direct chat between this person and ``recipient``, if any."""
        self.ensure_one()
        channels = (
            self.env["discuss.channel.member"]
            .sudo()
            .search([("partner_id", "=", self.id), ("channel_id.channel_type", "=", "chat")])
            .channel_id
        )
        return channels.filtered(
            lambda c: set(c.channel_member_ids.partner_id.ids) == {self.id, recipient.id}
        )[:1]

    def _coop_portal_write_to(self, recipient, text, event=None):
        """Send ``text`` to ``recipient`` in their direct chat, created when needed.

        The rule is checked first; the chat is created as superuser (members may not
        create channels) and the message is then posted as the member.
        :return: the discuss.channel
        """
        self.ensure_one()
        self._coop_check_portal_self()
        company = self._coop_check_can_message(self, recipient, event=event)
        text = self._coop_check_message_text(text)
        channel = self._coop_find_chat(recipient)
        if not channel:
            self._coop_check_new_chat_rate(company)
            channel = self._coop_create_chat_private(recipient, company)
        elif not channel.sudo().coop_private_chat:
            channel.sudo().write({"coop_private_chat": True, "coop_company_id": company.id})
        channel.with_user(self.env.user).message_post(
            body=plaintext2html(text), message_type="comment", subtype_xmlid="mail.mt_comment"
        )
        return channel

    def _coop_create_chat_private(self, recipient, company):
        """Create the direct chat (the caller checked the rule and the daily limit)."""
        return (
            self.env["discuss.channel"]
            .sudo()
            .create(
                {
                    "channel_type": "chat",
                    "name": ", ".join((self.name or "", recipient.name or "")),
                    "channel_member_ids": [
                        fields.Command.create({"partner_id": self.id}),
                        fields.Command.create({"partner_id": recipient.id}),
                    ],
                    "coop_private_chat": True,
                    "coop_company_id": company.id,
                    "coop_initiator_id": self.id,
                }
            )
        )

    def _coop_portal_chats(self):
        """The member's private conversations (sudo: checked as their own membership)."""
        self.ensure_one()
        return (
            self.env["discuss.channel.member"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.id),
                    ("channel_id.channel_type", "=", "chat"),
                    ("channel_id.coop_private_chat", "=", True),
                ]
            )
            .channel_id.sorted("last_interest_dt", reverse=True)
        )

    def _coop_portal_chat(self, channel_id):
        """One of the member's private conversations, or AccessError (a 404 for routes)."""
        self.ensure_one()
        channel = self._coop_portal_chats().filtered(lambda c: c.id == channel_id)
        if not channel:
            raise AccessError(_("This conversation is not yours."))
        return channel

    def _coop_chat_other(self, channel):
        return channel.sudo().channel_member_ids.partner_id - self

    def _coop_portal_block(self, channel_id, block=True):
        """Block (or unblock) the other person of one of the member's conversations."""
        self.ensure_one()
        self._coop_check_portal_self()
        other = self._coop_chat_other(self._coop_portal_chat(channel_id))
        partner = self.sudo()
        if block:
            partner.coop_blocked_partner_ids = [fields.Command.link(p.id) for p in other]
        else:
            partner.coop_blocked_partner_ids = [fields.Command.unlink(p.id) for p in other]
        return other

    def _coop_portal_report(self, channel_id, message_id, reason):
        """Report a message of the other person to the cooperative's moderators."""
        self.ensure_one()
        self._coop_check_portal_self()
        channel = self._coop_portal_chat(channel_id)
        other = self._coop_chat_other(channel)
        message = (
            self.env["mail.message"]
            .sudo()
            .search(
                [
                    ("id", "=", message_id or 0),
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", channel.id),
                    ("author_id", "in", other.ids),
                ]
            )
        )
        if not message:
            raise UserError(_("Choose the message you report."))
        if reason:
            reason = self._coop_check_message_text(reason)
        company = (
            channel.sudo().coop_company_id
            or (self._coop_active_companies() & other._coop_active_companies())[:1]
        )
        report = (
            self.env["coop.message.report"]
            .sudo()
            .create(
                {
                    "company_id": company.id,
                    "reporter_id": self.id,
                    "reported_partner_id": message.author_id.id,
                    "channel_id": channel.id,
                    "message_id": message.id,
                    "message_body": message.body,
                    "message_date": message.date,
                    "reason": reason or False,
                }
            )
        )
        report._coop_notify_moderators()
        return report

    # ------------------------------------------------------------------
    # Directory
    # ------------------------------------------------------------------
    def _coop_first_name(self):
        self.ensure_one()
        return (self.name or "").split(" ")[0]

    def _coop_directory(self, skill=None, theme=None, town=None, postcode=None, radius_km=None):
        """The members of this person's cooperatives listed in the directory.

        :param skill, theme: records to filter on (or None)
        :param town: text the town contains (or None)
        :param postcode, radius_km: a French postcode and a distance: only members whose
            postcode lies within, nearest first (coordinates from the shipped table)
        :return: (list of {"partner", "name", "city", "distance", "groups", "skills",
            "themes", "reachable"}: the text of each entry, truncated)
        """
        self.ensure_one()
        companies = self._coop_active_companies()
        if not companies:
            raise AccessError(_("The member directory is for members."))
        domain = [
            ("company_id", "in", companies.ids),
            ("is_active_member", "=", True),
            ("coop_directory_visible", "=", True),
            ("partner_id", "!=", self.id),
        ]
        if skill:
            domain.append(("partner_id.coop_skill_ids", "in", skill.ids))
        if theme:
            domain.append(("partner_id.coop_theme_ids", "in", theme.ids))
        if town:
            domain.append(("city", "ilike", town))
        distances = {}
        if postcode or radius_km:
            origin = self.env["coop.postcode"]._coop_coordinates(postcode or self.zip)
            if not origin:
                raise UserError(_("This postcode is not in the French postcode table."))
            distances = self.env["coop.postcode"]._coop_postcodes_within(origin, radius_km or 30)
            domain.append(("zip", "in", list(distances)))
        Member = self.env["coop.member"].sudo()
        if distances:
            # Nearest first: count the people per postcode (one grouped query), then read
            # only those of the nearest postcodes that fill the page, however many live
            # within the distance.
            counts = dict(Member._read_group(domain, ["zip"], ["__count"]))
            nearest, total = [], 0
            for code in sorted(counts, key=lambda c: distances.get(c, 0)):
                if total > DIRECTORY_LIMIT:
                    break
                nearest.append(code)
                total += counts[code]
            domain = [*domain, ("zip", "in", nearest)]
        scan = DIRECTORY_SCAN if distances else DIRECTORY_LIMIT + 1
        # Only what sorting needs, for the people scanned: the ORM would read every
        # column of them, 1,000 at a time, and then the skills and themes of all of them
        # for the page. One query each, whatever their number.
        members = Member.search_fetch(domain, ["partner_id"], order="city, id", limit=scan)
        partners = members.partner_id
        # What sorting needs and the entries show, for the people scanned in one query.
        partners.fetch(["name", "zip", "city", "coop_reachable"])
        if distances:
            partners = partners.sorted(lambda p: (distances.get(p.zip, 0), p.name or ""))
        else:
            partners = partners.sorted(lambda p: p.name or "")
        truncated = len(partners) > DIRECTORY_LIMIT
        # The page alone is read further, and only what it shows.
        page = partners.browse(partners[:DIRECTORY_LIMIT].ids)
        page.fetch(["coop_skill_ids", "coop_theme_ids"])
        memberships = (
            self.env["coop.local.group.membership"]
            .sudo()
            .search_fetch(
                [("partner_id", "in", page.ids), ("company_id", "in", companies.ids)],
                ["partner_id", "local_group_id"],
            )
        )
        group_ids = {}
        for membership in memberships:
            ids = group_ids.setdefault(membership.partner_id.id, [])
            if membership.local_group_id.id not in ids:
                ids.append(membership.local_group_id.id)
        # Read together: one query for the names of every row's groups.
        group_names = dict(
            zip(
                memberships.local_group_id.ids,
                memberships.local_group_id.mapped("name"),
                strict=True,
            )
        )
        # The rows carry the text the page shows, joined here once: the page's template
        # then writes 50 entries without going back to the records.
        rows = [
            {
                "partner": partner,
                "name": partner.name,
                "city": partner.city or "",
                "distance": distances.get(partner.zip),
                "groups": ", ".join(group_names[gid] for gid in group_ids.get(partner.id, [])),
                "skills": ", ".join(partner.coop_skill_ids.mapped("name")),
                "themes": ", ".join(partner.coop_theme_ids.mapped("name")),
                "reachable": partner.coop_reachable,
            }
            for partner in page
        ]
        return rows, truncated
