from odoo import _, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL, create_index, format_amount, format_date

from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES


class CoopMember(models.Model):
    _inherit = "coop.member"

    # The person's choice to be listed in the member directory, kept on the membership
    # like the town and postcode it is searched by: the directory then reads its people
    # from the cooperative's own rows (the partial indexes below), not from every person
    # listed in any cooperative of the federation.
    coop_directory_visible = fields.Boolean(
        related="partner_id.coop_directory_visible", store=True, string="In the Member Directory"
    )

    def init(self):
        res = super().init()
        listed = "is_active_member AND coop_directory_visible"
        # The directory's page in town order, and its people counted per postcode.
        create_index(
            self.env.cr,
            "coop_member_directory_city_index",
            self._table,
            ["company_id", "city", "id"],
            where=listed,
        )
        create_index(
            self.env.cr,
            "coop_member_directory_zip_index",
            self._table,
            ["company_id", "zip"],
            where=listed,
        )
        return res

    # ------------------------------------------------------------------
    # Ownership: every portal entry point starts here.
    # ------------------------------------------------------------------
    def _portal_check_owner(self):
        """Raise unless the current user sees these memberships in the portal."""
        mine = self.env.user.partner_id._coop_portal_members()
        if self - mine:
            raise AccessError(_("This membership is not yours."))

    def _portal_can_act(self):
        """A member who left keeps reading their history, but no longer subscribes or votes."""
        self.ensure_one()
        return self.state in ACTIVE_STATES

    def _portal_check_can_act(self):
        if not self._portal_can_act():
            raise UserError(
                _(
                    "Your membership of %(company)s has ended: you can read your history "
                    "and documents, but no longer subscribe, redeem or vote.",
                    company=self.company_id.name,
                )
            )

    # ------------------------------------------------------------------
    # What the member page reads
    # ------------------------------------------------------------------
    def _portal_operations_domain(self):
        self.ensure_one()
        return [
            ("state", "=", "confirmed"),
            "|",
            ("member_id", "=", self.id),
            ("counterpart_member_id", "=", self.id),
        ]

    def _portal_history_page(self, offset, limit):
        """One page of this member's register operations, latest first (superuser records).

        The member's operations are selected first (indexes on member_id and
        counterpart_member_id), then sorted: a plain ORDER BY date DESC LIMIT lets
        PostgreSQL walk the date index of the whole register backwards until it meets a
        page of them, tens of thousands of rows when the member's last operations are not
        the latest of the cooperative (50 ms instead of 1 ms at 400,000 operations,
        tests/bench/bench_portal.py).
        """
        self.ensure_one()
        Operation = self.env["coop.share.operation"].sudo()
        Operation.flush_model(["state", "member_id", "counterpart_member_id", "date"])
        query = Operation._search(self._portal_operations_domain())
        self.env.cr.execute(
            SQL(
                """
                WITH mine AS MATERIALIZED (%s)
                SELECT id FROM mine ORDER BY date DESC, id DESC LIMIT %s OFFSET %s
                """,
                query.select(
                    SQL.identifier(query.table, "id"), SQL.identifier(query.table, "date")
                ),
                limit,
                offset,
            )
        )
        return Operation.browse([row[0] for row in self.env.cr.fetchall()])

    def _portal_holdings(self):
        """[(share_class, quantity, amount)] read from the register, one query."""
        self.ensure_one()
        return self._coop_holdings_by_class()

    def _portal_share_classes(self):
        """Active share classes of this cooperative open to the member's college."""
        self.ensure_one()
        classes = (
            self.env["coop.share.class"]
            .sudo()
            .search([("company_id", "=", self.company_id.id)], order="sequence, id")
        )
        return classes.filtered(lambda c: c._is_allowed_for(self.college_id))

    def _portal_attestation_years(self):
        """Years in which the member subscribed shares (not reversed): one attestation each."""
        self.ensure_one()
        Operation = self.env["coop.share.operation"].sudo()
        rows = Operation._read_group(
            [
                ("member_id", "=", self.id),
                ("state", "=", "confirmed"),
                ("operation_type", "=", "subscription"),
                ("is_reversal", "=", False),
                ("reversal_operation_ids", "=", False),
            ],
            ["date:year"],
        )
        return sorted((row[0].year for row in rows), reverse=True)

    def _portal_subscription_requests(self):
        self.ensure_one()
        return (
            self.env["coop.subscription.request"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", self.partner_id.id),
                    ("company_id", "=", self.company_id.id),
                ],
                limit=20,
            )
        )

    def _portal_redemption_requests(self):
        self.ensure_one()
        return (
            self.env["coop.redemption.request"]
            .sudo()
            .search([("member_id", "=", self.id)], limit=20)
        )

    # ------------------------------------------------------------------
    # What the member does
    # ------------------------------------------------------------------
    def _portal_subscribe(self, share_class_id, quantity):
        """Subscribe more shares: a submitted request, accepted and invoiced at once.

        An admitted member needs no new admission, so the request goes straight to the
        call for payment (the capital release invoice, by email); a cooperative whose
        share class is not ready for invoicing leaves it submitted for the office.
        :param share_class_id: an id (the form's, read by controllers/common.py).
        :param quantity: a number of shares, a positive int.
        :return: the ``coop.subscription.request``.
        """
        self.ensure_one()
        self._portal_check_owner()
        member = self.sudo()
        member._portal_check_can_act()
        share_class = member._portal_share_classes().filtered(lambda c: c.id == share_class_id)
        if not share_class:
            raise UserError(_("Choose one of the share classes offered to your college."))
        request = (
            self.env["coop.subscription.request"]
            .sudo()
            .with_company(member.company_id)
            .create(
                {
                    "partner_id": member.partner_id.id,
                    "company_id": member.company_id.id,
                    "college_id": member.college_id.id,
                    "share_class_id": share_class.id,
                    "quantity": quantity,
                    "origin": "portal",
                }
            )
        )
        request._onchange_partner_id()
        request.action_submit()
        if all(share_class[f] for f in ("capital_account_id", "journal_id", "product_id")):
            request.action_validate()
        return request

    def _portal_request_redemption(self, share_class_id, quantity):
        """Ask the board to buy back some shares (partial redemption, a draft request).

        The member keeps at least the class minimum: leaving the cooperative is a
        resignation, which the office records.
        :param share_class_id: an id; ``quantity``: a positive int (as for _portal_subscribe).
        """
        self.ensure_one()
        self._portal_check_owner()
        member = self.sudo()
        member._portal_check_can_act()
        holdings = {share_class: held for share_class, held, _amount in member._portal_holdings()}
        share_class = next((c for c in holdings if c.id == share_class_id), None)
        if not share_class:
            raise UserError(_("Choose one of the share classes you hold."))
        pending = sum(
            self.env["coop.redemption.request"]
            .sudo()
            .search(
                [
                    ("member_id", "=", member.id),
                    ("share_class_id", "=", share_class.id),
                    ("state", "=", "draft"),
                ]
            )
            .mapped("quantity")
        )
        available = holdings[share_class] - pending
        if quantity > available:
            raise UserError(
                _(
                    "You hold %(held)s shares of %(share_class)s, %(pending)s of which are "
                    "already in a pending redemption: you can ask for %(available)s at most.",
                    held=holdings[share_class],
                    share_class=share_class.display_name,
                    pending=pending,
                    available=max(available, 0),
                )
            )
        # The register's holding rules (class minimum, at least one share in all classes),
        # on what is still free once the pending requests are redeemed.
        all_pending = sum(
            self.env["coop.redemption.request"]
            .sudo()
            .search([("member_id", "=", member.id), ("state", "=", "draft")])
            .mapped("quantity")
        )
        try:
            share_class._check_holding(
                member,
                available,
                available - quantity,
                member_total=sum(holdings.values()) - all_pending - quantity,
            )
        except UserError as error:
            raise UserError(
                _(
                    "%(rule)s To leave the cooperative and be refunded all your shares, send "
                    "your resignation to %(company)s.",
                    rule=error.args[0],
                    company=member.company_id.name,
                )
            ) from error
        request = (
            self.env["coop.redemption.request"]
            .sudo()
            .with_company(member.company_id)
            .create(
                {
                    "member_id": member.id,
                    "company_id": member.company_id.id,
                    "share_class_id": share_class.id,
                    "quantity": quantity,
                    "redemption_type": "partial",
                    "request_date": fields.Date.context_today(self),
                    "note": _("Asked by the member from the member space."),
                }
            )
        )
        request.message_post(
            body=_("Redemption asked by the member from the member space: awaiting the board."),
            subtype_xmlid="mail.mt_note",
        )
        return request

    def _portal_history_lines(self, operations):
        """This member's side of register operations, signed as the register counts them."""
        self.ensure_one()
        types = dict(operations._fields["operation_type"]._description_selection(self.env))
        currency = self.currency_id
        lines = []
        for operation in operations:
            for member, share_class, quantity, role in operation._signed_lines():
                if member != self:
                    continue
                unit = (
                    operation.target_unit_value
                    if share_class == operation.target_share_class_id
                    and share_class != operation.share_class_id
                    else operation.unit_value
                )
                counterpart = (
                    operation.counterpart_member_id
                    if role == "giver"
                    else operation.member_id
                    if role == "receiver"
                    else self.browse()
                )
                lines.append(
                    {
                        "operation": operation,
                        "type": types.get(operation.operation_type, ""),
                        "counterpart": counterpart.partner_id.name if counterpart else "",
                        "share_class": share_class,
                        "quantity": quantity,
                        "amount": quantity * unit,
                        # Formatted here once per line, in the member's language.
                        "date_text": format_date(self.env, operation.date),
                        "amount_text": format_amount(self.env, quantity * unit, currency),
                    }
                )
        return lines

    def _portal_engagement(self):
        """Levels of this membership and the activities of the window that make them."""
        self.ensure_one()
        member = self.sudo()
        months = member.company_id.coop_engagement_window or 24
        since = fields.Date.subtract(fields.Date.context_today(self), months=months)
        activities = (
            self.env["coop.engagement.activity"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", member.partner_id.id),
                    ("company_id", "=", member.company_id.id),
                    ("date", ">=", since),
                ],
                limit=30,
            )
        )
        return {
            "democratic": member.democratic_level,
            "militant": member.militant_level,
            "months": months,
            "activities": activities,
        }
