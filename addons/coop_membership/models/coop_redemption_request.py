from collections import defaultdict

from dateutil.relativedelta import relativedelta

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import format_amount, format_date
from odoo.tools.float_utils import float_is_zero

from .coop_member import ACTIVE_STATES
from .coop_state_guard_mixin import GuardRule

EXIT_TYPES = ("resignation", "exclusion", "death")
# Membership states in which the member's shares may be redeemed for an exit: the exit
# must be effective (a resignation in its notice period can still be withdrawn).
EXIT_MEMBER_STATES = ("resigned", "excluded", "deceased")
# The redemption that goes with each exit (see _compute_redemption_type).
EXIT_TYPE_BY_STATE = {"resigned": "resignation", "excluded": "exclusion", "deceased": "death"}
# The board's early refund decision, recorded while the refund waits for its due date.
EARLY_REFUND_FIELDS = frozenset({"early_refund_date", "early_refund_reference"})


# Set only by the request's actions (see coop.state.guard.mixin), never by a plain write.
ACTION_FIELDS = frozenset({"state", "operation_id", "move_id", "payment_id"})
# Computed from the shares, their nominal value and the losses per share, never typed in.
COMPUTED_FIELDS = frozenset({"refund_unit_value", "nominal_amount", "refund_amount"})
# What the board approved: fixed once it is approved.
APPROVED_FIELDS = frozenset(
    {
        "member_id",
        "share_class_id",
        "quantity",
        "loss_per_share",
        "exit_date",
        "decision_date",
        "due_date",
        "redemption_type",
        "company_id",
    }
)
# The journal and date of the refund's payment.
PAYMENT_FIELDS = frozenset({"payment_journal_id", "payment_date"})


