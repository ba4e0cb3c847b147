import re

from odoo import Command, _, api, fields, models
from odoo.exceptions import AccessError, UserError

# Control characters have no place in an address or a note (and PostgreSQL refuses NUL);
# tabs and line breaks are allowed in the note only.
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_CONTROL_NOTE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The delivery address as the form asks for it: (field, maximum length, required).
ADDRESS_FIELDS = (
    ("delivery_name", 128, True),
    ("delivery_street", 128, True),
    ("delivery_street2", 128, False),
    ("delivery_zip", 16, True),
    ("delivery_city", 64, True),
)
NOTE_MAX_LENGTH = 2000


class CoopKitRequest(models.Model):
    """A member's order of a communication kit (flyers, posters...) for a stand or an
    event, followed by the moderators of the cooperative (issue #25 §5)."""

    _name = "coop.kit.request"
    _description = "Communication Kit Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        string="Reference", required=True, readonly=True, copy=False, default="/", index=True
    )
    partner_id = fields.Many2one(
        "res.partner", string="Member", required=True, index=True, tracking=True
    )
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    event_id = fields.Many2one("event.event", check_company=True, tracking=True)
    line_ids = fields.One2many("coop.kit.request.line", "request_id", string="Items", copy=True)
    item_count = fields.Integer(string="Quantity", compute="_compute_item_count")
    delivery_name = fields.Char(string="Recipient", required=True)
    delivery_street = fields.Char(string="Street", required=True)
    delivery_street2 = fields.Char(string="Street 2")
    delivery_zip = fields.Char(string="Postcode", required=True)
    delivery_city = fields.Char(string="City", required=True)
    delivery_country_id = fields.Many2one(
        "res.country", string="Country", default=lambda self: self.env.ref("base.fr")
    )
    note = fields.Text()
    state = fields.Selection(
        [("todo", "To do"), ("sent", "Sent"), ("cancel", "Cancelled")],
        default="todo",
        required=True,
        index=True,
        tracking=True,
        copy=False,
    )
    date_sent = fields.Datetime(string="Sent on", readonly=True, copy=False)

    @api.depends("line_ids.quantity")
    def _compute_item_count(self):
        for kit in self:
            kit.item_count = sum(kit.line_ids.mapped("quantity"))

    @api.onchange("partner_id")
    def _onchange_partner_id(self):
        """The member's own address, which the moderator may change."""
        partner = self.partner_id
        if partner:
            self.update(
                {
                    "delivery_name": partner.name,
                    "delivery_street": partner.street,
                    "delivery_street2": partner.street2,
                    "delivery_zip": partner.zip,
                    "delivery_city": partner.city,
                    "delivery_country_id": partner.country_id or self.delivery_country_id,
                }
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                # Numbering is no privilege: the sequence is read as superuser.
                vals["name"] = (
                    self.env["ir.sequence"].sudo().next_by_code("coop.kit.request") or "/"
                )
        kits = super().create(vals_list)
        kits._coop_notify_moderators()
        return kits

    def _creation_message(self):
        # A code string, not the model's name from ir.model (see coop.action.call).
        return _("Kit request created")

    def _coop_notify_moderators(self):
        """A to-do for each moderator of the request's cooperative."""
        moderators = self.env["res.users"]._coop_moderators_by_company(self.company_id)
        for kit in self.sudo():
            for user in moderators.get(kit.company_id.id, []):
                kit.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=user.id,
                    summary=_("Send the communication kit"),
                    note=_(
                        "%(member)s ordered a communication kit (%(name)s).",
                        member=kit.partner_id.name,
                        name=kit.name,
                    ),
                )

    # ------------------------------------------------------------------
    # Moderators' actions
    # ------------------------------------------------------------------
    def action_send(self):
        """The kit is posted: the member is told by a message (and an email)."""
        for kit in self:
            if kit.state != "todo":
                raise UserError(_("Only a kit request to do can be marked as sent."))
        self.write({"state": "sent", "date_sent": fields.Datetime.now()})
        self.activity_feedback(["mail.mail_activity_data_todo"])
        for kit in self:
            kit.message_post(
                body=_(
                    "Your communication kit %(name)s is on its way to %(city)s.",
                    name=kit.name,
                    city=kit.delivery_city,
                ),
                partner_ids=kit.partner_id.ids,
                message_type="comment",
                subtype_xmlid="mail.mt_comment",
            )
        return True

    def action_cancel(self):
        for kit in self:
            if kit.state != "todo":
                raise UserError(_("Only a kit request to do can be cancelled."))
        self.write({"state": "cancel"})
        self.activity_unlink(["mail.mail_activity_data_todo"])
        return True

    def action_reset_todo(self):
        for kit in self:
            if kit.state != "cancel":
                raise UserError(_("Only a cancelled kit request can be set back to do."))
        self.write({"state": "todo"})
        self._coop_notify_moderators()
        return True

    # ------------------------------------------------------------------
    # The member space
    # ------------------------------------------------------------------
    @api.model
    def _coop_kit_companies(self, partner):
        """The cooperatives ``partner`` is an active member of (who may order a kit)."""
        return (
            self.env["coop.member"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("is_active_member", "=", True)])
            .company_id
        )

    @api.model
    def _coop_kit_catalogue(self, partner):
        """The kit items ``partner`` may order: their cooperatives' active items."""
        return (
            self.env["coop.kit.item"]
            .sudo()
            .search([("company_id", "in", self._coop_kit_companies(partner).ids)])
        )

    @api.model
    def _coop_kit_events(self, partner, companies=None):
        """The coming events a kit may be ordered for: those ``partner`` is registered to or
        organises, of their cooperatives or of the federation (no company)."""
        companies = self._coop_kit_companies(partner) if companies is None else companies
        if not companies:
            return self.env["event.event"]
        registered = (
            self.env["event.registration"]
            .sudo()
            .search([("partner_id", "=", partner.id), ("state", "in", ("open", "done"))])
            .event_id
        )
        return (
            self.env["event.event"]
            .sudo()
            .search(
                [
                    "|",
                    ("id", "in", registered.ids),
                    ("organizer_id", "=", partner.id),
                    ("date_end", ">=", fields.Datetime.now()),
                    ("company_id", "in", [*companies.ids, False]),
                ],
                order="date_begin, id",
            )
        )

    @api.model
    def _coop_kit_can_order_for(self, event):
        """Whether the current user may order a kit for ``event`` (the event page's link)."""
        user = self.env.user
        if user._is_public():
            return False
        return event in self._coop_kit_events(user.partner_id)

    @api.model
    def _coop_kit_text(self, value, label, max_length, required, control=_CONTROL):
        text = value.strip() if isinstance(value, str) else ""
        if required and not text:
            raise UserError(_("Fill in the field %(field)s.", field=label))
        if control.search(text):
            raise UserError(_("Remove the control characters from %(field)s.", field=label))
        if len(text) > max_length:
            raise UserError(
                _(
                    "%(field)s is too long (%(max)s characters at most).",
                    field=label,
                    max=max_length,
                )
            )
        return text or False

    @api.model
    def _coop_portal_create(self, values):
        """The current member orders a kit from the member space.

        :param values: typed values from the form: ``lines`` (a list of (item id,
            quantity) pairs, ints), ``event_id`` (int or None), the ``delivery_*`` texts
            and ``note``.
        Every rule is checked here, for the current user only, before anything is
        stored; the request is then created as superuser (members only read theirs).
        An item or an event the member may not choose gets the same answer as a missing
        one.
        """
        partner = self.env.user.partner_id
        companies = self._coop_kit_companies(partner)
        if self.env.user._is_public() or not companies:
            raise AccessError(_("Only the members of a cooperative order communication kits."))
        catalogue = self._coop_kit_catalogue(partner)
        lines = values.get("lines") or []
        if not lines:
            raise UserError(_("Give the quantity of at least one item."))
        if not isinstance(lines, (list, tuple)):
            raise UserError(_("Give the quantity of at least one item."))
        quantities = {}
        for line in lines:
            item_id, quantity = (
                line if isinstance(line, (list, tuple)) and len(line) == 2 else (0, 0)
            )
            item = catalogue.filtered(lambda i, item_id=item_id: i.id == item_id)
            if not item:
                raise UserError(_("This item is not in your cooperative's catalogue."))
            if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity < 1:
                raise UserError(
                    _("Order at least one %(item)s, or leave it empty.", item=item.name)
                )
            # An item given twice counts once, with both quantities, against its maximum.
            quantities[item] = quantities.get(item, 0) + quantity
        line_commands = []
        for item, quantity in quantities.items():
            if quantity > item.max_quantity:
                raise UserError(
                    _(
                        "%(quantity)s %(item)s is more than one order accepts (%(max)s at most).",
                        quantity=quantity,
                        item=item.name,
                        max=item.max_quantity,
                    )
                )
            line_commands.append(
                Command.create({"item_id": item.id, "name": item.name, "quantity": quantity})
            )
        company = self.env["coop.kit.item"].union(*quantities).company_id
        if len(company) > 1:
            raise UserError(_("Order the items of one cooperative at a time."))
        event = self.env["event.event"]
        if values.get("event_id"):
            event = self._coop_kit_events(partner, company).filtered(
                lambda e: e.id == values["event_id"]
            )
            if not event:
                raise UserError(_("Choose one of the events you take part in, or none."))
        labels = {
            "delivery_name": _("Recipient"),
            "delivery_street": _("Street"),
            "delivery_street2": _("Street 2"),
            "delivery_zip": _("Postcode"),
            "delivery_city": _("City"),
        }
        vals = {
            field: self._coop_kit_text(values.get(field), labels[field], max_length, required)
            for field, max_length, required in ADDRESS_FIELDS
        }
        vals["note"] = self._coop_kit_text(
            values.get("note"), _("Note"), NOTE_MAX_LENGTH, False, control=_CONTROL_NOTE
        )
        vals.update(
            partner_id=partner.id,
            company_id=company.id,
            event_id=event.id,
            delivery_country_id=partner.country_id.id or self.env.ref("base.fr").id,
            line_ids=line_commands,
        )
        kit = self.sudo().create(vals)
        kit.message_post(
            body=_("Ordered by %(member)s from the member space.", member=partner.name),
            subtype_xmlid="mail.mt_note",
        )
        return kit.with_env(self.env)

    @api.model
    def _coop_portal_address(self, partner):
        """The form's delivery address, prefilled from the member's contact card."""
        return {
            "delivery_name": partner.name or "",
            "delivery_street": partner.street or "",
            "delivery_street2": partner.street2 or "",
            "delivery_zip": partner.zip or "",
            "delivery_city": partner.city or "",
        }
