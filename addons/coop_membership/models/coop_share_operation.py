import math

from odoo import _, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, float_compare, sql

from .coop_member import ACTIVE_STATES

# Fields of the legal register: frozen once an operation is confirmed.
LEGAL_FIELDS = {
    "name",
    "date",
    "recording_date",
    "member_id",
    "company_id",
    "share_class_id",
    "operation_type",
    "quantity",
    "unit_value",
    "amount",
    "counterpart_member_id",
    "target_share_class_id",
    "target_unit_value",
    "target_quantity",
    "is_reversal",
    "reversed_operation_id",
    "state",
}


# Context marker of action_reverse (see create): an object, so no RPC call can forge it.
_REVERSAL = object()

OPERATION_TYPES = [
    ("subscription", "Subscription"),
    ("transfer", "Transfer"),
    ("redemption", "Redemption"),
    ("conversion", "Conversion"),
]

# What an operation adds to the subscribed capital (redemptions remove, transfers leave it
# unchanged, a reversal counts negatively): SQL over coop_share_operation columns, for the
# capital variation report and its SQL view. A conversion keeps the nominal value (2 x 25
# -> 1 x 50, see _check_conversion_value), so its change is 0; the formula still reads
# what the register recorded, for conversions entered before that rule (target_quantity
# = quantity, the value changed without an invoice or refund).
SIGNED_CAPITAL_SQL = """
    CASE WHEN is_reversal THEN -1 ELSE 1 END
    * CASE operation_type
          WHEN 'subscription' THEN amount
          WHEN 'redemption' THEN -amount
          WHEN 'conversion' THEN target_quantity * target_unit_value - amount
          ELSE 0
      END"""

# The same for the number of shares: transfers leave it unchanged; a conversion changes it
# when the nominal values differ (2 shares of 25 become 1 share of 50).
SIGNED_QUANTITY_SQL = """
    CASE WHEN is_reversal THEN -1 ELSE 1 END
    * CASE operation_type
          WHEN 'subscription' THEN quantity
          WHEN 'redemption' THEN -quantity
          WHEN 'conversion' THEN target_quantity - quantity
          ELSE 0
      END"""


