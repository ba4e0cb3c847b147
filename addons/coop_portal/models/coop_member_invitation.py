import logging
import threading
import time

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError

from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES

_logger = logging.getLogger(__name__)

# Members per batch: one transaction each (users made in one create, emails rendered in
# one send_mail_batch); tests/bench/bench_invitations.py measures it.
BATCH_SIZE = 500
# A scheduled run stops starting batches after this many seconds (Odoo's cron timeout
# is longer); the cron framework runs it again at once while work remains.
RUN_SECONDS = 120
DEFAULT_REMINDER_DAYS = 14
COUNTERS = ("invited", "reminded", "recent", "active", "no_email", "failed")
# Written by the campaign itself (its actions and the scheduled action), never by a user:
# readonly in the form is not enough, any field can be written over RPC.
PROGRESS_FIELDS = {
    "kind",
    "state",
    "date_start",
    "date_done",
    "total_count",
    "processed_count",
    "failed_member_ids",
    "failure_log",
    "last_member_id",
    *(f"{counter}_count" for counter in COUNTERS),
}
# What is invited: fixed once the campaign has started.
SCOPE_FIELDS = {"company_id", "scope", "college_id", "member_ids", "reminder_days"}


class CoopMemberInvitation(models.Model):
    """Inviting members to the member space in the background, in batches.

    The office picks members, a college or the whole cooperative and starts the campaign;
    the scheduled action makes the accounts and queues the emails batch by batch,
    committing after each one, and the form shows the progress and the counters. Run
    again, a campaign leaves alone those who activated their account and those invited
    fewer than ``reminder_days`` ago: the others are reminded.
    """

    _name = "coop.member.invitation"
    _description = "Member Space Invitation Campaign"
    _order = "id desc"
    _check_company_auto = True

    name = fields.Char(
        required=True,
        default=lambda self: _("Invitation to the member space"),
    )
    kind = fields.Selection(
        [("invitation", "Invitation"), ("welcome", "Welcome at admission")],
        string="Type",
        required=True,
        default="invitation",
        readonly=True,
        copy=False,
    )
    company_id = fields.Many2one(
        "res.company",
        string="Cooperative",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    scope = fields.Selection(
        [
            ("members", "Selected members"),
            ("college", "A college"),
            ("company", "The whole cooperative"),
        ],
        required=True,
        default="members",
    )
    college_id = fields.Many2one("coop.college", check_company=True)
    member_ids = fields.Many2many(
        "coop.member",
        "coop_member_invitation_member_rel",
        "invitation_id",
        "member_id",
        string="Members",
        check_company=True,
    )
    reminder_days = fields.Integer(
        string="Remind After (days)",
        default=lambda self: self._default_reminder_days(),
        help="A member invited fewer days ago than this is not reminded again.",
    )
    state = fields.Selection(
        [
            ("draft", "Draft"),
            ("running", "Running"),
            ("done", "Done"),
            ("cancelled", "Cancelled"),
        ],
        default="draft",
        required=True,
        readonly=True,
        index=True,
        copy=False,
    )
    date_start = fields.Datetime(string="Started On", readonly=True, copy=False)
    date_done = fields.Datetime(string="Finished On", readonly=True, copy=False)
    total_count = fields.Integer(string="Members to Process", readonly=True, copy=False)
    processed_count = fields.Integer(string="Processed", readonly=True, copy=False)
    progress = fields.Float(compute="_compute_progress")
    invited_count = fields.Integer(string="Invited", readonly=True, copy=False)
    reminded_count = fields.Integer(string="Reminded", readonly=True, copy=False)
    recent_count = fields.Integer(
        string="Invited Lately",
        readonly=True,
        copy=False,
        help="Not activated, but invited fewer days ago than the reminder delay.",
    )
    active_count = fields.Integer(string="Already Active", readonly=True, copy=False)
    no_email_count = fields.Integer(string="No Email", readonly=True, copy=False)
    failed_count = fields.Integer(string="Failed", readonly=True, copy=False)
    failed_member_ids = fields.Many2many(
        "coop.member",
        "coop_member_invitation_failed_rel",
        "invitation_id",
        "member_id",
        string="Failed Members",
        readonly=True,
        copy=False,
    )
    failure_log = fields.Text(string="Failures", readonly=True, copy=False)
    # The last member id processed: batches walk the members in id order.
    last_member_id = fields.Integer(string="Last Member Processed", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            # A new campaign may say what it starts from (the form sends its defaults).
            self._check_user_vals(
                {
                    key: value
                    for key, value in vals.items()
                    if value not in (False, None, 0, "draft", "invitation", [], [(6, 0, [])])
                }
            )
        return super().create(vals_list)

    def write(self, vals):
        self._check_user_vals(vals)
        started = any(campaign.state != "draft" for campaign in self)
        if SCOPE_FIELDS.intersection(vals) and not self.env.su and started:
            raise UserError(_("The members of a started campaign cannot be changed."))
        return super().write(vals)

    def _check_user_vals(self, vals):
        """A user writes the scope of a campaign of one of their cooperatives; the
        progress and the result are the campaign's own."""
        if self.env.su:
            return
        if PROGRESS_FIELDS.intersection(vals):
            raise UserError(_("The progress and the result of a campaign are not edited."))
        if vals.get("company_id") and vals["company_id"] not in self.env.user.company_ids.ids:
            raise AccessError(_("You can only invite the members of your own cooperatives."))

    @api.model
    def _default_reminder_days(self):
        return int(
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("coop_portal.invitation_reminder_days", DEFAULT_REMINDER_DAYS)
        )

    @api.depends("total_count", "processed_count", "state")
    def _compute_progress(self):
        for campaign in self:
            if campaign.state == "done":
                campaign.progress = 100.0
            elif campaign.total_count:
                campaign.progress = 100.0 * campaign.processed_count / campaign.total_count
            else:
                campaign.progress = 0.0

    @api.onchange("scope")
    def _onchange_scope(self):
        if self.scope != "college":
            self.college_id = False

    @api.onchange("member_ids", "college_id")
    def _onchange_company_from_members(self):
        # Opened from a selection of members or from a college: their cooperative.
        company = (
            self.college_id.company_id if self.scope == "college" else self.member_ids.company_id
        )
        if len(company) == 1:
            self.company_id = company

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def _member_domain(self):
        self.ensure_one()
        domain = [("company_id", "=", self.company_id.id), ("state", "in", ACTIVE_STATES)]
        if self.scope == "members":
            domain.append(("id", "in", self.member_ids.ids))
        elif self.scope == "college":
            domain.append(("college_id", "=", self.college_id.id))
        return domain

    def action_start(self):
        """Start the campaign: the scheduled action sends it in batches."""
        for campaign in self:
            if campaign.state != "draft":
                raise UserError(_("Only a draft campaign can be started."))
            if campaign.scope == "college" and not campaign.college_id:
                raise UserError(_("Choose the college to invite."))
            if campaign.scope == "members" and not campaign.member_ids:
                raise UserError(_("Choose the members to invite."))
            if campaign.reminder_days < 0:
                raise UserError(_("The reminder delay cannot be negative."))
        # Write access to these campaigns (officers and managers of their cooperative)
        # is what allows starting them; the rest runs as the scheduled action.
        self.check_access("write")
        self._start()
        return True

    def _start(self):
        for campaign in self:
            total = self.env["coop.member"].sudo().search_count(campaign._member_domain())
            campaign.sudo().write(
                {
                    "state": "running",
                    "date_start": fields.Datetime.now(),
                    "total_count": total,
                    "processed_count": 0,
                    "last_member_id": 0,
                    **{f"{counter}_count": 0 for counter in COUNTERS},
                }
            )
        self.env.ref("coop_portal.ir_cron_coop_member_invitation").sudo()._trigger()

    def action_cancel(self):
        if any(c.state not in ("draft", "running") for c in self):
            raise UserError(_("Only a draft or running campaign can be cancelled."))
        self.check_access("write")
        self.sudo().write({"state": "cancelled"})
        return True

    def action_run_again(self):
        """A new campaign with the same members: it reminds who has not activated yet."""
        self.ensure_one()
        if self.state not in ("done", "cancelled"):
            raise UserError(_("Run a campaign again once it is done."))
        campaign = self.copy({"name": _("%s (again)", self.name)})
        campaign.action_start()
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": campaign.id,
            "view_mode": "form",
        }

    def action_view_failed(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Members not invited"),
            "res_model": "coop.member",
            "view_mode": "list,form",
            "domain": [("id", "in", self.failed_member_ids.ids)],
        }

    def action_view_no_email(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": _("Members without email"),
            "res_model": "coop.member",
            "view_mode": "list,form",
            "domain": self._member_domain()
            + [
                "|",
                "&",
                ("representative_id", "=", False),
                ("partner_id.email", "=", False),
                "&",
                ("representative_id", "!=", False),
                ("representative_id.email", "=", False),
            ],
        }

    # ------------------------------------------------------------------
    # Background processing
    # ------------------------------------------------------------------
    def _process_batch(self, batch_size=BATCH_SIZE):
        """Process the next ``batch_size`` members of this campaign (superuser).

        :return: number of members processed (0 once the campaign is done).
        """
        self.ensure_one()
        campaign = self.sudo()
        members = (
            self.env["coop.member"]
            .sudo()
            .search(
                campaign._member_domain() + [("id", ">", campaign.last_member_id)],
                order="id",
                limit=batch_size,
            )
        )
        if not members:
            campaign.write({"state": "done", "date_done": fields.Datetime.now()})
            return 0
        counts = members._coop_send_account_mails(
            campaign.kind, reminder_days=campaign.reminder_days
        )
        vals = {
            f"{counter}_count": campaign[f"{counter}_count"] + counts[counter]
            for counter in COUNTERS
        }
        vals.update(
            processed_count=campaign.processed_count + len(members),
            last_member_id=members[-1].id,
        )
        failures = counts["failures"]
        if failures:
            vals["failed_member_ids"] = [(4, member.id) for member in failures]
            lines = [
                f"{member.member_number or ''} {member.partner_id.name}: {reason}"
                for member, reason in failures.items()
            ]
            vals["failure_log"] = "\n".join(filter(None, [campaign.failure_log, *lines]))
        if len(members) < batch_size:
            vals.update(state="done", date_done=fields.Datetime.now())
        campaign.write(vals)
        return len(members)

    @api.model
    def _cron_process(self, batch_size=BATCH_SIZE, run_seconds=RUN_SECONDS):
        """Scheduled action: batches of the running campaigns, oldest first, each batch
        committed so that a crash or a timeout keeps what was done."""
        started = time.monotonic()
        done = 0
        while time.monotonic() - started < run_seconds:
            campaign = self.sudo().search([("state", "=", "running")], order="id", limit=1)
            if not campaign:
                break
            done += campaign._process_batch(batch_size)
            running = self.sudo().search([("state", "=", "running")])
            remaining = sum(max(c.total_count - c.processed_count, 0) for c in running)
            self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
            self._commit()
        return True

    def _commit(self):
        # Odoo's mass mailing does the same: each batch is its own transaction, except
        # in tests, which run in one transaction rolled back at the end.
        if not getattr(threading.current_thread(), "testing", False):
            self.env.cr.commit()  # pylint: disable=invalid-commit
