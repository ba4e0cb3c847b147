from odoo import api, fields, models


class CoopLocalGroupMembership(models.Model):
    _name = "coop.local.group.membership"
    _description = "Local Group Member"
    _order = "local_group_id, role, id"

    local_group_id = fields.Many2one(
        "coop.local.group", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="local_group_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        "res.partner", string="Person", required=True, index=True, ondelete="cascade"
    )
    role = fields.Selection(
        [("coordinator", "Coordinator"), ("contact", "Contact person"), ("member", "Member")],
        default="member",
        required=True,
    )
    date_start = fields.Date(string="Since", default=fields.Date.context_today)
    email = fields.Char(related="partner_id.email")
    city = fields.Char(related="partner_id.city")

    _sql_constraints = [
        (
            "group_partner_uniq",
            "unique(local_group_id, partner_id)",
            "This person already belongs to the group.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records.filtered(lambda r: r.role == "coordinator")._coop_log_coordination()
        records._coop_sync_group_list()
        records.local_group_id._coop_sync_channels()
        return records

    def unlink(self):
        self._coop_sync_group_list(leaving=True)
        groups = self.local_group_id
        res = super().unlink()
        # Whoever leaves a group leaves its discussion at once.
        groups._coop_sync_channels()
        return res

    def _coop_sync_group_list(self, leaving=False):
        """Subscribe new group members to the group's list; unsubscribe those who leave.

        Only groups whose list exists (a group that was written to). A person who
        unsubscribed through a message's link stays unsubscribed while in the group:
        only joining again subscribes them again.
        """
        with_list = self.filtered(lambda m: m.local_group_id.mailing_list_id)
        if not with_list:
            return
        Contact = self.env["mailing.contact"].sudo()
        Subscription = self.env["mailing.subscription"].sudo()
        emails = list({m.partner_id.email_normalized for m in with_list} - {False})
        contacts = {c.email: c for c in Contact.search([("email", "in", emails)])}
        lists = with_list.local_group_id.mailing_list_id
        subscriptions = {
            (s.contact_id.id, s.list_id.id): s
            for s in Subscription.search(
                [
                    ("contact_id", "in", [c.id for c in contacts.values()]),
                    ("list_id", "in", lists.ids),
                ]
            )
        }
        to_create = []
        for membership in with_list:
            email = membership.partner_id.email_normalized
            if not email:
                continue
            mailing_list = membership.local_group_id.mailing_list_id
            contact = contacts.get(email)
            if not contact:
                if leaving:
                    continue
                contact = contacts[email] = Contact.create(
                    {"name": membership.partner_id.name, "email": email}
                )
            subscription = subscriptions.get((contact.id, mailing_list.id))
            if leaving:
                if subscription:
                    subscription.opt_out = True
            elif subscription:
                subscription.opt_out = False
            else:
                to_create.append({"contact_id": contact.id, "list_id": mailing_list.id})
        if to_create:
            Subscription.create(to_create)

    def write(self, vals):
        groups = self.local_group_id
        res = super().write(vals)
        if {"partner_id", "local_group_id"}.intersection(vals):
            (groups | self.local_group_id)._coop_sync_channels()
        if vals.get("role") == "coordinator":
            self._coop_log_coordination()
        return res

    def _coop_log_coordination(self):
        """Coordinating a local group is organising: militant level 2."""
        self.env["coop.engagement.activity"]._coop_log(
            [
                {
                    "partner_id": m.partner_id.id,
                    "company_id": m.company_id.id,
                    "activity_type": "local_group_coordination",
                    "local_group_id": m.local_group_id.id,
                    "res_model": m._name,
                    "res_id": m.id,
                }
                for m in self
            ]
        )