class CoopShareOperation(models.Model):
    _name = "coop.share.operation"
    _description = "Share Register Operation"
    _inherit = ["mail.thread"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Register Number", readonly=True, copy=False, index="trigram")
    date = fields.Date(
        string="Value Date",
        required=True,
        default=fields.Date.context_today,
        index=True,
        tracking=True,
        help="Date from which the operation counts (a payment, a board decision), which may "
        "be earlier than the day it is recorded.",
    )
    recording_date = fields.Date(
        readonly=True,
        copy=False,
        help="Day the operation was entered in the register, when it got its number: "
        "numbers follow the recording order, not the value dates.",
    )
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    member_id = fields.Many2one(
        "coop.member",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
        tracking=True,
        help="Holder of the shares; for a transfer, the member giving the shares.",
    )
    partner_id = fields.Many2one(related="member_id.partner_id", string="Person")
    share_class_id = fields.Many2one(
        "coop.share.class",
        required=True,
        index=True,
        check_company=True,
        ondelete="restrict",
    )
    operation_type = fields.Selection(
        OPERATION_TYPES,
        string="Type",
        required=True,
        default="subscription",
        index=True,
        tracking=True,
    )
    # Unsigned: group totals would add redemptions as positives (see signed_quantity).
    quantity = fields.Integer(required=True, default=1, tracking=True, aggregator=None)
    unit_value = fields.Monetary(
        compute="_compute_unit_value", store=True, readonly=False, precompute=True
    )
    amount = fields.Monetary(
        compute="_compute_amount", store=True, precompute=True, aggregator=None
    )
    # What the operation adds to the cooperative's capital: the register's footer and group
    # totals sum these (the unsigned quantity and amount add redemptions as positives).
    signed_quantity = fields.Integer(
        string="Net Shares",
        compute="_compute_signed",
        store=True,
        precompute=True,
        help="Shares added to (+) or removed from (-) the capital: subscriptions add, "
        "redemptions remove, transfers leave the number unchanged, a conversion changes it "
        "by the shares received minus the shares converted; a reversal counts with the "
        "opposite sign.",
    )
    signed_amount = fields.Monetary(
        string="Capital Change",
        compute="_compute_signed",
        store=True,
        precompute=True,
        help="Change of the subscribed capital: subscriptions add, redemptions remove, "
        "transfers and conversions (which keep the nominal value) leave it unchanged; a "
        "reversal counts with the opposite sign.",
    )
    counterpart_member_id = fields.Many2one(
        "coop.member",
        string="Receiving Member",
        index="btree_not_null",
        check_company=True,
        ondelete="restrict",
        help="Member receiving the shares of a transfer.",
    )
    target_share_class_id = fields.Many2one(
        "coop.share.class",
        string="Converted Into",
        check_company=True,
        ondelete="restrict",
    )
    target_unit_value = fields.Monetary(
        compute="_compute_target_unit_value", store=True, readonly=False, precompute=True
    )
    # Not typed in: the shares of the same nominal value in the target class. Writable only
    # so that a reversal copies its original as the register recorded it.
    target_quantity = fields.Integer(
        string="Shares Received",
        compute="_compute_target_quantity",
        store=True,
        readonly=False,
        precompute=True,
        aggregator=None,
        help="Shares of the target class a conversion gives, for the same nominal value: "
        "shares converted x their nominal value / nominal value of the target class.",
    )
    move_id = fields.Many2one(
        "account.move",
        string="Accounting Entry",
        copy=False,
        check_company=True,
        index="btree_not_null",
    )
    is_reversal = fields.Boolean(readonly=True, copy=False)
    reversed_operation_id = fields.Many2one(
        "coop.share.operation",
        string="Reverses",
        readonly=True,
        copy=False,
        index="btree_not_null",
    )
    reversal_operation_ids = fields.One2many(
        "coop.share.operation", "reversed_operation_id", string="Reversed By"
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed")],
        default="draft",
        required=True,
        readonly=True,
        copy=False,
        index=True,
        tracking=True,
    )
    note = fields.Text()

    _sql_constraints = [
        ("quantity_positive", "CHECK(quantity > 0)", "The number of shares must be positive."),
        (
            "name_company_uniq",
            "unique(company_id, name)",
            "A register number is never given twice in a cooperative.",
        ),
    ]

    def _auto_init(self):
        # New columns on an existing register (100,000+ operations) are filled by one
        # UPDATE each, with the SQL the reports use, rather than computed record by record.
        cr = self.env.cr
        new_columns = sql.table_exists(cr, self._table) and [
            name
            for name in ("signed_quantity", "signed_amount", "recording_date")
            if not sql.column_exists(cr, self._table, name)
        ]
        if sql.table_exists(cr, self._table) and not sql.column_exists(
            cr, self._table, "target_quantity"
        ):
            # Conversions recorded before the shares received were counted kept their
            # number of shares: the register says so, and its figures stay what they were.
            sql.create_column(cr, self._table, "target_quantity", "int4")
            cr.execute(
                """UPDATE coop_share_operation
                      SET target_quantity = CASE WHEN operation_type = 'conversion'
                                                 THEN quantity ELSE 0 END"""
            )
        if new_columns:
            for name in new_columns:
                sql.create_column(cr, self._table, name, self._fields[name].column_type[1])
            cr.execute(
                SQL(
                    """UPDATE coop_share_operation
                          SET signed_quantity = %s, signed_amount = %s,
                              recording_date = COALESCE(
                                  recording_date,
                                  CASE WHEN state = 'confirmed'
                                       THEN (create_date AT TIME ZONE 'UTC')::date END)""",
                    SQL(SIGNED_QUANTITY_SQL),
                    SQL(SIGNED_CAPITAL_SQL),
                )
            )
        return super()._auto_init()

    def init(self):
        # The register sums amounts over every operation of 100,000+ members: PostgreSQL
        # adds integers several times faster than numerics. amount_units is the amount in
        # ten-thousandths, kept equal to it by the database itself (a generated column, not
        # an ORM field), so the sums stay exact to the cent for any currency.
        self.env.cr.execute(
            """
            ALTER TABLE coop_share_operation
              ADD COLUMN IF NOT EXISTS amount_units bigint
                  GENERATED ALWAYS AS (round(amount * 10000)::bigint) STORED
            """
        )

    @api.depends("share_class_id")
    def _compute_unit_value(self):
        for operation in self:
            if operation.state == "draft" or not operation.unit_value:
                operation.unit_value = operation.share_class_id.nominal_value

    @api.depends("target_share_class_id")
    def _compute_target_unit_value(self):
        for operation in self:
            if operation.state == "draft" or not operation.target_unit_value:
                operation.target_unit_value = operation.target_share_class_id.nominal_value

    @api.depends("operation_type", "quantity", "unit_value", "target_unit_value")
    def _compute_target_quantity(self):
        # A confirmed operation keeps what the register recorded.
        for operation in self.filtered(lambda op: op.state == "draft"):
            value = operation.target_unit_value
            if operation.operation_type != "conversion" or not value:
                operation.target_quantity = 0
            else:
                # Rounded down: _check_conversion_value refuses what does not divide.
                operation.target_quantity = int(
                    (operation.quantity * operation.unit_value + value / 1e6) // value
                )

    @api.depends("quantity", "unit_value")
    def _compute_amount(self):
        for operation in self:
            operation.amount = operation.quantity * operation.unit_value

    @api.depends(
        "operation_type",
        "quantity",
        "amount",
        "target_unit_value",
        "target_quantity",
        "is_reversal",
    )
    def _compute_signed(self):
        # Same arithmetic as SIGNED_QUANTITY_SQL and SIGNED_CAPITAL_SQL.
        for operation in self:
            sign = -1 if operation.is_reversal else 1
            quantity, amount = operation.quantity, operation.amount
            if operation.operation_type == "subscription":
                signed = (quantity, amount)
            elif operation.operation_type == "redemption":
                signed = (-quantity, -amount)
            elif operation.operation_type == "conversion":
                target = operation.target_quantity
                signed = (target - quantity, target * operation.target_unit_value - amount)
            else:
                signed = (0, 0.0)
            operation.signed_quantity = sign * signed[0]
            operation.signed_amount = sign * signed[1]

    @api.depends("name", "operation_type", "member_id")
    def _compute_display_name(self):
        types = dict(self._fields["operation_type"]._description_selection(self.env))
        for operation in self:
            operation.display_name = " - ".join(
                part
                for part in (
                    operation.name or _("Draft"),
                    types.get(operation.operation_type),
                    operation.member_id.partner_id.name,
                )
                if part
            )

    @api.constrains("operation_type", "counterpart_member_id", "target_share_class_id", "member_id")
    def _check_type_fields(self):
        for operation in self:
            if operation.operation_type == "transfer":
                if not operation.counterpart_member_id:
                    raise ValidationError(_("A transfer needs a receiving member."))
                if operation.counterpart_member_id == operation.member_id:
                    raise ValidationError(_("A member cannot transfer shares to themselves."))
            elif operation.counterpart_member_id:
                raise ValidationError(_("Only a transfer has a receiving member."))
            if operation.operation_type == "conversion":
                if not operation.target_share_class_id:
                    raise ValidationError(_("A conversion needs the share class to convert into."))
                if operation.target_share_class_id == operation.share_class_id:
                    raise ValidationError(_("A conversion must change the share class."))
            elif operation.target_share_class_id:
                raise ValidationError(_("Only a conversion has a target share class."))

    @api.constrains(
        "operation_type", "quantity", "unit_value", "target_unit_value", "target_quantity"
    )
    def _check_conversion_value(self):
        """A conversion keeps the nominal value: 2 shares of 25 become 1 share of 50.

        Capital that appears or disappears needs its subscription (invoice, payment) or its
        redemption (board decision, refund): a conversion that does not divide exactly is
        refused. A reversal copies its original as recorded.
        """
        for operation in self:
            if operation.operation_type != "conversion" or operation.is_reversal:
                continue
            currency = operation.currency_id
            value, target_value = operation.unit_value, operation.target_unit_value
            if currency.compare_amounts(target_value, 0) <= 0:
                raise ValidationError(
                    _("The share class to convert into needs a positive nominal value.")
                )
            amount = operation.quantity * value
            received = operation.target_quantity
            if received > 0 and not currency.compare_amounts(received * target_value, amount):
                continue
            # The smallest number of shares that converts exactly, in the currency's units.
            units_value = round(value / currency.rounding)
            units_target = round(target_value / currency.rounding)
            step = units_target // math.gcd(units_value, units_target)
            raise ValidationError(
                _(
                    "A conversion keeps the nominal value of the shares: %(quantity)s shares "
                    "of %(share_class)s (%(amount)s) do not make a whole number of shares of "
                    "%(target_class)s at %(target_value)s. Convert a multiple of %(step)s "
                    "shares, and record the rest as a subscription or a redemption.",
                    quantity=operation.quantity,
                    share_class=operation.share_class_id.display_name,
                    amount=currency.format(amount),
                    target_class=operation.target_share_class_id.display_name,
                    target_value=currency.format(target_value),
                    step=step,
                )
            )

    # ------------------------------------------------------------------
    # Immutability of the legal register
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        operations = super().create(vals_list)
        # Checked on the records, not on vals: default_* context keys fill fields too.
        if any(op.state != "draft" or op.name or op.recording_date for op in operations):
            raise UserError(
                _(
                    "An operation starts as a draft; its Confirm action gives it its "
                    "register number."
                )
            )
        # A reversal is exempt from the capital floor and from the holding bounds: only
        # action_reverse makes one (its marker is a Python object, which no RPC call can
        # put in a context).
        if self.env.context.get("coop_reversal") is not _REVERSAL and any(
            op.is_reversal or op.reversed_operation_id for op in operations
        ):
            raise UserError(_("A reversal is made only by the Reverse action of an operation."))
        return operations

    def write(self, vals):
        if {"is_reversal", "reversed_operation_id"} & set(vals):
            raise UserError(_("A reversal is made only by the Reverse action of an operation."))
        if {"state", "name", "recording_date"} & set(vals):
            raise UserError(
                _(
                    "An operation is numbered and confirmed only by its Confirm action "
                    "(and cancelled only by a reversal)."
                )
            )
        frozen = LEGAL_FIELDS & set(vals)
        if frozen and any(op.state == "confirmed" for op in self):
            raise UserError(
                _(
                    "A confirmed operation of the share register cannot be changed "
                    "(%(fields)s); reverse it instead.",
                    fields=", ".join(sorted(self._fields[f].string for f in frozen)),
                )
            )
        if "move_id" in vals and any(op.state == "confirmed" and op.move_id for op in self):
            raise UserError(_("The accounting entry of a confirmed operation cannot be replaced."))
        return super().write(vals)

    def _register_write(self, vals):
        """Number and confirm, once action_confirm has checked every rule.

        Private (not callable over RPC, unlike a context flag); access rights still apply.
        """
        return super().write(vals)  # pylint: disable=super-method-mismatch

    @api.ondelete(at_uninstall=False)
    def _unlink_except_confirmed(self):
        if any(op.state == "confirmed" for op in self):
            raise UserError(
                _(
                    "A confirmed operation belongs to the legal share register and cannot "
                    "be deleted; reverse it instead."
                )
            )

    # ------------------------------------------------------------------
    # Holdings: one place for the holding rules
    # ------------------------------------------------------------------
    @api.model
    def _coop_member_lines(self, member_ids, group_by_class=False):
        """Signed (quantity, amount) of the confirmed register for these members.

        Same arithmetic as the ``coop.share.movement`` view, but each branch filters on an
        indexed column (member_id, counterpart_member_id), which the view's UNION cannot.
        Returns rows (member_id, [share_class_id,] quantity, amount).
        """
        if not member_ids:
            return []
        self.flush_model()
        class_column = SQL("share_class_id,") if group_by_class else SQL()
        self.env.cr.execute(
            SQL(
                """
                SELECT member_id, %(class_column)s SUM(quantity), SUM(amount)
                  FROM (
                        SELECT member_id, share_class_id,
                               (CASE WHEN is_reversal THEN -1 ELSE 1 END)
                               * (CASE WHEN operation_type = 'subscription' THEN 1 ELSE -1 END)
                               * quantity AS quantity,
                               (CASE WHEN is_reversal THEN -1 ELSE 1 END)
                               * (CASE WHEN operation_type = 'subscription' THEN 1 ELSE -1 END)
                               * amount AS amount
                          FROM coop_share_operation
                         WHERE state = 'confirmed' AND member_id = ANY(%(ids)s)
                     UNION ALL
                        SELECT counterpart_member_id, share_class_id,
                               (CASE WHEN is_reversal THEN -1 ELSE 1 END) * quantity,
                               (CASE WHEN is_reversal THEN -1 ELSE 1 END) * amount
                          FROM coop_share_operation
                         WHERE state = 'confirmed' AND counterpart_member_id = ANY(%(ids)s)
                     UNION ALL
                        SELECT member_id, target_share_class_id,
                               (CASE WHEN is_reversal THEN -1 ELSE 1 END) * target_quantity,
                               (CASE WHEN is_reversal THEN -1 ELSE 1 END) * target_quantity
                               * target_unit_value
                          FROM coop_share_operation
                         WHERE state = 'confirmed' AND operation_type = 'conversion'
                           AND member_id = ANY(%(ids)s)
                       ) AS lines
              GROUP BY member_id %(group_class)s
                """,
                class_column=class_column,
                ids=list(member_ids),
                group_class=SQL(", share_class_id") if group_by_class else SQL(),
            )
        )
        return self.env.cr.fetchall()

    @api.model
    def _coop_holdings(self, member_ids):
        """Return {(member_id, share_class_id): quantity} from the confirmed register."""
        return {
            (member_id, class_id): quantity
            for member_id, class_id, quantity, _amount in self._coop_member_lines(
                member_ids, group_by_class=True
            )
        }

    def _signed_lines(self):
        """Yield (member, share_class, signed quantity, role) for this operation."""
        self.ensure_one()
        sign = -1 if self.is_reversal else 1
        qty = self.quantity * sign
        if self.operation_type == "subscription":
            yield self.member_id, self.share_class_id, qty, "holder"
        elif self.operation_type == "redemption":
            yield self.member_id, self.share_class_id, -qty, "holder"
        elif self.operation_type == "transfer":
            yield self.member_id, self.share_class_id, -qty, "giver"
            yield self.counterpart_member_id, self.share_class_id, qty, "receiver"
        else:  # conversion: the same nominal value in the target class
            yield self.member_id, self.share_class_id, -qty, "holder"
            yield self.member_id, self.target_share_class_id, self.target_quantity * sign, "holder"

    def _check_holdings(self):
        """Check the holding rules for the holdings that would result from these operations.

        - nobody holds a negative number of shares;
        - a member only acquires shares of a class allowed for their college;
        - an acquisition never exceeds the class maximum;
        - a decrease keeps the class minimum, unless the member leaves (full redemption);
        - a member keeps at least one share, all classes together: giving away or
          redeeming everything is an exit.
        Reversals only need to keep holdings non-negative.
        """
        members = self.member_id | self.counterpart_member_id
        holdings = self._coop_holdings(members.ids)
        for operation in self:
            changes = []
            for member, share_class, delta, role in operation._signed_lines():
                key = (member.id, share_class.id)
                before = holdings.get(key, 0)
                holdings[key] = before + delta
                changes.append((member, share_class, before, before + delta, role))
            # Totals once the whole operation applies: a conversion's two sides together.
            for member, share_class, before, after, role in changes:
                total = sum(
                    qty for (member_id, _cls), qty in holdings.items() if member_id == member.id
                )
                share_class._check_holding(
                    member, before, after, role, operation.is_reversal, member_total=total
                )

    def _check_capital_floor(self):
        """Refuse operations that would bring a cooperative's capital below its floor.

        Every reduction of capital goes through here (a redemption approved by the board,
        one entered straight in the register; a conversion keeps the value), so no path
        around the floor remains. A reversal is exempt: it corrects an entry that should
        never have been made, and a register must always be correctable. The company rows
        are locked first: two reductions confirmed at once cannot both pass (see
        res.company._coop_lock_capital).
        """
        self.flush_recordset()
        # The change of capital per cooperative, by the one expression the reports use.
        self.env.cr.execute(
            SQL(
                """SELECT company_id, SUM(%s) FROM coop_share_operation
                    WHERE id = ANY(%s) AND is_reversal IS NOT TRUE
                 GROUP BY company_id""",
                SQL(SIGNED_CAPITAL_SQL),
                self.ids,
            )
        )
        Company = self.env["res.company"]
        changes = {
            Company.browse(company_id): float(change)
            for company_id, change in self.env.cr.fetchall()
        }
        decreasing = Company.union(
            *(
                company
                for company, change in changes.items()
                if float_compare(change, 0, precision_rounding=company.currency_id.rounding) < 0
            )
        )
        if not decreasing:
            return
        decreasing._coop_lock_capital()
        # The highest capital is computed, not stored: read it afresh after the lock (this
        # transaction may have just raised it).
        decreasing.invalidate_recordset(["coop_highest_capital"])
        capital = decreasing._coop_subscribed_capital()
        for company in decreasing:
            after = capital[company.id] + changes[company]
            floor = company._coop_capital_floor()
            if float_compare(after, floor, precision_rounding=company.currency_id.rounding) < 0:
                raise UserError(
                    _(
                        "This would bring the capital of %(company)s down to %(after)s, below "
                        "its floor of %(floor)s (one quarter of the highest capital reached, "
                        "loi 47-1775 art. 13, or the statutory minimum). The redemption must "
                        "wait for new subscriptions.",
                        company=company.name,
                        after=company.currency_id.format(after),
                        floor=company.currency_id.format(floor),
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_confirm(self):
        """Confirm draft operations: check the holding rules and give register numbers."""
        if any(op.state != "draft" for op in self):
            raise UserError(_("Only draft operations can be confirmed."))
        for operation in self:
            if (
                operation.operation_type == "transfer"
                and operation.counterpart_member_id.state not in ACTIVE_STATES
            ):
                raise UserError(
                    _(
                        "%(person)s is not an active member and cannot receive shares.",
                        person=operation.counterpart_member_id.partner_id.name,
                    )
                )
            member = operation.member_id
            if (
                operation.operation_type == "subscription"
                and not operation.is_reversal
                and member.state not in ACTIVE_STATES + ("candidate",)
                and not (member.exit_date and operation.date <= member.exit_date)
            ):
                raise UserError(
                    _(
                        "%(person)s has left the cooperative and cannot subscribe shares.",
                        person=operation.member_id.partner_id.name,
                    )
                )
        self._check_holdings()
        self._check_capital_floor()
        # Numbers follow the order of recording (a legal register is kept in the order
        # of its entries); the value date may be earlier, when a payment is recorded late.
        today = fields.Date.context_today(self)
        for operation in self.sorted(lambda op: (op.date, op.id)):
            sequence = operation.company_id._coop_get_share_sequence()
            operation._register_write(
                {
                    "name": sequence.next_by_id(sequence_date=today),
                    "recording_date": today,
                    "state": "confirmed",
                }
            )
        return True

    def action_reverse(self, date=None, note=None):
        """Cancel confirmed operations by confirmed opposite operations linked to them.

        A reversal is dated ``date``, by default today (or the original's own date when
        that is later): never before the operation it cancels.
        """
        date = fields.Date.to_date(date)
        today = fields.Date.context_today(self)
        for operation in self:
            if date and date < operation.date:
                raise UserError(
                    _(
                        "%(operation)s is dated %(date)s: its reversal cannot be dated "
                        "earlier, on %(reversal_date)s.",
                        operation=operation.name,
                        date=operation.date,
                        reversal_date=date,
                    )
                )
            if operation.state != "confirmed":
                raise UserError(_("Only confirmed operations can be reversed."))
            if operation.is_reversal:
                raise UserError(_("%(operation)s is itself a reversal.", operation=operation.name))
            if operation.reversal_operation_ids:
                raise UserError(_("%(operation)s is already reversed.", operation=operation.name))
        reversals = self.with_context(coop_reversal=_REVERSAL).create(
            [
                {
                    "date": date or max(today, op.date),
                    "company_id": op.company_id.id,
                    "member_id": op.member_id.id,
                    "share_class_id": op.share_class_id.id,
                    "operation_type": op.operation_type,
                    "quantity": op.quantity,
                    "unit_value": op.unit_value,
                    "counterpart_member_id": op.counterpart_member_id.id,
                    "target_share_class_id": op.target_share_class_id.id,
                    "target_unit_value": op.target_unit_value,
                    "target_quantity": op.target_quantity,
                    "is_reversal": True,
                    "reversed_operation_id": op.id,
                    "note": note or _("Reversal of %(operation)s", operation=op.name),
                }
                for op in self
            ]
        )
        reversals = reversals.with_context(coop_reversal=None)
        reversals.action_confirm()
        reversals._reverse_accounting()
        reversals._notify_reversed_requests()
        return reversals

    def _notify_reversed_requests(self):
        """Tell the subscription or redemption requests whose operation was reversed.

        The request keeps its state (its invoice or refund did happen); its history says
        that the register no longer holds its shares, and by which operation.
        """
        originals = self.reversed_operation_id
        for model in ("coop.subscription.request", "coop.redemption.request"):
            requests = self.env[model].search([("operation_id", "in", originals.ids)])
            for request in requests:
                reversal = self.filtered(
                    lambda r, req=request: r.reversed_operation_id == req.operation_id
                )
                request.message_post(
                    body=_(
                        "Register operation %(operation)s was reversed by %(reversal)s on "
                        "%(date)s: the register no longer counts it.",
                        operation=request.operation_id.name,
                        reversal=reversal.name,
                        date=reversal.date,
                    )
                )

    def _reverse_accounting(self):
        """Post the opposite of the reversed operation's entry, so books follow the register.

        A capital release invoice gets a posted credit note (the refund then owed to the
        member); a refund entry gets its opposite entry. The caller needs accounting rights.
        """
        for reversal in self:
            move = reversal.reversed_operation_id.move_id
            if not move or move.state != "posted":
                continue
            opposite = move._reverse_moves(
                default_values_list=[
                    {
                        "date": reversal.date,
                        "invoice_date": reversal.date if move.is_invoice() else False,
                        "ref": _(
                            "Reversal of register operation %(operation)s",
                            operation=reversal.reversed_operation_id.name,
                        ),
                    }
                ],
                cancel=False,
            )
            opposite.action_post()
            reversal.move_id = opposite

    def action_view_move(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "account.move",
            "res_id": self.move_id.id,
            "view_mode": "form",
        }
