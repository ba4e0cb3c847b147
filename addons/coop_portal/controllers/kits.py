import re

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_layout, coop_partner, coop_try, parse_id

# A quantity as typed: ASCII digits, a sign let through for the model to refuse in words.
_QUANTITY = re.compile(r"[+-]?[0-9]{1,18}", re.ASCII)
KIT_TEXT_FIELDS = (
    "delivery_name",
    "delivery_street",
    "delivery_street2",
    "delivery_zip",
    "delivery_city",
    "note",
)


def parse_kit_form(post):
    """The kit order form as typed values for ``coop.kit.request._coop_portal_create``.

    One ``quantity_<item id>`` field per item of the catalogue, left empty when not
    ordered; an unreadable id gets the model's answer for an item out of the catalogue.
    """
    lines = []
    for key, raw in post.items():
        if not key.startswith("quantity_"):
            continue
        text = raw.strip() if isinstance(raw, str) else ""
        if not text:
            continue
        item_id = parse_id(key.removeprefix("quantity_"))
        if item_id is None:
            raise UserError(_("This item is not in your cooperative's catalogue."))
        if not _QUANTITY.fullmatch(text):
            raise UserError(_("Give each quantity as a whole number."))
        lines.append((item_id, int(text)))
    event_id = None
    if post.get("event_id"):
        event_id = parse_id(post["event_id"])
        if event_id is None:
            raise UserError(_("Choose one of the events you take part in, or none."))
    values = {"lines": lines, "event_id": event_id}
    for field in KIT_TEXT_FIELDS:
        raw = post.get(field)
        values[field] = raw if isinstance(raw, str) else ""
    return values


class CoopKitsPortal(CustomerPortal):
    """Communication kits: a member orders flyers or posters for a stand and follows the
    order (issue #25 §5); the moderators send them from the back office."""

    @http.route(["/my/kits"], type="http", auth="user", website=True)
    def coop_my_kits(self, **kw):
        # Read as the member: the record rules show their own requests only.
        kits = request.env["coop.kit.request"].search([("partner_id", "=", coop_partner().id)])
        values = coop_layout(self, "coop_kits", kits=kits.sudo(), can_order=self._coop_kit_can())
        return request.render("coop_portal.portal_my_kits", values)

    @http.route(["/my/kits/<int:kit_id>"], type="http", auth="user", website=True)
    def coop_my_kit(self, kit_id, message=None, **kw):
        kit = request.env["coop.kit.request"].search(
            [("id", "=", kit_id), ("partner_id", "=", coop_partner().id)]
        )
        if not kit:
            raise request.not_found()
        values = coop_layout(self, "coop_kit", kit=kit.sudo())
        if message == "ordered":
            values["message_text"] = _(
                "Your order is recorded: the moderators of your cooperative send it and "
                "tell you when it is on its way."
            )
        return request.render("coop_portal.portal_my_kit", values)

    @http.route(["/my/kits/new"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def coop_my_kit_new(self, **post):
        partner = coop_partner()
        Kit = request.env["coop.kit.request"]
        if not self._coop_kit_can():
            raise request.not_found()
        error = None
        if request.httprequest.method == "POST":
            kit, error = coop_try(lambda: Kit._coop_portal_create(parse_kit_form(post)))
            if not error:
                return request.redirect(f"/my/kits/{kit.id}?message=ordered")
            form = post
        else:
            form = dict(Kit._coop_portal_address(partner), event_id=post.get("event_id", ""))
        catalogue = Kit._coop_kit_catalogue(partner)
        values = coop_layout(
            self,
            "coop_kit_new",
            error=error,
            form=form,
            catalogue=catalogue,
            companies=catalogue.company_id,
            events=Kit._coop_kit_events(partner),
        )
        return request.render("coop_portal.portal_my_kit_new", values)

    def _coop_kit_can(self):
        """Whether the user may order: an active member of a cooperative with a catalogue."""
        return bool(request.env["coop.kit.request"]._coop_kit_catalogue(coop_partner()))
