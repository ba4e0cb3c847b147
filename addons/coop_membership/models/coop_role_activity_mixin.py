from odoo import fields, models

ROLE_MANAGER = "coop_membership.group_coop_manager"


class CoopRoleActivityMixin(models.AbstractModel):
    """Tell the role whose step comes next: one to-do activity per request.

    Who gets it, for each cooperative:

    - the acting user, when they hold the role in that cooperative (they typed the request,
      they follow it up);
    - otherwise a user of that role in that cooperative: its own users before the managers
      (who hold every role through Manager), the one with the fewest open activities of
      that type, then the oldest account: the work spreads over the office without a
      setting to keep;
    - nobody when the cooperative has no such user (the request still waits in its list).

    A few queries per cooperative, whatever the number of requests.
    """

    _name = "coop.role.activity.mixin"
    _description = "Activities for the Next Role"

    def _coop_role_assignees(self, group_xmlid, act_type_xmlid):
        """Return {record: res.users} for the users of the role who get the activity."""
        group = self.env.ref(group_xmlid)
        manager_group = self.env.ref(ROLE_MANAGER)
        act_type = self.env.ref(act_type_xmlid)
        Users = self.env["res.users"].sudo()
        acting = self.env.user
        assignees = {}
        for company in self.company_id:
            records = self.filtered(lambda r, c=company: r.company_id == c)
            if (
                not self.env.su
                and company in acting.company_ids
                and acting.has_group(group_xmlid)
                and not acting.share
            ):
                assignees.update(dict.fromkeys(records, acting))
                continue
            users = Users.search(
                [
                    ("groups_id", "in", group.id),
                    ("company_ids", "in", company.id),
                    ("share", "=", False),
                ]
            )
            if not users:
                continue
            load = dict(
                self.env["mail.activity"]
                .sudo()
                ._read_group(
                    [("activity_type_id", "=", act_type.id), ("user_id", "in", users.ids)],
                    ["user_id"],
                    ["__count"],
                )
            )
            load = {user.id: count for user, count in load.items()}
            for record in records:
                user = min(
                    users,
                    key=lambda u: (manager_group in u.groups_id, load.get(u.id, 0), u.id),
                )
                load[user.id] = load.get(user.id, 0) + 1
                assignees[record] = user
        return assignees

    def _coop_schedule_role_activity(
        self, group_xmlid, act_type_xmlid, date_deadline=None, note=None
    ):
        """Schedule ``act_type_xmlid`` on each record for a user of ``group_xmlid``.

        Scheduled as superuser once the caller's step is checked: the office member who
        submits a request may not otherwise write activities for the accountants.
        """
        assignees = self._coop_role_assignees(group_xmlid, act_type_xmlid)
        if not assignees:
            return self.env["mail.activity"]
        act_type = self.env.ref(act_type_xmlid)
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for record, user in assignees.items():
            deadline = date_deadline(record) if callable(date_deadline) else date_deadline
            vals_list.append(
                {
                    "activity_type_id": act_type.id,
                    "summary": act_type.summary,
                    "note": note(record) if callable(note) else note,
                    "automated": True,
                    "date_deadline": deadline or today,
                    "res_model_id": model_id,
                    "res_id": record.id,
                    "user_id": user.id,
                }
            )
        return self.env["mail.activity"].sudo().create(vals_list)
