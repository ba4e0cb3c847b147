"""Candidacies from the member space: an eligible member stands in an election of their
assembly during its candidacy window, with a statement and an optional photo, and may
withdraw before the window closes. The rules live in coop.candidacy."""

import base64
import re

from odoo import _, http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools.mimetypes import guess_mimetype

from odoo.addons.portal.controllers.portal import CustomerPortal

from .common import coop_try, coop_voter_or_404, parse_id

STATEMENT_MAX_LENGTH = 2000
PHOTO_MAX_BYTES = 2 * 1024 * 1024
PHOTO_TYPES = ("image/jpeg", "image/png", "image/webp")
# Line breaks and tabs belong to a statement; other control characters do not.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def parse_statement(raw):
    """The candidate's statement: several lines of plain text, not too long."""
    text = raw.strip() if isinstance(raw, str) else ""
    if _CONTROL.search(text):
        raise UserError(_("Remove the control characters from your statement."))
    if len(text) > STATEMENT_MAX_LENGTH:
        raise UserError(
            _(
                "Your statement is too long (%(max)s characters at most).",
                max=STATEMENT_MAX_LENGTH,
            )
        )
    return text or False


def parse_photo(upload):
    """The uploaded photo as base64, or False; its type is read from its bytes, not
    from what the browser says."""
    if not upload or not getattr(upload, "filename", None):
        return False
    data = upload.read(PHOTO_MAX_BYTES + 1)
    if not data:
        return False
    if len(data) > PHOTO_MAX_BYTES:
        raise UserError(_("Your photo is too large (2 MB at most)."))
    if guess_mimetype(data) not in PHOTO_TYPES:
        raise UserError(_("Your photo must be a JPEG, PNG or WebP image."))
    return base64.b64encode(data)


class CoopCandidacyPortal(CustomerPortal):
    def _coop_election_or_404(self, voter, election_id):
        """An election of the voter's own assembly; anything else is not found."""
        election_id = parse_id(election_id)
        election = voter.assembly_id.resolution_ids.filtered(
            lambda r: r.id == election_id and r.kind == "election"
        )
        if not election:
            raise request.not_found()
        return election

    def _coop_candidacy_answer(self, voter, error, done_text):
        values = self._coop_assembly_values(voter)
        if error:
            values["error"] = error
        else:
            values["message_text"] = done_text
        return request.render("coop_portal.portal_my_assembly", values)

    @http.route(
        ["/my/assemblies/<int:voter_id>/candidacy/<int:election_id>"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def coop_candidacy_stand(self, voter_id, election_id, **post):
        voter = coop_voter_or_404(voter_id)
        election = self._coop_election_or_404(voter, election_id)

        def stand():
            statement = parse_statement(post.get("statement"))
            photo = parse_photo(request.httprequest.files.get("photo"))
            return request.env["coop.candidacy"]._portal_stand(voter, election, statement, photo)

        _done, error = coop_try(stand)
        return self._coop_candidacy_answer(
            voter,
            error,
            _(
                "Your candidacy is recorded. The board checks your eligibility before it is "
                "published."
            ),
        )

    @http.route(
        ["/my/assemblies/<int:voter_id>/candidacy/<int:election_id>/withdraw"],
        type="http",
        auth="user",
        website=True,
        methods=["POST"],
    )
    def coop_candidacy_withdraw(self, voter_id, election_id, **post):
        voter = coop_voter_or_404(voter_id)
        election = self._coop_election_or_404(voter, election_id)
        _done, error = coop_try(
            lambda: request.env["coop.candidacy"]._portal_withdraw(voter, election)
        )
        return self._coop_candidacy_answer(voter, error, _("Your candidacy is withdrawn."))
