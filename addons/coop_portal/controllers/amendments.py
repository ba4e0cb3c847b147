from odoo import _, http
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_layout, coop_try, coop_voter_or_404
from .proposals import parse_proposal_form


class CoopAmendments(CustomerPortal):
    """Members amend the resolutions of their convened assembly (issue #24 §1).

    The draft is then a proposal like any other (its edit page, co-authors, publication,
    co-signature); the rules live in coop.proposal._member_create and
    coop.resolution._coop_amendment_refusal.
    """

    @http.route(
        ["/my/assemblies/<int:voter_id>/amend/<int:resolution_id>"],
        type="http",
        auth="user",
        website=True,
        methods=["GET", "POST"],
    )
    def coop_amendment_new(self, voter_id, resolution_id, **post):
        # The user's own census line, and a resolution its assembly shows members.
        voter = coop_voter_or_404(voter_id)
        resolution = voter._portal_resolutions().filtered(lambda r: r.id == resolution_id)
        if not resolution:
            raise request.not_found()
        member = voter.member_id
        error = resolution._coop_amendment_refusal()
        if request.httprequest.method == "POST":

            def create():
                values = parse_proposal_form(post)
                values["amended_resolution_id"] = resolution.id
                return request.env["coop.proposal"]._member_create(member, values)

            proposal, error = coop_try(create)
            if not error:
                return request.redirect(f"/my/proposals/{proposal.id}/edit")
        else:
            post = {
                "name": _("Amendment: %(resolution)s", resolution=resolution.name)[:256],
                "body": str(resolution.text or ""),
            }
        values = coop_layout(
            self,
            "coop_proposal_edit",
            proposal=None,
            members=member,
            error=error,
            post=post,
            amended=resolution,
            voter=voter,
        )
        return request.render("coop_portal.portal_coop_proposal_edit", values)
