from odoo import _, api, fields, models

from .coop_member import ACTIVE_STATES
from .coop_siret import LEGAL_FORMS


class ResPartner(models.Model):
    _inherit = "res.partner"

    coop_member_ids = fields.One2many("coop.member", "partner_id", string="Memberships")
    # An applicant belongs to the cooperatives they applied to (contact rule below).
    coop_subscription_request_ids = fields.One2many(
        "coop.subscription.request", "partner_id", string="Subscription Requests"
    )
    coop_membership_count = fields.Integer(compute="_compute_coop_membership_count")
    # The three fields below speak of the membership in the current company.
    is_coop_member = fields.Boolean(
        string="Cooperative Member",
        compute="_compute_coop_current",
        search="_search_is_coop_member",
    )
    coop_college_id = fields.Many2one(
        "coop.college",
        string="College",
        compute="_compute_coop_current",
        search="_search_coop_college_id",
    )
    coop_member_number = fields.Char(
        string="Member Number",
        compute="_compute_coop_current",
        search="_search_coop_member_number",
    )

    coop_birthdate = fields.Date(
        string="Birth Date", help="Identifies the person in the register of members."
    )
    coop_contact_channel = fields.Selection(
        [
            ("email", "Email"),
            ("paper", "Paper mail"),
            ("none", "No solicitation"),
        ],
        string="Preferred Channel",
        default="email",
        required=True,
        help="How the cooperative reaches this person. Legal notices (assembly "
        "convocations, attestations) are still sent: by email when there is an "
        "address and the person did not ask for paper, otherwise by post.",
    )
    # The SIREN/SIRET of an organisation is Odoo's company_registry ("Company ID").
    coop_legal_form = fields.Selection(LEGAL_FORMS, string="Legal Form")
    coop_represented_member_ids = fields.One2many(
        "coop.member",
        "representative_id",
        string="Represented Memberships",
        help="The organisations' memberships this person acts for.",
    )

    def _compute_coop_membership_count(self):
        counts = dict(
            self.env["coop.member"]._read_group(
                [("partner_id", "in", self.ids)], ["partner_id"], ["__count"]
            )
        )
        for partner in self:
            partner.coop_membership_count = counts.get(partner, 0)

    @api.depends_context("company")
    @api.depends("coop_member_ids.state", "coop_member_ids.college_id")
    def _compute_coop_current(self):
        company = self.env.company
        members = self.env["coop.member"].search(
            [("partner_id", "in", self.ids), ("company_id", "=", company.id)]
        )
        by_partner = {m.partner_id.id: m for m in members}
        for partner in self:
            member = by_partner.get(partner.id)
            active = bool(member) and member.state in ACTIVE_STATES
            partner.is_coop_member = active
            partner.coop_college_id = member.college_id if active else False
            partner.coop_member_number = member.member_number if member else False

    def _current_member_domain(self, extra):
        return [
            ("company_id", "=", self.env.company.id),
            ("state", "in", ACTIVE_STATES),
            *extra,
        ]

    def _search_is_coop_member(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise NotImplementedError(_("Unsupported search on cooperative membership."))
        positive = (operator == "=") == value
        domain = [("coop_member_ids", "any", self._current_member_domain([]))]
        return domain if positive else ["!", *domain]

    def _search_coop_college_id(self, operator, value):
        return [
            (
                "coop_member_ids",
                "any",
                self._current_member_domain([("college_id", operator, value)]),
            )
        ]

    def _search_coop_member_number(self, operator, value):
        return [
            (
                "coop_member_ids",
                "any",
                [("company_id", "=", self.env.company.id), ("member_number", operator, value)],
            )
        ]

    def _coop_contact_split(self, purpose="solicitation"):
        """Decide who may be contacted, and how. Every sending of the suite uses it.

        :param purpose: ``"legal"`` for notices the law requires (convocations,
            attestations): nobody is skipped, paper when email is impossible or
            refused. Anything else is a solicitation: ``none`` is respected and
            other modules may add caps (see coop_engagement).
        :return: dict with recordsets ``email``, ``paper`` and ``skipped``.
        """
        email = self.browse()
        paper = self.browse()
        skipped = self.browse()
        for partner in self:
            channel = partner.coop_contact_channel or "email"
            if channel == "none" and purpose != "legal":
                skipped |= partner
            elif channel == "paper" or not partner.email:
                if purpose != "legal" and not partner._coop_has_postal_address():
                    skipped |= partner
                else:
                    paper |= partner
            else:
                email |= partner
        return {"email": email, "paper": paper, "skipped": skipped}

    def _coop_has_postal_address(self):
        self.ensure_one()
        return bool(self.street and self.zip and self.city)

    def action_view_coop_memberships(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("coop_membership.coop_member_action")
        action["domain"] = [("partner_id", "=", self.id)]
        action["context"] = {"default_partner_id": self.id}
        return action
