import re

from odoo import _, fields, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal, pager as portal_pager

from ..models.res_partner import PROFILE_FIELDS
from .common import (
    coop_layout,
    coop_member_or_404,
    coop_members,
    coop_partner,
    coop_pdf,
    coop_try,
    coop_voter_or_404,
    parse_bool,
    parse_id,
    parse_ids,
    parse_quantity,
    parse_text,
    search_text,
)

HISTORY_PAGE_SIZE = 20
_POLL_REASON_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Counters of the "My cooperative" block of /my, filled only when asked (the documents'
# counter is filled by documents.py's own override, merged with this one by Odoo).
COOP_COUNTERS = (
    "coop_membership_count",
    "coop_share_count",
    "coop_assembly_count",
    "coop_proxy_count",
    "coop_document_count",
)


def parse_poll_form(poll, form):
    """The poll page's answer set for ``_portal_answer_set`` (which keeps the rules).

    Each option's field is ``option_<id>``; its value is a rank or a score (an int, None
    when a rank is left empty, the raw text when it is not a number: the model names the
    fault) or a time poll's "yes" / "maybe" / "no". An id that cannot be read stays None
    and is refused as not being an option of the poll.
    """
    values = {}
    for key in form:
        if not key.startswith("option_"):
            continue
        raw = (form.get(key) or "").strip()
        if poll.choice_type in ("ranked", "score"):
            if raw.isascii() and raw.isdigit() and len(raw) <= 3:
                raw = int(raw)
            elif not raw and poll.choice_type == "ranked":
                raw = None
        values[parse_id(key[len("option_") :])] = raw
    return values


def parse_poll_reason(raw):
    """The reason of a consent answer: several lines of text, control characters other
    than line breaks dropped (PostgreSQL refuses NUL)."""
    text = raw if isinstance(raw, str) else ""
    return _POLL_REASON_CONTROL.sub("", text).strip()


def parse_profile_form(env, post):
    """The profile page's fields as typed values for ``_coop_portal_update_profile``
    (which keeps the rules): texts stripped without control characters (False when
    empty), the country an id (None when unreadable, False when empty), the newsletter
    box a boolean. Fields the form did not send are left out (left as they are)."""
    Partner = env["res.partner"]
    values = {}
    for field in PROFILE_FIELDS:
        if field not in post:
            continue
        raw = post[field]
        if field == "coop_newsletter_optin":
            values[field] = parse_bool(raw)
        elif field == "country_id":
            values[field] = parse_id(raw) if isinstance(raw, str) and raw.strip() else False
        else:
            label = Partner._fields[field].get_description(env)["string"]
            values[field] = parse_text(raw, label)
    return values


class CoopPortal(CustomerPortal):
    """Thin routes: ownership comes from res.partner._coop_portal_members(), every rule
    from the models; a refusal is shown on the page and rolls back its savepoint."""

    # ------------------------------------------------------------------
    # /my home: the "My cooperative" block
    # ------------------------------------------------------------------
    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        # The documents' counter is documents.py's.
        if not any(c in counters for c in COOP_COUNTERS[:4]):
            return values
        members = coop_members()
        if "coop_membership_count" in counters:
            values["coop_membership_count"] = len(members)
        if "coop_share_count" in counters:
            values["coop_share_count"] = sum(members.mapped("share_count"))
        voters = request.env["coop.assembly.voter"]._portal_voters(members)
        if "coop_assembly_count" in counters:
            values["coop_assembly_count"] = len(
                voters.filtered(lambda v: v.assembly_id.state in ("convened", "open"))
            )
        if "coop_proxy_count" in counters:
            values["coop_proxy_count"] = (
                request.env["coop.assembly.voter"]
                .sudo()
                .search_count(
                    [
                        ("proxy_holder_id", "in", voters.ids),
                        ("assembly_id.state", "in", ("convened", "open")),
                    ]
                )
            )
        return values

    @http.route()
    def home(self, **kw):
        response = super().home(**kw)
        if coop_members():
            response.qcontext.update(self._prepare_home_portal_values(list(COOP_COUNTERS)))
            response.qcontext["coop_member_home"] = True
        return response

    # ------------------------------------------------------------------
    # My shares
    # ------------------------------------------------------------------
    @http.route(["/my/cooperative"], type="http", auth="user", website=True)
    def coop_cooperative(self, **kw):
        members = coop_members()
        if not members:
            return request.render("coop_portal.portal_no_membership", coop_layout(self, "coop"))
        return self.coop_membership(members[0].id, **kw)

    @http.route(
        ["/my/cooperative/<int:member_id>", "/my/cooperative/<int:member_id>/page/<int:page>"],
        type="http",
        auth="user",
        website=True,
    )
    def coop_membership(self, member_id, page=1, **kw):
        member = coop_member_or_404(member_id)
        Operation = request.env["coop.share.operation"].sudo()
        domain = member._portal_operations_domain()
        total = Operation.search_count(domain)
        pager = portal_pager(
            url=f"/my/cooperative/{member.id}",
            total=total,
            page=page,
            step=HISTORY_PAGE_SIZE,
        )
        operations = member._portal_history_page(pager["offset"], HISTORY_PAGE_SIZE)
        values = coop_layout(
            self,
            "coop",
            member=member,
            holdings=member._portal_holdings(),
            history=member._portal_history_lines(operations),
            pager=pager,
            attestation_years=member._portal_attestation_years(),
            subscription_requests=member._portal_subscription_requests(),
            redemption_requests=member._portal_redemption_requests(),
            message=kw.get("message"),
        )
        return request.render("coop_portal.portal_my_cooperative", values)

    @http.route(
        ["/my/cooperative/<int:member_id>/certificate"], type="http", auth="user", website=True
    )
    def coop_certificate(self, member_id, **kw):
        member = coop_member_or_404(member_id)
        filename = _("share_certificate_%s.pdf", member.member_number or member.id)
        return coop_pdf("coop_membership.action_report_share_certificate", member, filename)

    @http.route(
        ["/my/cooperative/<int:member_id>/attestation/<int:year>"],
        type="http",
        auth="user",
        website=True,
    )
    def coop_attestation(self, member_id, year, **kw):
        member = coop_member_or_404(member_id)
        if year not in member._portal_attestation_years():
            raise request.not_found()
        filename = _("tax_attestation_%(year)s_%(number)s.pdf", year=year,
                     number=member.member_number or member.id)  # fmt: skip
        return coop_pdf(
            "coop_membership.action_report_tax_attestation", member, filename, {"year": year}
        )

    @http.route(
        ["/my/cooperative/<int:member_id>/subscribe"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_subscribe(self, member_id, **post):
        member = coop_member_or_404(member_id)
        error = None
        if request.httprequest.method == "POST":
            subscription, error = coop_try(
                lambda: member._portal_subscribe(
                    parse_id(post.get("share_class_id")), parse_quantity(post.get("quantity"))
                )
            )
            if not error:
                return request.redirect(f"/my/cooperative/{member.id}?message=subscribed#requests")
        values = coop_layout(
            self,
            "coop_subscribe",
            member=member,
            share_classes=member._portal_share_classes(),
            holdings=member._portal_holdings(),
            error=error,
            post=post,
        )
        return request.render("coop_portal.portal_coop_subscribe", values)

    @http.route(
        ["/my/cooperative/<int:member_id>/redeem"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_redeem(self, member_id, **post):
        member = coop_member_or_404(member_id)
        error = None
        if request.httprequest.method == "POST":
            if not post.get("confirm"):
                error = _("Tick the box to confirm that you read the rules of redemption.")
            else:
                _redemption, error = coop_try(
                    lambda: member._portal_request_redemption(
                        parse_id(post.get("share_class_id")), parse_quantity(post.get("quantity"))
                    )
                )
                if not error:
                    return request.redirect(
                        f"/my/cooperative/{member.id}?message=redemption#requests"
                    )
        company = member.company_id
        values = coop_layout(
            self,
            "coop_redeem",
            member=member,
            holdings=member._portal_holdings(),
            refund_delay=company.coop_refund_delay_months,
            loss_per_share=company.coop_loss_per_share,
            error=error,
            post=post,
        )
        return request.render("coop_portal.portal_coop_redeem", values)

    @http.route(
        ["/my/cooperative/profile"], type="http", auth="user", website=True, methods=["GET", "POST"]
    )
    def coop_profile(self, **post):
        partner = coop_partner()
        error = changed = None
        if request.httprequest.method == "POST":
            # An unticked box is not sent by the browser.
            post.setdefault("coop_newsletter_optin", "0")
            changed, error = coop_try(
                lambda: partner._coop_portal_update_profile(parse_profile_form(request.env, post))
            )
        values = coop_layout(
            self,
            "coop_profile",
            partner=partner.sudo(),
            countries=request.env["res.country"].sudo().search([]),
            channels=partner._fields["coop_contact_channel"]._description_selection(request.env),
            newsletters=partner._coop_portal_newsletters(),
            error=error,
            changed=changed,
            post=post if error else {},
        )
        return request.render("coop_portal.portal_coop_profile", values)

    # ------------------------------------------------------------------
    # My votes
    # ------------------------------------------------------------------
    @http.route(["/my/assemblies"], type="http", auth="user", website=True)
    def coop_assemblies(self, **kw):
        members = coop_members()
        voters = request.env["coop.assembly.voter"]._portal_voters(members)
        values = coop_layout(
            self,
            "coop_assemblies",
            voters=voters,
            polls=request.env["coop.poll"]._portal_polls(members),
        )
        return request.render("coop_portal.portal_my_assemblies", values)

    def _coop_assembly_values(self, voter, **extra):
        held = voter.proxy_ids
        ballots = {v.id: v._portal_ballots() for v in voter | held}
        return coop_layout(
            self,
            "coop_assembly",
            voter=voter,
            assembly=voter.assembly_id,
            resolutions=voter._portal_resolutions(),
            ballots=ballots,
            held=held,
            can_vote=voter._portal_can_vote(),
            can_give_proxy=voter._portal_can_give_proxy(),
            **extra,
        )

    @http.route(["/my/assemblies/<int:voter_id>"], type="http", auth="user", website=True)
    def coop_assembly(self, voter_id, **kw):
        voter = coop_voter_or_404(voter_id)
        values = self._coop_assembly_values(voter, message=kw.get("message"))
        return request.render("coop_portal.portal_my_assembly", values)

    @http.route(
        ["/my/assemblies/<int:voter_id>/convocation"], type="http", auth="user", website=True
    )
    def coop_convocation(self, voter_id, **kw):
        voter = coop_voter_or_404(voter_id)
        filename = _("convocation_%s.pdf", voter.member_number or voter.id)
        return coop_pdf("coop_governance.action_report_convocation", voter, filename)

    @http.route(["/my/assemblies/<int:voter_id>/minutes"], type="http", auth="user", website=True)
    def coop_minutes(self, voter_id, **kw):
        voter = coop_voter_or_404(voter_id)
        assembly = voter.assembly_id
        if assembly.state != "closed":
            raise request.not_found()
        filename = _("minutes_%s.pdf", assembly.minutes_number or assembly.id)
        return coop_pdf("coop_governance.action_report_minutes", assembly, filename)

    @http.route(
        ["/my/assemblies/<int:voter_id>/document/<int:attachment_id>"],
        type="http",
        auth="user",
        website=True,
    )
    def coop_assembly_document(self, voter_id, attachment_id, **kw):
        voter = coop_voter_or_404(voter_id)
        attachment = voter.assembly_id.document_ids.filtered(lambda a: a.id == attachment_id)
        if not attachment:
            raise request.not_found()
        return (
            request.env["ir.binary"]._get_stream_from(attachment).get_response(as_attachment=True)
        )

    def _coop_parse_choices(self, voter, post, prefix):
        """{resolution id: choice} from the form; elections give a list of candidacy ids."""
        choices = {}
        for resolution in voter._portal_resolutions().filtered(lambda r: r.state == "voting"):
            if resolution.kind == "election":
                key = f"{prefix}{resolution.id}_voted"
                if post.get(key):
                    picked = parse_ids(request.httprequest.form.getlist(f"{prefix}{resolution.id}"))
                    choices[resolution.id] = [c for c in picked if c]
            elif post.get(f"{prefix}{resolution.id}"):
                choices[resolution.id] = post[f"{prefix}{resolution.id}"]
        return choices

    @http.route(
        ["/my/assemblies/<int:voter_id>/vote"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def coop_vote(self, voter_id, **post):
        """Step 1 shows the choices back for confirmation; step 2 (confirm=1) casts them."""
        voter = coop_voter_or_404(voter_id)
        represented = request.env["coop.assembly.voter"]
        if post.get("represented_id"):
            represented_id = parse_id(post["represented_id"])
            represented = voter.proxy_ids.filtered(lambda v: v.id == represented_id)
            if not represented:
                raise request.not_found()
        choices = self._coop_parse_choices(represented or voter, post, "choice_")
        error = None
        if not choices:
            error = _("Choose your vote on at least one resolution.")
        elif post.get("confirm"):
            ballots, error = coop_try(lambda: voter._portal_vote(choices, represented))
            if not error:
                values = coop_layout(
                    self,
                    "coop_vote",
                    voter=voter,
                    assembly=voter.assembly_id,
                    represented=represented,
                    ballots=ballots,
                )
                return request.render("coop_portal.portal_vote_receipt", values)
        if error:
            values = self._coop_assembly_values(voter, error=error)
            return request.render("coop_portal.portal_my_assembly", values)
        resolutions = voter._portal_resolutions().filtered(lambda r: r.id in choices)
        values = coop_layout(
            self,
            "coop_vote",
            voter=voter,
            assembly=voter.assembly_id,
            represented=represented,
            resolutions=resolutions,
            choices=choices,
            candidacies=request.env["coop.candidacy"].sudo(),
        )
        return request.render("coop_portal.portal_vote_confirm", values)

    @http.route(
        ["/my/assemblies/<int:voter_id>/proxy"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_proxy(self, voter_id, **post):
        voter = coop_voter_or_404(voter_id)
        error = None
        if request.httprequest.method == "POST":
            if post.get("withdraw"):
                _done, error = coop_try(lambda: voter._portal_withdraw_proxy())
                message = "proxy_withdrawn"
            else:
                _done, error = coop_try(
                    lambda: voter._portal_give_proxy(parse_id(post.get("holder_id")))
                )
                message = "proxy_given"
            if not error:
                return request.redirect(f"/my/assemblies/{voter.id}?message={message}")
        term = search_text(post.get("q"))
        values = coop_layout(
            self,
            "coop_proxy",
            voter=voter,
            assembly=voter.assembly_id,
            term=term,
            candidates=voter._portal_proxy_candidates(term),
            proxy_max=voter.assembly_id.company_id.coop_proxy_max,
            error=error,
        )
        return request.render("coop_portal.portal_coop_proxy", values)

    # ------------------------------------------------------------------
    # Polls
    # ------------------------------------------------------------------
    @http.route(
        ["/my/polls/<int:poll_id>/<int:member_id>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_poll(self, poll_id, member_id, **post):
        member = coop_member_or_404(member_id)
        entry = next(
            (e for e in request.env["coop.poll"]._portal_polls(member) if e[0].id == poll_id),
            None,
        )
        if not entry:
            raise request.not_found()
        poll, member, answered = entry
        published = poll._portal_results_published()
        error = None
        if request.httprequest.method == "POST":
            form = request.httprequest.form
            if poll.choice_type in ("single", "multiple"):
                options = parse_ids(form.getlist("option_id"))
                _done, error = coop_try(lambda: poll._portal_answer(member, options))
            else:
                _done, error = coop_try(
                    lambda: poll._portal_answer_set(
                        member,
                        parse_poll_form(poll, form),
                        consent=form.get("consent"),
                        reason=parse_poll_reason(form.get("reason")),
                    )
                )
            if not error:
                return request.redirect(f"/my/polls/{poll.id}/{member.id}?message=answered")
        values = coop_layout(
            self,
            "coop_poll",
            poll=poll,
            member=member,
            answered=answered,
            now=fields.Datetime.now(),
            results=poll.get_results()
            if poll.choice_type in ("single", "multiple") and published
            else [],
            chart=poll._chart_values() if published else None,
            post=post if error else {},
            error=error,
            message=post.get("message"),
        )
        return request.render("coop_portal.portal_coop_poll", values)
