from odoo import _, fields, models
from odoo.exceptions import UserError


class CoopResolution(models.Model):
    _inherit = "coop.resolution"  # pylint: disable=consider-merging-classes-inherited

    # Amendments drafted by members (coop.proposal), before the board accepts them onto
    # the agenda as amendment resolutions (amendment_ids).
    amendment_proposal_ids = fields.One2many(
        "coop.proposal", "amended_resolution_id", string="Members' Amendments"
    )
    amendment_proposal_count = fields.Integer(
        compute="_compute_amendment_proposal_count", string="Amendments Proposed"
    )

    def _compute_amendment_proposal_count(self):
        # Drafts stay their authors' until published.
        counts = dict(
            self.env["coop.proposal"]
            .sudo()
            ._read_group(
                [("amended_resolution_id", "in", self.ids), ("state", "!=", "draft")],
                ["amended_resolution_id"],
                ["__count"],
            )
        )
        for resolution in self:
            resolution.amendment_proposal_count = counts.get(resolution, 0)

    def _coop_amendment_refusal(self):
        """Why members may not amend this resolution now, or False: the one rule of
        the member space's "Propose an amendment" (shown, drafted, published)."""
        self.ensure_one()
        resolution = self.sudo()
        assembly = resolution.assembly_id
        if resolution.parent_id:
            return _("An amendment cannot be amended in turn.")
        if resolution.kind != "motion":
            return _("Only motions can be amended, not elections.")
        if resolution.state not in ("draft", "proposed"):
            return _(
                "Resolution %(resolution)s can no longer be amended.",
                resolution=resolution.name,
            )
        if assembly.state != "convened":
            states = dict(assembly._fields["state"]._description_selection(self.env))
            return _(
                "Amendments are proposed while the assembly is convened: %(assembly)s is "
                "%(state)s.",
                assembly=assembly.name,
                state=states[assembly.state],
            )
        if not assembly.amendment_window_open:
            return _(
                "The amendments to the resolutions of %(assembly)s are closed.",
                assembly=assembly.name,
            )
        return False

    def _coop_check_amendable(self):
        refusal = self._coop_amendment_refusal()
        if refusal:
            raise UserError(refusal)

    def action_view_amendment_proposals(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coop_governance.coop_proposal_action"
        )
        action["domain"] = [
            ("amended_resolution_id", "=", self.id),
            ("state", "!=", "draft"),
        ]
        action["context"] = {}
        return action
