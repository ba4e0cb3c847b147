import pytz
import vobject

from odoo import _, api, fields, models
from odoo.tools import html2plaintext

# A feed carries the events from this many days ago on (calendar apps keep what they saw).
FEED_PAST_DAYS = 90
FEED_LIMIT = 500


class EventEvent(models.Model):
    """iCalendar (RFC 5545) feeds of events, for Mobilizon, Nextcloud or Thunderbird."""

    _inherit = "event.event"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _coop_feed_domain(self):
        since = fields.Datetime.subtract(fields.Datetime.now(), days=FEED_PAST_DAYS)
        return [("date_end", ">=", since)]

    @api.model
    def _coop_public_feed_events(self, domain):
        """Published events for everyone matching ``domain``: never members-only ones."""
        return self.sudo().search(
            self._coop_feed_domain()
            + domain
            + [("website_published", "=", True), ("coop_audience", "=", "public")],
            order="date_begin",
            limit=FEED_LIMIT,
        )

    @api.model
    def _coop_private_feed_events(self, user):
        """The events of ``user``'s private feed: those they registered to, and the
        published events of their local groups (their cooperatives' members-only ones
        included: they are members)."""
        partner = user.partner_id
        identities = partner._coop_portal_identities()
        registered = (
            self.env["event.registration"]
            .sudo()
            .search(
                [("partner_id", "in", identities), ("state", "in", ("open", "done"))]
                + [("event_id.date_end", ">=", self._coop_feed_domain()[0][2])]
            )
            .event_id
        )
        members = partner._coop_portal_members().filtered("is_active_member")
        groups = (
            self.env["coop.local.group.membership"]
            .sudo()
            .search(
                [
                    ("partner_id", "in", identities),
                    ("local_group_id.company_id", "in", members.company_id.ids),
                ]
            )
            .local_group_id
        )
        group_events = self.sudo().search(
            self._coop_feed_domain()
            + [
                ("coop_local_group_id", "child_of", groups.ids),
                ("website_published", "=", True),
                "|",
                ("coop_audience", "=", "public"),
                ("coop_shared_company_ids", "in", members.company_id.ids),
            ],
            limit=FEED_LIMIT,
        )
        return (registered | group_events).sorted("date_begin")

    def _coop_ics(self, calendar_name, base_url):
        """The events as one iCalendar file (bytes); vobject escapes and folds lines."""
        calendar = vobject.iCalendar()
        calendar.add("prodid").value = "-//Coop Suite//Odoo//FR"
        calendar.add("x-wr-calname").value = calendar_name
        now = fields.Datetime.now().replace(tzinfo=pytz.utc)
        host = base_url.split("//", 1)[-1].split("/", 1)[0]
        for event in self:
            vevent = calendar.add("vevent")
            vevent.add("uid").value = f"event-{event.id}@{host}"
            vevent.add("dtstamp").value = now
            vevent.add("dtstart").value = event.date_begin.replace(tzinfo=pytz.utc)
            vevent.add("dtend").value = event.date_end.replace(tzinfo=pytz.utc)
            vevent.add("summary").value = event.name
            description = html2plaintext(event.description or "").strip()
            if description:
                vevent.add("description").value = description
            if event.address_id:
                vevent.add("location").value = event.address_inline or ""
            vevent.add("url").value = f"{base_url}{event.website_url}"
            if event.coop_audience == "members":
                # The feed is the member's; the calendar app need not show it to others.
                vevent.add("class").value = "PRIVATE"
        if not self:
            # An empty calendar is valid RFC 5545 only with a component: say why it is empty.
            calendar.add("x-wr-caldesc").value = _("No event planned.")
        return calendar.serialize().encode()
