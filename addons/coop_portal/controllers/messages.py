"""Private messages and the member directory (issue #25 §2-3): thin routes over the rules
of res.partner (models/res_partner_messaging.py)."""

from odoo import _, http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.res_partner_messaging import CoopNotReachable
from .common import (
    coop_layout,
    coop_members,
    coop_partner,
    coop_try,
    parse_bool,
    parse_id,
    search_text,
)

RADIUS_CHOICES = (5, 10, 30, 50, 100)


def coop_messages_text(code):
    """The confirmation shown after a redirect (?message=code), never free text."""
    return {
        "blocked": _("This member can no longer write to you."),
        "unblocked": _("This member can write to you again."),
        "reported": _("Thank you: the moderators of your cooperative will read your report."),
    }.get(code)


class CoopMessagesPortal(CustomerPortal):
    def _coop_member_or_404(self):
        if not coop_members().filtered("is_active_member"):
            raise request.not_found()
        return coop_partner()

    def _coop_event_or_none(self, event_id):
        event_id = parse_id(event_id)
        return request.env["event.event"].sudo().browse(event_id).exists() if event_id else None

    # ------------------------------------------------------------------
    # Preferences (shown on /my/engagement)
    # ------------------------------------------------------------------
    @http.route(
        ["/my/messages/preferences"], type="http", auth="user", website=True, methods=["POST"]
    )
    def coop_message_preferences(self, **post):
        coop_partner()._coop_portal_set_contact_preferences(
            {
                "coop_reachable": parse_bool(post.get("reachable")),
                "coop_directory_visible": parse_bool(post.get("directory_visible")),
                "coop_go_together": parse_bool(post.get("go_together")),
            }
        )
        # The engagement page again, with the confirmation (a page rather than a
        # redirect: the answer to a form post of one's own choices).
        values = self._coop_engagement_values(prefs_saved=True)
        return request.render("coop_portal.portal_my_engagement", values)

    # ------------------------------------------------------------------
    # Conversations
    # ------------------------------------------------------------------
    @http.route(["/my/messages"], type="http", auth="user", website=True)
    def coop_messages(self, message=None, **kw):
        partner = coop_partner()
        values = coop_layout(self, "coop_messages", chats=partner._coop_portal_chats())
        values.update(message_text=coop_messages_text(message), me=partner)
        return request.render("coop_portal.portal_my_messages", values)

    def _coop_write_page(self, recipient, event, text="", error=None):
        values = coop_layout(
            self, "coop_messages", recipient=recipient, event=event, text=text, error=error
        )
        return request.render("coop_portal.portal_message_write", values)

    @http.route(
        ["/my/messages/new/<int:partner_id>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_message_write(self, partner_id, event_id=None, body=None, **kw):
        sender = self._coop_member_or_404()
        recipient = request.env["res.partner"].sudo().browse(partner_id)
        event = self._coop_event_or_none(event_id)
        try:
            request.env["res.partner"]._coop_check_can_message(sender, recipient, event=event)
        except CoopNotReachable:
            raise request.not_found() from None
        except UserError as e:
            return self._coop_write_page(recipient, event, error=e.args[0])
        if request.httprequest.method != "POST":
            return self._coop_write_page(recipient, event)
        channel, error = coop_try(lambda: sender._coop_portal_write_to(recipient, body, event))
        if error:
            return self._coop_write_page(recipient, event, text=body, error=error)
        return request.redirect(f"/discuss/channel/{channel.id}")

    def _coop_chat_or_404(self, channel_id):
        try:
            return coop_partner()._coop_portal_chat(channel_id)
        except AccessError:
            # Not one of the member's conversations: the same answer as a missing id.
            raise request.not_found() from None

    @http.route(
        ["/my/messages/<int:channel_id>/block"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def coop_message_block(self, channel_id, unblock=None, **kw):
        self._coop_chat_or_404(channel_id)
        block = not parse_bool(unblock)
        coop_partner()._coop_portal_block(channel_id, block=block)
        return request.redirect(f"/my/messages?message={'blocked' if block else 'unblocked'}")

    @http.route(
        ["/my/messages/<int:channel_id>/report"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_message_report(self, channel_id, message_id=None, reason=None, **kw):
        partner = coop_partner()
        channel = self._coop_chat_or_404(channel_id)
        error = None
        if request.httprequest.method == "POST":
            _report, error = coop_try(
                lambda: partner._coop_portal_report(channel_id, parse_id(message_id), reason)
            )
            if not error:
                return request.redirect("/my/messages?message=reported")
        other = partner._coop_chat_other(channel)
        messages = (
            request.env["mail.message"]
            .sudo()
            .search(
                [
                    ("model", "=", "discuss.channel"),
                    ("res_id", "=", channel.id),
                    ("author_id", "in", other.ids),
                    ("message_type", "=", "comment"),
                ],
                limit=20,
            )
        )
        values = coop_layout(
            self,
            "coop_messages",
            channel=channel,
            other=other,
            chat_messages=messages,
            reason=reason,
            error=error,
        )
        return request.render("coop_portal.portal_message_report", values)

    # ------------------------------------------------------------------
    # Directory
    # ------------------------------------------------------------------
    @http.route(["/my/directory"], type="http", auth="user", website=True)
    def coop_directory(self, skill=None, theme=None, town=None, postcode=None, radius=None, **kw):
        partner = self._coop_member_or_404()
        Skill = request.env["coop.skill"].sudo()
        Theme = request.env["coop.engagement.theme"].sudo()
        skill_rec = Skill.browse(parse_id(skill) or []).exists()
        theme_rec = Theme.browse(parse_id(theme) or []).exists()
        town = search_text(town, 64)
        postcode = search_text(postcode, 5)
        radius_km = parse_id(radius)
        radius_km = radius_km if radius_km in RADIUS_CHOICES else None
        if postcode and not radius_km:
            radius_km = 30
        # Every name of the search form's lists read at once, the entries' among them.
        skills = Skill.search_fetch([], ["name"])
        themes = Theme.search_fetch([], ["name"])
        result, error = coop_try(
            lambda: partner._coop_directory(
                skill=skill_rec,
                theme=theme_rec,
                town=town,
                postcode=postcode,
                radius_km=radius_km,
            )
        )
        rows, truncated = result or ([], False)
        values = coop_layout(
            self,
            "coop_directory",
            rows=rows,
            truncated=truncated,
            error=error,
            skills=skills,
            themes=themes,
            radii=RADIUS_CHOICES,
            search={
                "skill": skill_rec,
                "theme": theme_rec,
                "town": town,
                "postcode": postcode,
                "radius": radius_km,
            },
        )
        return request.render("coop_portal.portal_member_directory", values)