class CoopRedemptionRequest(models.Model):
    _name = "coop.redemption.request"
    _description = "Share Redemption Request"
    _inherit = [
        "mail.thread",
        "mail.activity.mixin",
        "coop.input.mixin",
        "coop.role.activity.mixin",
        "coop.state.guard.mixin",
    ]
    _order = "id desc"
    _check_company_auto = True
    _coop_minimums = {"quantity": 1, "loss_per_share": 0}
    _coop_action_fields = ACTION_FIELDS
    _coop_deletable_states = ("draft", "cancelled")

    name = fields.Char(string="Reference", readonly=True, copy=False, default="/")
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
        tracking=True,
        ondelete="restrict",
    )
    partner_id = fields.Many2one(related="member_id.partner_id", string="Person")
    share_class_id = fields.Many2one(
        "coop.share.class",
        required=True,
        check_company=True,
        compute="_compute_share_class_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    quantity = fields.Integer(string="Shares", required=True, default=1, tracking=True)
    redemption_type = fields.Selection(
        [
            ("resignation", "Resignation"),
            ("exclusion", "Exclusion"),
            ("death", "Death"),
            ("partial", "Partial redemption"),
        ],
        string="Reason",
        required=True,
        compute="_compute_redemption_type",
        store=True,
        readonly=False,
        precompute=True,
        tracking=True,
        help="The member's exit (resignation, exclusion, death) redeems all their shares; a "
        "member who stays may have some of them redeemed (partial redemption).",
    )
    request_date = fields.Date(default=fields.Date.context_today, required=True)
    exit_date = fields.Date(
        compute="_compute_exit_date",
        store=True,
        readonly=False,
        precompute=True,
        help="Date the member left the cooperative; the refund delay runs from it. A partial "
        "redemption is no exit: its delay runs from the request date.",
    )
    decision_date = fields.Date(
        string="Board Decision Date",
        copy=False,
        help="Date of the board meeting that approved the redemption (today if left empty).",
    )
    due_date = fields.Date(
        string="Refund Due Date",
        compute="_compute_due_date",
        store=True,
        precompute=True,
        help="Exit date (request date for a partial redemption) plus the statutory refund "
        "delay of the cooperative; frozen at the board decision. The refund is not paid "
        "before it unless the board decides an early refund.",
    )
    early_refund_date = fields.Date(
        string="Early Refund Decision",
        copy=False,
        tracking=True,
        help="Date of the board meeting that decided to refund before the due date.",
    )
    early_refund_reference = fields.Char(
        string="Early Refund Minutes",
        copy=False,
        tracking=True,
        help="Reference of the minutes of the board meeting that decided the early refund.",
    )
    early_refund_user_id = fields.Many2one(
        "res.users",
        string="Early Refund Recorded By",
        readonly=True,
        copy=False,
        tracking=True,
    )
    payment_journal_id = fields.Many2one(
        "account.journal",
        string="Refund Journal",
        check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]",
        help="Bank journal the refund is paid from (the cooperative's first bank journal if "
        "left empty).",
    )
    payment_date = fields.Date(
        string="Refund Date", copy=False, help="Date of the refund payment (today if left empty)."
    )
    unit_value = fields.Monetary(related="share_class_id.nominal_value", string="Nominal Value")
    loss_per_share = fields.Monetary(
        compute="_compute_loss_per_share",
        store=True,
        readonly=False,
        precompute=True,
        help="Share of the booked losses borne by each share (art. 18), from the cooperative "
        "settings; frozen at the board decision.",
    )
    refund_unit_value = fields.Monetary(compute="_compute_amounts", store=True)
    nominal_amount = fields.Monetary(compute="_compute_amounts", store=True)
    refund_amount = fields.Monetary(compute="_compute_amounts", store=True)
    redeems_every_share = fields.Boolean(
        compute="_compute_redeems_every_share",
        help="A partial redemption of every share the member holds, in all classes: refused, "
        "since a member keeps at least one share; redeeming everything is an exit.",
    )
    operation_id = fields.Many2one(
        "coop.share.operation", string="Register Operation", readonly=True, copy=False
    )
    move_id = fields.Many2one(
        "account.move", string="Redemption Entry", readonly=True, copy=False, check_company=True
    )
    payment_id = fields.Many2one(
        "account.payment", string="Refund Payment", readonly=True, copy=False, check_company=True
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("approved", "Approved"),
            ("paid", "Refunded"),
            ("cancelled", "Cancelled"),
        ],
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
            "loss_per_share_positive",
            "CHECK(loss_per_share >= 0)",
            "The losses per share cannot be negative: a refund never exceeds the nominal value "
            "(loi 47-1775 art. 18).",
        ),
    ]

    # Exit date, due date and loss per share follow their sources while the request is a
    # draft; the board decision freezes them (a compute that assigns nothing keeps the
    # stored value).
    @api.depends("member_id")
    def _compute_share_class_id(self):
        """The class the member holds (the largest holding if several)."""
        holdings = self.env["coop.share.operation"]._coop_holdings(self.member_id.ids)
        for request in self.filtered(lambda r: r.state == "draft" and r.member_id):
            held = {
                class_id: quantity
                for (member_id, class_id), quantity in holdings.items()
                if member_id == request.member_id.id and quantity > 0
            }
            if held and request.share_class_id.id not in held:
                request.share_class_id = max(held, key=held.get)

    @api.depends("member_id.state")
    def _compute_redemption_type(self):
        # A member who left has their exit's redemption; one who stays, a partial one.
        for request in self.filtered(lambda r: r.state == "draft"):
            request.redemption_type = EXIT_TYPE_BY_STATE.get(request.member_id.state, "partial")

    @api.depends("member_id.exit_date", "redemption_type", "request_date")
    def _compute_exit_date(self):
        for request in self.filtered(lambda r: r.state == "draft"):
            if request.redemption_type == "partial":
                request.exit_date = False
            else:
                request.exit_date = request.member_id.exit_date or request.request_date

    @api.depends("exit_date", "request_date", "company_id.coop_refund_delay_months")
    def _compute_due_date(self):
        # A request approved before its due date was ever computed still gets one.
        for request in self.filtered(lambda r: r.state == "draft" or not r.due_date):
            start = request.exit_date or request.request_date
            request.due_date = start and start + relativedelta(
                months=request.company_id.coop_refund_delay_months
            )

    @api.depends("company_id")
    def _compute_loss_per_share(self):
        for request in self:
            if request.state == "draft":
                request.loss_per_share = request.company_id.coop_loss_per_share

    @api.depends("quantity", "share_class_id.nominal_value", "loss_per_share")
    def _compute_amounts(self):
        for request in self:
            nominal = request.share_class_id.nominal_value
            refund_unit = max(nominal - (request.loss_per_share or 0.0), 0.0)
            request.refund_unit_value = refund_unit
            request.nominal_amount = request.quantity * nominal
            request.refund_amount = request.quantity * refund_unit

    @api.depends("member_id", "quantity", "redemption_type", "state")
    def _compute_redeems_every_share(self):
        holdings = self.env["coop.share.operation"]._coop_holdings(self.member_id.ids)
        totals = defaultdict(int)
        for (member_id, _class_id), quantity in holdings.items():
            totals[member_id] += quantity
        for request in self:
            member = request.member_id
            request.redeems_every_share = (
                request.state == "draft"
                and request.redemption_type == "partial"
                and member.state in ACTIVE_STATES
                and request.quantity >= totals[member.id] > 0
            )

    @api.onchange("member_id", "share_class_id", "redemption_type")
    def _onchange_full_holding(self):
        if self.member_id and self.share_class_id and self.redemption_type != "partial":
            holdings = self.env["coop.share.operation"]._coop_holdings(self.member_id.ids)
            self.quantity = holdings.get((self.member_id.id, self.share_class_id.id), 0) or 1

    @api.model_create_multi
    def create(self, vals_list):
        self._coop_check_vals(vals_list)
        self._check_early_refund_vals(vals_list)
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = (
                    self.env["ir.sequence"].next_by_code("coop.redemption.request") or "/"
                )
        requests = super().create(vals_list)
        requests.filtered("early_refund_date")._guarded_write(
            {"early_refund_user_id": self.env.uid}
        )
        # The office brings every request to the board, whoever made it (the office,
        # the member from the member space).
        requests._coop_schedule_role_activity(
            "coop_membership.group_coop_officer", "coop_membership.mail_activity_redemption_review"
        )
        return requests

    def write(self, vals):
        res = super().write(vals)
        if EARLY_REFUND_FIELDS.intersection(vals):
            # Who recorded the board's decision: kept with it, never typed in.
            dated = self.filtered("early_refund_date")
            dated._guarded_write({"early_refund_user_id": self.env.uid})
            (self - dated)._guarded_write({"early_refund_user_id": False})
        return res

    # ------------------------------------------------------------------
    # State guard (coop.state.guard.mixin)
    # ------------------------------------------------------------------
    def _coop_guard_messages(self):
        return {
            "action": _(
                "The status, register operation, entry and payment of a redemption are "
                "set only by its actions (Board Approval, Pay Refund, Cancel)."
            ),
            "create": _("A redemption starts as a draft; the board's approval registers it."),
            "unlink": _("An approved redemption belongs to the register: it cannot be deleted."),
        }

    def _coop_guard_rules(self):
        return [
            GuardRule(
                APPROVED_FIELDS,
                lambda r: r.state != "draft",
                _("An approved redemption cannot be changed."),
            ),
            GuardRule(
                PAYMENT_FIELDS,
                lambda r: r.state == "paid",
                _("The journal and date of a paid refund are those of its payment."),
            ),
            GuardRule(
                EARLY_REFUND_FIELDS,
                lambda r: r.state not in ("draft", "approved"),
                _("The early refund decision of a refunded or cancelled redemption is history."),
            ),
            GuardRule(
                COMPUTED_FIELDS,
                None,
                _(
                    "The nominal and refund amounts of a redemption follow from its shares, "
                    "their nominal value and the losses per share: they cannot be typed in."
                ),
            ),
        ]

    def _coop_guard_check_write(self, vals):
        res = super()._coop_guard_check_write(vals)
        self._check_early_refund_vals([vals])
        self._coop_check_vals([vals])
        return res

    def _check_early_refund_vals(self, vals_list):
        today = fields.Date.context_today(self)
        for vals in vals_list:
            if "early_refund_user_id" in vals:
                raise UserError(
                    _("Who recorded the early refund decision is set when it is recorded.")
                )
            date = fields.Date.to_date(vals.get("early_refund_date"))
            if date and date > today:
                raise UserError(
                    _("The board's early refund decision cannot be dated in the future.")
                )

    # ------------------------------------------------------------------
    # Rules
    # ------------------------------------------------------------------
    def _check_redemption(self):
        """Raise a clear error when the redemption breaks the statutes or the law."""
        Operation = self.env["coop.share.operation"]
        holdings = Operation._coop_holdings(self.member_id.ids)
        for request in self:
            member = request.member_id
            person = member.partner_id.name
            held = holdings.get((member.id, request.share_class_id.id), 0)
            if request.quantity > held:
                raise UserError(
                    _(
                        "%(person)s holds %(held)s shares of %(share_class)s: %(quantity)s "
                        "cannot be redeemed.",
                        person=person,
                        held=held,
                        share_class=request.share_class_id.display_name,
                        quantity=request.quantity,
                    )
                )
            if request.redemption_type == "partial":
                if member.state not in ACTIVE_STATES:
                    raise UserError(
                        _(
                            "%(person)s is no longer a member: record an exit redemption.",
                            person=person,
                        )
                    )
                # The holding rules (class minimum, at least one share in all): checked
                # before the board's decision is booked, by the register's own rule.
                total = sum(
                    quantity
                    for (member_id, _class_id), quantity in holdings.items()
                    if member_id == member.id
                )
                request.share_class_id._check_holding(
                    member, held, held - request.quantity, member_total=total - request.quantity
                )
            else:
                if member.state not in EXIT_MEMBER_STATES:
                    raise UserError(
                        _(
                            "%(person)s has not left the cooperative: record the exit "
                            "(resignation, exclusion or death) first, or make a partial "
                            "redemption.",
                            person=person,
                        )
                    )
                if request.quantity != held:
                    raise UserError(
                        _(
                            "On exit all the shares are redeemed: %(person)s holds %(held)s "
                            "shares of %(share_class)s.",
                            person=person,
                            held=held,
                            share_class=request.share_class_id.display_name,
                        )
                    )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _check_state(self, allowed):
        for request in self:
            if request.state not in allowed:
                raise UserError(
                    _(
                        "Redemption %(name)s cannot go through this step in its state.",
                        name=request.name,
                    )
                )

    def _check_accountant(self):
        # The refund is the accountant's: checked here, not only through the access
        # rights of the records the action writes.
        if not self.env.user.has_group("coop_membership.group_coop_accountant"):
            raise AccessError(_("Only cooperative accountants may pay redemptions."))

    def action_approve(self, decision_date=None):
        """Board decision: register the redemption and book capital to refund.

        The office records the board's decision (officers run the redemption requests);
        an accountant may too. The refund that follows is the accountant's.
        """
        user = self.env.user
        if not (
            user.has_group("coop_membership.group_coop_officer")
            or user.has_group("coop_membership.group_coop_accountant")
        ):
            raise AccessError(
                _("Only cooperative officers and accountants may record the board's approval.")
            )
        self.check_access("write")
        self._check_state(("draft",))
        self._check_redemption()
        # The register operation and the capital entry follow from the decision: written
        # as superuser for the officer, who keeps no accounts.
        privileged = (
            self if user.has_group("coop_membership.group_coop_accountant") else self.sudo()
        )
        privileged._approve(decision_date)
        self.activity_feedback(["coop_membership.mail_activity_redemption_review"])
        self._coop_schedule_role_activity(
            "coop_membership.group_coop_accountant",
            "coop_membership.mail_activity_redemption_refund",
            date_deadline=lambda request: request._refund_payable_from(),
            note=lambda request: request.env._(
                "Refund %(amount)s to %(person)s from %(date)s (statutory due date).",
                amount=format_amount(request.env, request.refund_amount, request.currency_id),
                person=request.partner_id.name,
                date=format_date(request.env, request.due_date),
            ),
        )
        return True

    def _approve(self, decision_date=None):
        today = fields.Date.context_today(self)
        for request in self:
            date = fields.Date.to_date(decision_date) or request.decision_date or today
            if date > today:
                raise UserError(
                    _(
                        "The board decision of %(name)s cannot be dated in the future.",
                        name=request.name,
                    )
                )
            share_class = request.share_class_id
            if not share_class.refund_account_id or not share_class.refund_journal_id:
                raise UserError(
                    _(
                        "Share class %(share_class)s has no refund account or journal.",
                        share_class=request.share_class_id.display_name,
                    )
                )
            operation = self.env["coop.share.operation"].create(
                {
                    "date": date,
                    "company_id": request.company_id.id,
                    "member_id": request.member_id.id,
                    "share_class_id": request.share_class_id.id,
                    "operation_type": "redemption",
                    "quantity": request.quantity,
                    "unit_value": request.unit_value,
                    "note": request.name,
                }
            )
            move = request._create_redemption_move(date)
            operation.move_id = move
            operation.action_confirm()
            request._guarded_write(
                {
                    "decision_date": date,
                    "operation_id": operation.id,
                    "move_id": move.id,
                    "state": "approved",
                }
            )

    def _create_redemption_move(self, date):
        """Capital account -> member refund payable (and booked losses, if any)."""
        self.ensure_one()
        share_class = self.share_class_id
        label = _(
            "Redemption of %(quantity)s shares %(share_class)s - %(person)s",
            quantity=self.quantity,
            share_class=share_class.name,
            person=self.partner_id.name,
        )
        lines = [
            Command.create(
                {
                    "name": label,
                    "account_id": share_class.capital_account_id.id,
                    "partner_id": self.partner_id.id,
                    "debit": self.nominal_amount,
                }
            ),
            Command.create(
                {
                    "name": label,
                    "account_id": share_class.refund_account_id.id,
                    "partner_id": self.partner_id.id,
                    "credit": self.refund_amount,
                }
            ),
        ]
        loss = self.nominal_amount - self.refund_amount
        if not float_is_zero(loss, precision_rounding=self.currency_id.rounding):
            loss_account = share_class._loss_account()
            lines.append(
                Command.create(
                    {
                        "name": _(
                            "Share of booked losses - %(person)s", person=self.partner_id.name
                        ),
                        "account_id": loss_account.id,
                        "partner_id": self.partner_id.id,
                        "credit": loss,
                    }
                )
            )
        move = self.env["account.move"].create(
            {
                "move_type": "entry",
                "company_id": self.company_id.id,
                "journal_id": share_class.refund_journal_id.id,
                "date": date,
                "ref": self.name,
                "line_ids": lines,
            }
        )
        move.action_post()
        return move

    def _refund_payable_from(self):
        """First day the refund may be paid: its due date, or the board's early decision."""
        self.ensure_one()
        if self.early_refund_date and self.early_refund_reference:
            return min(self.early_refund_date, self.due_date or self.early_refund_date)
        return self.due_date

    def _check_refund_date(self, pay_date):
        self.ensure_one()
        payable_from = self._refund_payable_from()
        if payable_from and pay_date < payable_from:
            if self.early_refund_date and self.early_refund_reference:
                raise UserError(
                    _(
                        "The board decided the early refund of %(name)s on %(decision)s: the "
                        "refund cannot be paid before that date (%(date)s asked).",
                        name=self.name,
                        decision=format_date(self.env, self.early_refund_date),
                        date=format_date(self.env, pay_date),
                    )
                )
            raise UserError(
                _(
                    "The refund of %(name)s is due on %(due)s (statutory delay of %(months)s "
                    "months): it cannot be paid on %(date)s. Pay it at the due date, or record "
                    "the board's early refund decision (date and minutes reference) first.",
                    name=self.name,
                    due=format_date(self.env, self.due_date),
                    months=self.company_id.coop_refund_delay_months,
                    date=format_date(self.env, pay_date),
                )
            )

    def action_register_payment(self, journal=None, date=None):
        """Pay the refund and reconcile it with the refund payable."""
        self._check_accountant()
        self._check_state(("approved",))
        today = fields.Date.context_today(self)
        for request in self:
            request._check_refund_date(fields.Date.to_date(date) or request.payment_date or today)
        for request in self:
            company = request.company_id
            # Looked up per request: one call may pay refunds of several cooperatives.
            request_journal = (
                journal
                or request.payment_journal_id
                or self.env["account.journal"].search(
                    [
                        *self.env["account.journal"]._check_company_domain(company),
                        ("type", "=", "bank"),
                    ],
                    limit=1,
                )
            )
            if not request_journal:
                raise UserError(_("%(company)s has no bank journal.", company=company.name))
            refund_account = request.share_class_id.refund_account_id
            payment = self.env["account.payment"].create(
                {
                    "payment_type": "outbound",
                    "partner_type": "supplier",
                    "partner_id": request.partner_id.id,
                    "company_id": company.id,
                    "journal_id": request_journal.id,
                    "amount": request.refund_amount,
                    "date": fields.Date.to_date(date)
                    or request.payment_date
                    or fields.Date.context_today(self),
                    "memo": request.name,
                    "destination_account_id": refund_account.id,
                }
            )
            payment.action_post()
            to_reconcile = (payment.move_id.line_ids | request.move_id.line_ids).filtered(
                lambda line, account=refund_account: (
                    line.account_id == account and not line.reconciled
                )
            )
            to_reconcile.reconcile()
            # The request shows how and when the member was refunded.
            request._guarded_write(
                {
                    "payment_id": payment.id,
                    "payment_journal_id": payment.journal_id.id,
                    "payment_date": payment.date,
                    "state": "paid",
                }
            )
        self.activity_feedback(["coop_membership.mail_activity_redemption_refund"])
        return True

    def action_cancel(self):
        self._check_state(("draft",))
        self._guarded_write({"state": "cancelled"})
        self.sudo().activity_unlink(["coop_membership.mail_activity_redemption_review"])
        return True
