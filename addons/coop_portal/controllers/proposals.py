import re

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import html2plaintext, html_sanitize, plaintext2html

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_layout, coop_members, coop_try, parse_id, parse_text, search_text

# Longest text a member posts in the proposal's text and rationale (HTML from the editor).
PROPOSAL_MAX_TEXT = 20000
# An opening or closing tag: without it, the value was typed in the plain text area that
# a member without JavaScript gets instead of the editor.
HTML_TAG = re.compile(r"<[a-zA-Z/!]")
# Control characters that no HTML text holds (lxml refuses them).
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_proposal_form(post):
    """Title, text and rationale. The text and rationale come from the website editor as
    HTML, kept as posted: the model's fields sanitize it (scripts and event attributes
    stripped, formatting kept). Text without any tag, typed without JavaScript, is turned
    into paragraphs; a text with nothing to read is empty."""
    values = {"name": parse_text(post.get("name"), _("Title"))}
    for name, label in (("body", _("Text")), ("rationale", _("Rationale"))):
        raw = post.get(name) if isinstance(post.get(name), str) else ""
        if len(raw) > PROPOSAL_MAX_TEXT:
            raise UserError(
                _(
                    "%(field)s is too long (%(max)s characters at most).",
                    field=label,
                    max=PROPOSAL_MAX_TEXT,
                )
            )
        raw = CONTROL_CHARS.sub("", raw).strip()
        if HTML_TAG.search(raw):
            # Kept only if something is left to read once sanitized as the field does.
            clean = html_sanitize(raw)
            values[name] = raw if clean and html2plaintext(clean).strip() else False
        else:
            values[name] = plaintext2html(raw) if raw else False
    return values


def proposal_message_text(code):
    """The confirmation shown after a redirect (?message=code), never free text."""
    return {
        "published": _(
            "Your proposal is published: the members of your cooperative may co-sign it."
        ),
        "signed": _("Your signature is recorded. You may withdraw it until the deadline."),
        "signature_withdrawn": _("Your signature is withdrawn."),
    }.get(code)


class CoopProposals(CustomerPortal):
    """Members draft proposals, invite co-authors, publish and co-sign them."""

    def _coop_proposal_or_404(self, proposal_id):
        """A proposal the user's memberships see; any other id is not found (no leak)."""
        proposals = request.env["coop.proposal"]._member_proposals(coop_members())
        proposal = proposals.filtered(lambda p: p.id == proposal_id)
        if not proposal:
            raise request.not_found()
        return proposal

    @staticmethod
    def _coop_member_for(proposal):
        """The user's active membership in the proposal's cooperative (or none)."""
        return coop_members().filtered(
            lambda m: m.company_id == proposal.company_id and m.state in ("member", "resigning")
        )[:1]

    @staticmethod
    def _coop_author_for(proposal):
        return coop_members().filtered(lambda m: m in proposal.author_id | proposal.coauthor_ids)[
            :1
        ]

    @http.route(["/my/proposals"], type="http", auth="user", website=True)
    def coop_proposals(self, message=None, **kw):
        members = coop_members()
        values = coop_layout(
            self,
            "coop_proposals",
            proposals=request.env["coop.proposal"]._member_proposals(members),
            can_propose=members.filtered(lambda m: m.state in ("member", "resigning")),
        )
        values["message_text"] = proposal_message_text(message)
        return request.render("coop_portal.portal_coop_proposals", values)

    @http.route(
        ["/my/proposals/new"], type="http", auth="user", website=True, methods=["GET", "POST"]
    )
    def coop_proposal_new(self, **post):
        members = coop_members().filtered(lambda m: m.state in ("member", "resigning"))
        if not members:
            raise request.not_found()
        error = None
        if request.httprequest.method == "POST":
            member = members.filtered(lambda m: m.id == parse_id(post.get("member_id")))[:1]

            def create():
                return request.env["coop.proposal"]._member_create(
                    member or members[:1], parse_proposal_form(post)
                )

            proposal, error = coop_try(create)
            if not error:
                return request.redirect(f"/my/proposals/{proposal.id}/edit")
        values = coop_layout(
            self, "coop_proposal_edit", proposal=None, members=members, error=error, post=post
        )
        return request.render("coop_portal.portal_coop_proposal_edit", values)

    @http.route(
        ["/my/proposals/<int:proposal_id>/edit"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_proposal_edit(self, proposal_id, **post):
        proposal = self._coop_proposal_or_404(proposal_id)
        member = self._coop_author_for(proposal)
        if not member or proposal.state != "draft":
            raise request.not_found()
        error = None
        Proposal = proposal.with_env(request.env)
        if request.httprequest.method == "POST":
            if post.get("coauthor_id"):
                _done, error = coop_try(
                    lambda: Proposal._member_add_coauthor(member, parse_id(post["coauthor_id"]))
                )
            elif post.get("publish"):
                _done, error = coop_try(lambda: Proposal._member_publish(member))
                if not error:
                    return request.redirect(f"/my/proposals/{proposal.id}?message=published")
            else:
                _done, error = coop_try(
                    lambda: Proposal._member_write(member, parse_proposal_form(post))
                )
        term = search_text(post.get("q"))
        values = coop_layout(
            self,
            "coop_proposal_edit",
            proposal=proposal,
            members=member,
            term=term,
            candidates=Proposal._member_coauthor_candidates(member, term) if term else [],
            error=error,
            post=post
            if error
            else {
                "name": proposal.name,
                # The editor's HTML, as text in the text area (escaped when shown).
                "body": str(proposal.body or ""),
                "rationale": str(proposal.rationale or ""),
            },
        )
        return request.render("coop_portal.portal_coop_proposal_edit", values)

    @http.route(["/my/proposals/<int:proposal_id>"], type="http", auth="user", website=True)
    def coop_proposal(self, proposal_id, message=None, revision=None, **kw):
        proposal = self._coop_proposal_or_404(proposal_id)
        history = proposal._body_versions()
        revision_id = parse_id(revision)
        diff = False
        if revision_id and any(rev["revision_id"] == revision_id for rev in history):
            # Built from the stored (sanitized) versions; sanitized again for display.
            diff = html_sanitize(
                proposal.html_field_history_get_comparison_at_revision("body", revision_id)
            )
        member = self._coop_member_for(proposal)
        values = coop_layout(
            self,
            "coop_proposal",
            proposal=proposal,
            member=member,
            signed=bool(member and proposal._member_signed(member)),
            history=history,
            revision_id=revision_id,
            diff=diff,
            error=None,
        )
        values["message_text"] = proposal_message_text(message)
        return request.render("coop_portal.portal_coop_proposal", values)

    @http.route(
        ["/my/proposals/<int:proposal_id>/sign"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def coop_proposal_sign(self, proposal_id, **post):
        proposal = self._coop_proposal_or_404(proposal_id)
        member = self._coop_member_for(proposal)
        if not member:
            raise request.not_found()
        Proposal = proposal.with_env(request.env)
        if post.get("withdraw"):
            _done, error = coop_try(lambda: Proposal._member_withdraw(member))
            message = "signature_withdrawn"
        else:
            _done, error = coop_try(lambda: Proposal._member_sign(member))
            message = "signed"
        if not error:
            return request.redirect(f"/my/proposals/{proposal.id}?message={message}")
        history = proposal._body_versions()
        values = coop_layout(
            self,
            "coop_proposal",
            proposal=proposal,
            member=member,
            signed=bool(proposal._member_signed(member)),
            history=history,
            revision_id=None,
            diff=False,
            error=error,
        )
        return request.render("coop_portal.portal_coop_proposal", values)
