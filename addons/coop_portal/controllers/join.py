from odoo import _, http
from odoo.http import request

from ..models.coop_subscription_request import (
    JOIN_CONSENT_VERSION,
    JOIN_CONSENTS,
    JOIN_ORGANISATION_FIELDS,
    JOIN_TEXT_FIELDS,
)
from .common import REFUSALS, parse_bool, parse_date, parse_id, parse_quantity, parse_text


def parse_join_form(env, post):
    """The join page's fields as typed values for ``_portal_join`` (which keeps the rules).

    Ids are ints (None when unreadable: the model names what to choose), the number of
    shares an int, the birth date a date, the boxes booleans, the texts stripped
    strings without control characters (False when empty). The organisation's fields
    are read only when the box "I apply for an organisation" is ticked.
    """
    Request = env["coop.subscription.request"]
    organisation = parse_bool(post.get("is_organisation"))
    values = {
        "company_id": parse_id(post.get("company_id")),
        "college_id": parse_id(post.get("college_id")),
        "share_class_id": parse_id(post.get("share_class_id")),
        "quantity": parse_quantity(post.get("quantity")),
        "is_organisation": organisation,
    }
    for field in JOIN_TEXT_FIELDS + (JOIN_ORGANISATION_FIELDS if organisation else ()):
        label = Request._fields[field].get_description(env)["string"]
        values[field] = parse_text(post.get(field), label)
    # Choices among a field's values: the model checks them against its selection.
    values["legal_form"] = (post.get("legal_form") or False) if organisation else False
    values["contact_channel"] = post.get("contact_channel") or "email"
    values["birthdate"] = parse_date(post.get("birthdate"), _("Give your birth date as a date."))
    values.update({name: parse_bool(post.get(name)) for name in JOIN_CONSENTS})
    return values


class CoopJoin(http.Controller):
    """Public application to become a member: a submitted request the office accepts."""

    def _join_values(self, **extra):
        Request = request.env["coop.subscription.request"]
        companies = Request._portal_join_companies()
        classes = (
            request.env["coop.share.class"]
            .sudo()
            .search([("company_id", "in", companies.ids)], order="company_id, sequence, id")
        )
        return {
            "companies": companies,
            "share_classes": classes,
            "channels": Request._fields["contact_channel"]._description_selection(request.env),
            "legal_forms": Request._fields["legal_form"]._description_selection(request.env),
            "post": {},
            "consent_version": JOIN_CONSENT_VERSION,
            "error": None,
            **extra,
        }

    @http.route(
        ["/cooperative/join"],
        type="http",
        auth="public",
        website=True,
        methods=["GET", "POST"],
        sitemap=True,
    )
    def join(self, **post):
        if request.httprequest.method != "POST":
            return request.render("coop_portal.coop_join", self._join_values())
        # Honeypot: people never fill a field they cannot see; robots do. They get the
        # same thank-you page and nothing is stored.
        if post.get("website_url"):
            return request.render("coop_portal.coop_join_thanks")
        Request = request.env["coop.subscription.request"]
        ip = request.httprequest.remote_addr
        try:
            # Counted before the form is read, outside the application's savepoint: a
            # refused form counts too.
            Request._portal_join_count_attempt(ip)
            values = parse_join_form(request.env, post)
            with request.env.cr.savepoint():
                Request._portal_join(values, ip=ip, counted=True)
        except REFUSALS as e:
            values = self._join_values(post=post, error=e.args[0] if e.args else str(e))
            return request.render("coop_portal.coop_join", values)
        # The same page whether the address was new or already had an application: the
        # reference goes by email, never on the page anyone can ask for any address.
        return request.render("coop_portal.coop_join_thanks")
