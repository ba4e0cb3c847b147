from odoo import Command, _, api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    # Paths for record rules: "member of this cooperative" is then evaluated in SQL at
    # each query, never frozen in the rule cache of a user (ir.rule caches per uid).
    coop_member_ids = fields.One2many("coop.member", "company_id", string="Members")
    # The same path for the members-only rules (forums, events), through a searchable field:
    # Odoo checks a rule on records in hand (check_access) with filtered_domain, in Python,
    # which would load every membership of the cooperative to test the user's own (seconds
    # per forum page at 12,000 members); the compute reads the user's memberships only,
    # the search is the SQL subquery on memberships.
    coop_user_is_member = fields.Boolean(
        compute="_compute_coop_user_is_member",
        search="_search_coop_user_is_member",
        string="Current User Is a Member",
        help="The current user, or their organisation, is an active member of this "
        "cooperative (record rules).",
    )
    # The map of the local groups page asks its tiles from the cooperative's own tile
    # server: no default, since any public server learns which members look at which
    # place (issue #23 §3). Without one, the markers show on a plain background.
    coop_map_tile_url = fields.Char(
        string="Map Tile Server",
        help="URL template of the tiles of the local groups map, served by the "
        "cooperative or a host it trusts, e.g. https://tiles.example.coop/{z}/{x}/{y}.png. "
        "Empty: the map shows its markers on a plain background and members' browsers "
        "fetch no tiles at all.",
    )
    coop_map_tile_attribution = fields.Char(
        string="Map Tile Attribution",
        help="Credit shown on the map, as the tiles' licence requires, e.g. "
        "© OpenStreetMap contributors.",
    )
    coop_forum_id = fields.Many2one(
        "forum.forum",
        string="Members' Forum",
        readonly=True,
        copy=False,
        help="The forum of the cooperative's members, created with the first general "
        "assembly convened or from this button.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        companies._coop_join_website_public_users()
        return companies

    def _coop_join_website_public_users(self):
        """A cooperative created under a company that has a website: the website's public
        user works in it too, so that its visitors see the new cooperative's public events
        (see website._coop_visitor_company_ids). Only who may create companies gets here
        (create checked their rights); public users are beyond their reach, hence sudo.
        """
        for company in self.filtered("parent_id"):
            websites = (
                self.env["website"]
                .sudo()
                .search([("company_id", "parent_of", company.parent_id.id)])
            )
            websites.user_id.write({"company_ids": [Command.link(company.id)]})

    @api.constrains("coop_map_tile_url")
    def _check_coop_map_tile_url(self):
        for company in self.filtered("coop_map_tile_url"):
            url = company.coop_map_tile_url.strip()
            if not url.startswith(("https://", "http://", "/")) or not all(
                part in url for part in ("{z}", "{x}", "{y}")
            ):
                raise ValidationError(
                    _(
                        "%(company)s: the map tile server must be a web address (https://… or "
                        "a path on this server starting with /) holding {z}, {x} and {y}, "
                        "e.g. https://tiles.example.coop/{z}/{x}/{y}.png.",
                        company=company.name,
                    )
                )

    @api.model
    def _coop_user_member_domain(self):
        partner = self.env.user.partner_id
        return [
            ("is_active_member", "=", True),
            "|",
            ("partner_id", "=", partner.id),
            ("representative_id", "=", partner.id),
        ]

    @api.depends_context("uid")
    @api.depends("coop_member_ids.is_active_member", "coop_member_ids.partner_id")
    def _compute_coop_user_is_member(self):
        # As superuser: rules evaluate this for portal users, who cannot read memberships.
        members = (
            self.env["coop.member"]
            .sudo()
            .search(self._coop_user_member_domain() + [("company_id", "in", self.ids)])
        )
        for company in self:
            company.coop_user_is_member = company in members.company_id

    def _search_coop_user_is_member(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(f"coop_user_is_member {operator} {value!r}")
        domain = [("coop_member_ids", "any", self._coop_user_member_domain())]
        return domain if (operator == "=") == value else ["!", *domain]

    def _coop_forum(self):
        """The cooperative's forum, created on first use (one per cooperative)."""
        self.ensure_one()
        if not self.coop_forum_id:
            forum = self.env["forum.forum"].sudo()._coop_create_for(self)
            self.sudo().coop_forum_id = forum
        return self.coop_forum_id

    def action_coop_open_forum(self):
        self.ensure_one()
        forum = self._coop_forum()
        return {
            "type": "ir.actions.act_window",
            "name": _("Members' Forum"),
            "res_model": "forum.forum",
            "res_id": forum.id,
            "view_mode": "form",
        }
