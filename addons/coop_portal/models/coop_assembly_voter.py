from odoo import _, api, models
from odoo.exceptions import AccessError, UserError

# Assemblies a member sees in the portal: from the convocation on.
PORTAL_ASSEMBLY_STATES = ("convened", "open", "closed")
# Resolutions shown to members: on the agenda, being voted, or decided.
PORTAL_RESOLUTION_STATES = ("proposed", "voting", "adopted", "rejected")


class CoopAssemblyVoter(models.Model):
    _inherit = "coop.assembly.voter"

    @api.model
    def _portal_voters(self, members):
        """Census lines of these memberships in assemblies members may see (superuser).

        Coming and open assemblies first, the nearest on top; then the closed ones, the
        latest on top.
        """
        voters = self.sudo().search(
            [
                ("member_id", "in", members.ids),
                ("assembly_id.state", "in", PORTAL_ASSEMBLY_STATES),
            ]
        )
        return voters.sorted(
            lambda v: (
                (1, -v.assembly_id.date.timestamp())
                if v.assembly_id.state == "closed"
                else (0, v.assembly_id.date.timestamp())
            )
        )

    def _portal_check_owner(self):
        self.sudo().member_id._portal_check_owner()

    def _portal_resolutions(self):
        self.ensure_one()
        return self.assembly_id.resolution_ids.filtered(
            lambda r: r.state in PORTAL_RESOLUTION_STATES
        ).sorted(lambda r: (r.sequence, r.id))

    def _portal_ballots(self):
        """{resolution id: ballot} already cast for this voter (by anyone)."""
        self.ensure_one()
        ballots = self.env["coop.ballot"].sudo().search([("voter_id", "=", self.id)])
        return {ballot.resolution_id.id: ballot for ballot in ballots}

    def _portal_can_vote(self):
        self.ensure_one()
        return self.assembly_id.state == "open" and self.member_id._portal_can_act()

    def _portal_can_give_proxy(self):
        self.ensure_one()
        return (
            self.assembly_id.state in ("convened", "open")
            and self.member_id._portal_can_act()
            and not self.proxy_holder_id
            and not self.proxy_count
            and self.attendance in ("absent",)
            and not self._portal_ballots()
        )

    def _portal_proxy_candidates(self, term):
        """Fellow members of the same cooperative in this census, found by name or number.

        Never a full list: at least three characters of a name, or an exact number.
        """
        self.ensure_one()
        # What was typed, cleaned by the route (controllers/common.py search_text).
        term = (term or "").strip()
        # Not a member directory: only a voter who may give their proxy searches.
        if len(term) < 3 or not self._portal_can_give_proxy():
            return self.browse()
        return self.sudo().search(
            [
                ("assembly_id", "=", self.assembly_id.id),
                ("company_id", "=", self.company_id.id),
                ("id", "!=", self.id),
                ("attendance", "not in", ("represented", "postal")),
                "|",
                "|",
                ("member_number", "=", term),
                ("partner_id.name", "ilike", term),
                # A proxy given to an organisation is held by its representative: members
                # know the person.
                ("representative_id.name", "ilike", term),
            ],
            limit=8,
        )

    def _portal_give_proxy(self, holder_id):
        """Give this voter's proxy to a fellow member; the census rules decide the rest.

        :param holder_id: the id of the holder's ``coop.assembly.voter`` line.
        """
        self.ensure_one()
        self._portal_check_owner()
        voter = self.sudo()
        voter.member_id._portal_check_can_act()
        if voter.assembly_id.state not in ("convened", "open"):
            raise UserError(_("Proxies are given before the assembly closes."))
        wrong_holder = _("Choose the proxy holder among the members of your cooperative.")
        # An id (the route's, read by controllers/common.py) or a record; anything else,
        # or a voter that does not exist, is refused with the same words.
        holder = (
            self.env["coop.input.mixin"]
            ._coop_records("coop.assembly.voter", holder_id, wrong_holder)
            .sudo()
        )
        if holder.assembly_id != voter.assembly_id or holder.company_id != voter.company_id:
            raise UserError(wrong_holder)
        if holder == voter:
            raise UserError(_("You cannot give your proxy to yourself."))
        if voter.proxy_holder_id:
            raise UserError(
                _(
                    "You already gave your proxy to %(holder)s: withdraw it first.",
                    holder=voter.proxy_holder_id.partner_id.name,
                )
            )
        voter.action_give_proxy(holder)
        voter._portal_log_proxy(
            _(
                "%(person)s gave their proxy to %(holder)s from the member space.",
                person=voter.partner_id.name,
                holder=holder.partner_id.name,
            )
        )
        return True

    def _portal_withdraw_proxy(self):
        self.ensure_one()
        self._portal_check_owner()
        voter = self.sudo()
        if not voter.proxy_holder_id:
            raise UserError(_("You have not given a proxy for this assembly."))
        holder = voter.proxy_holder_id
        voter.action_cancel_proxy()
        voter._portal_log_proxy(
            _(
                "%(person)s withdrew the proxy given to %(holder)s from the member space.",
                person=voter.partner_id.name,
                holder=holder.partner_id.name,
            )
        )
        return True

    def _portal_log_proxy(self, body):
        """The assembly's chatter keeps who handed their vote to whom, and when."""
        self.assembly_id.message_post(body=body, subtype_xmlid="mail.mt_note")

    def _portal_vote(self, choices, represented=None):
        """Cast this voter's ballots (or those of a voter they hold the proxy of).

        :param choices: {resolution id: choice}, a choice being ``yes``/``no``/``abstain``
            or, for an election, a list of candidacy ids.
        :param represented: the ``coop.assembly.voter`` whose proxy this voter holds.
        :return: the ballots, in agenda order. All or nothing: one refused ballot stores none.
        """
        self.ensure_one()
        self._portal_check_owner()
        holder = self.sudo()
        holder.member_id._portal_check_can_act()
        voter = holder
        channel = "online"
        cast_by = None
        if represented:
            voter = represented.sudo()
            if voter.proxy_holder_id != holder:
                raise AccessError(_("You do not hold this member's proxy."))
            channel = "proxy"
            cast_by = holder
        if not choices or not isinstance(choices, dict):
            raise UserError(_("Choose your vote on at least one resolution."))
        resolutions = voter._portal_resolutions()
        ballots = self.env["coop.ballot"]
        for resolution_id, choice in choices.items():
            resolution = resolutions.filtered(lambda r, rid=resolution_id: r.id == rid)
            if not resolution:
                raise UserError(_("This resolution is not on the agenda of your assembly."))
            ballots |= resolution.cast_vote(voter, choice, channel=channel, cast_by=cast_by)
        return ballots

    @api.model
    def _demo_give_proxy(self, assembly_id, member_id, holder_member_id):
        """Demo data: ``member_id`` gives their proxy to ``holder_member_id``."""
        voters = self.search([("assembly_id", "=", assembly_id)])
        giver = voters.filtered(lambda v: v.member_id.id == member_id)
        holder = voters.filtered(lambda v: v.member_id.id == holder_member_id)
        if giver and holder:
            giver.action_give_proxy(holder)
