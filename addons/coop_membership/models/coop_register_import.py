import logging
import threading

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL

_logger = logging.getLogger(__name__)

# Files with more rows than this (members + operations) are imported by the background
# job; a setting (system parameter) so that a cooperative on a small server lowers it.
THRESHOLD_PARAM = "coop_membership.register_import_background_threshold"
DEFAULT_THRESHOLD = 2000
# At most this many problems are copied onto a failed job (the dry run lists them all).
MAX_LISTED_PROBLEMS = 200
# A PostgreSQL advisory lock (this number and the job's id) held by the connection that
# runs a job, for as long as it runs: PostgreSQL drops it with the connection, so a
# "running" job whose lock is free was interrupted (its worker killed or restarted).
RUN_LOCK = 73_150_426


class CoopRegisterImport(models.Model):
    """A register import running in the background, with its progress and outcome.

    Made by the import wizard for a large file (more rows than the threshold setting),
    after the officer's rights were checked; run by the cron "Register imports" as soon
    as it is triggered.

    All or nothing: the job checks the whole file (the dry run), then stores it in ONE
    transaction, inside a savepoint: any error rolls the savepoint back, so nothing of the
    file stays, and the job records the failure. Splitting the import into committed
    batches (as mass mailing does) would leave half a register after a crash; staging
    tables and a final swap would duplicate every rule of the ORM. The progress the
    officer watches is written meanwhile through a second cursor that commits at once
    (the import's own transaction never touches the job's row until it ends, so the two
    never wait for each other).

    A long import needs a cron worker allowed to run that long: ``limit_time_real_cron``
    in the server configuration (see the module's README).
    """

    _name = "coop.register.import"
    _description = "Register Import"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _mail_post_access = "read"

    name = fields.Char(required=True, readonly=True)
    company_id = fields.Many2one(
        "res.company", string="Cooperative", required=True, readonly=True, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        string="Officer",
        required=True,
        readonly=True,
        help="The officer who started the import: it runs with their rights and they are "
        "notified when it ends.",
    )
    mode = fields.Selection(
        [("check", "Check only (dry run)"), ("import", "Check and import")],
        default="import",
        required=True,
        readonly=True,
        help="A large file's dry run runs in the background too: it stores nothing, and "
        "once it found no problem the officer imports the same files from the job.",
    )
    state = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("checked", "Checked"),
            ("done", "Imported"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        tracking=True,
    )
    file_format = fields.Selection(
        [("xlsx", "Spreadsheet (XLSX, two sheets)"), ("csv", "Two CSV files")],
        required=True,
        readonly=True,
    )
    register_file = fields.Binary(attachment=True, readonly=True)
    register_filename = fields.Char(readonly=True)
    members_file = fields.Binary(attachment=True, readonly=True)
    members_filename = fields.Char(readonly=True)
    operations_file = fields.Binary(attachment=True, readonly=True)
    operations_filename = fields.Char(readonly=True)
    default_college_id = fields.Many2one("coop.college", readonly=True)
    opening_account_id = fields.Many2one(
        "account.account", readonly=True, groups="coop_membership.group_coop_accountant"
    )
    opening_journal_id = fields.Many2one(
        "account.journal", readonly=True, groups="coop_membership.group_coop_accountant"
    )
    opening_move_id = fields.Many2one(
        "account.move",
        string="Opening Entry",
        readonly=True,
        groups="coop_membership.group_coop_accountant",
    )
    total_count = fields.Integer(string="Rows", readonly=True)
    done_count = fields.Integer(string="Rows Stored", readonly=True)
    progress = fields.Float(compute="_compute_progress", string="Progress (%)")
    member_count = fields.Integer(string="Members Imported", readonly=True)
    operation_count = fields.Integer(string="Operations Imported", readonly=True)
    date_start = fields.Datetime(string="Started", readonly=True)
    date_end = fields.Datetime(string="Ended", readonly=True)
    summary = fields.Text(readonly=True)
    error = fields.Text(string="Errors", readonly=True)
    interrupted = fields.Boolean(
        readonly=True,
        help="The server stopped the import before its end (a time limit, a restart): "
        "nothing of the file was stored, and it may be run again as it is.",
    )

    @api.depends("done_count", "total_count", "state")
    def _compute_progress(self):
        for job in self:
            if job.state in ("done", "checked"):
                job.progress = 100.0
            elif job.total_count:
                job.progress = min(100.0, 100.0 * job.done_count / job.total_count)
            else:
                job.progress = 0.0

    # ------------------------------------------------------------------
    # Queueing (from the wizard)
    # ------------------------------------------------------------------
    @api.model
    def _background_threshold(self):
        value = self.env["ir.config_parameter"].sudo().get_param(THRESHOLD_PARAM)
        try:
            return int(value) if value else DEFAULT_THRESHOLD
        except ValueError:
            return DEFAULT_THRESHOLD

    @api.model
    def _queue_from_wizard(self, wizard, total, mode="import"):
        """Queue the wizard's file as a job (``mode``: "check" or "import") and wake the
        cron up.

        Private: the wizard calls it after ``_check_rights``; the job belongs to the
        cooperative and is written only by the system (the officer reads it).
        """
        wizard_su = wizard.sudo()
        names = [
            n
            for n in (
                wizard.register_filename,
                wizard.members_filename,
                wizard.operations_filename,
            )
            if n
        ]
        job = self.sudo().create(
            {
                "name": ", ".join(names) or _("Register import"),
                "company_id": wizard.company_id.id,
                "user_id": self.env.user.id,
                "file_format": wizard.file_format,
                "register_file": wizard.register_file,
                "register_filename": wizard.register_filename,
                "members_file": wizard.members_file,
                "members_filename": wizard.members_filename,
                "operations_file": wizard.operations_file,
                "operations_filename": wizard.operations_filename,
                "default_college_id": wizard.default_college_id.id,
                "opening_account_id": wizard_su.opening_account_id.id,
                "opening_journal_id": wizard_su.opening_journal_id.id,
                "total_count": total,
                "mode": mode,
            }
        )
        job.message_subscribe(partner_ids=self.env.user.partner_id.ids)
        self.env.ref("coop_membership.ir_cron_coop_register_import").sudo()._trigger()
        return job.with_env(self.env)

    # ------------------------------------------------------------------
    # Running (the cron)
    # ------------------------------------------------------------------
    @api.model
    def _cron_run_queued(self):
        """Run the queued imports, oldest first, each in its own transaction (after
        closing the jobs an interrupted worker left running)."""
        self._fail_interrupted()
        for job in self.sudo().search([("state", "=", "queued")], order="id"):
            job._run()

    def _try_lock(self):
        """Take this job's run lock for this connection; False if another one holds it."""
        self.env.cr.execute(SQL("SELECT pg_try_advisory_lock(%s, %s)", RUN_LOCK, self.id))
        return self.env.cr.fetchone()[0]

    def _unlock(self):
        self.env.cr.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", RUN_LOCK, self.id))

    @api.model
    def _fail_interrupted(self):
        """Close the jobs left "running" by a worker that died (killed at its time
        limit, a restart): their transaction died with it, so nothing of the file was
        stored. Without this they would show "Running" for ever and the officer wait."""
        for job in self.sudo().search([("state", "=", "running")], order="id"):
            if not job._try_lock():
                continue  # really running, in another worker
            try:
                job.interrupted = True
                job._fail(
                    _(
                        "The import was interrupted by the server before its end (a time "
                        "limit or a restart): nothing was imported. Run it again; if it "
                        "stops again, ask the administrator to raise the time limit of "
                        "scheduled actions (limit_time_real_cron)."
                    )
                )
            finally:
                job._unlock()

    def action_run_again(self):
        """Queue an interrupted job again, as it is (the files are on the job)."""
        self.ensure_one()
        if not self.interrupted or self.state != "failed":
            raise UserError(_("Only an import the server interrupted can be run again."))
        return self._requeue(self.mode, _("Queued again by %(name)s.", name=self.env.user.name))

    def action_import_checked(self):
        """Import the files a background dry run found without problem (checked again
        on the way, all or nothing as always)."""
        self.ensure_one()
        if self.mode != "check" or self.state != "checked":
            raise UserError(_("Only a register checked without problem is imported from here."))
        return self._requeue("import", _("Import started by %(name)s.", name=self.env.user.name))

    def _requeue(self, mode, note):
        """Queue this job again for the current user, an officer who can read it (of its
        cooperative); the import runs with their rights, checked again when it runs."""
        self.check_access("read")
        user = self.env.user
        if not user.has_group("coop_membership.group_coop_officer"):
            raise AccessError(_("Only the officers of a cooperative may import its register."))
        job = self.sudo()
        job.write(
            {
                "mode": mode,
                "state": "queued",
                "interrupted": False,
                "user_id": user.id,
                "done_count": 0,
                "date_start": False,
                "date_end": False,
                "summary": False,
                "error": False,
            }
        )
        job.message_subscribe(partner_ids=user.partner_id.ids)
        job.message_post(body=note)
        self.env.ref("coop_membership.ir_cron_coop_register_import").sudo()._trigger()
        return True

    @staticmethod
    def _testing():
        # Odoo's test runners mark their thread: no commit, no second cursor there.
        return getattr(threading.current_thread(), "testing", False)

    def _commit(self):
        if not self._testing():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _progress_writer(self):
        """A function writing the rows stored so far, seen by the officer at once."""
        job_id = self.id

        def write(done):
            if self._testing():
                self.done_count = done
                return
            # A second cursor, committed at once: the import's transaction is still open.
            with self.env.registry.cursor() as cr:
                cr.execute(
                    SQL(
                        "UPDATE coop_register_import SET done_count = %s WHERE id = %s",
                        done,
                        job_id,
                    )
                )

        return write

    def _run(self):
        """Check the whole file, then store all of it or nothing; notify the officer."""
        self.ensure_one()
        if not self._try_lock():
            return False  # another worker runs it
        try:
            return self._run_locked()
        finally:
            self._unlock()

    def _run_locked(self):
        self.write({"state": "running", "date_start": fields.Datetime.now(), "done_count": 0})
        self._commit()
        try:
            # One savepoint around the check and the import: rolled back on any error
            # (a database error included), after which the job can still record it.
            checking = self.mode == "check"
            with self.env.cr.savepoint():
                wizard = self._make_wizard()
                data = wizard._parse_and_validate()
                if not (checking or wizard.problem_ids or data["already_imported"]):
                    wizard.with_context(tracking_disable=True, mail_notrack=True)._import_register(
                        data, progress=self._progress_writer()
                    )
            if wizard.problem_ids:
                return self._fail_with_problems(wizard)
            if checking:
                summary = (
                    _("This register was already imported: importing it would change nothing.")
                    if data["already_imported"]
                    else wizard._summary_text(data, dry_run=True)
                )
                return self._finish(summary, 0, 0, state="checked")
            if data["already_imported"]:
                return self._finish(
                    _("This register was already imported: nothing was changed."), 0, 0
                )
            self.sudo().opening_move_id = wizard.sudo().opening_move_id
            return self._finish(
                wizard._summary_text(data, dry_run=False),
                len(data["members"]),
                len(data["operations"]),
            )
        except (UserError, ValidationError, AccessError) as error:
            return self._fail(str(error))
        except Exception as error:
            _logger.exception("Register import %s failed", self.id)
            return self._fail(
                _(
                    "The import stopped on an unexpected error: nothing was imported (%(error)s).",
                    error=error,
                )
            )

    def _make_wizard(self):
        """The import wizard as the officer who started the job, in its cooperative: the
        import runs with the officer's rights, checked again (_check_rights)."""
        user = self.user_id
        Wizard = (
            self.env["coop.register.import.wizard"]
            .with_user(user)
            .with_company(self.company_id)
            .with_context(allowed_company_ids=self.company_id.ids)
        )
        job = self.sudo()
        # Created as superuser (the accounting fields are the accountant's), then used
        # as the officer: a transient record belongs to its creator, set to them here.
        wizard = (
            Wizard.sudo()
            .create(
                {
                    "company_id": job.company_id.id,
                    "file_format": job.file_format,
                    "register_file": job.register_file,
                    "register_filename": job.register_filename,
                    "members_file": job.members_file,
                    "members_filename": job.members_filename,
                    "operations_file": job.operations_file,
                    "operations_filename": job.operations_filename,
                    "default_college_id": job.default_college_id.id,
                    "opening_account_id": job.opening_account_id.id,
                    "opening_journal_id": job.opening_journal_id.id,
                }
            )
            .sudo(False)
        )
        wizard._check_rights()
        return wizard

    def _fail_with_problems(self, wizard):
        problems = wizard.problem_ids
        lines = [
            _("%(sheet)s, row %(row)s: %(message)s", sheet=p.sheet, row=p.row, message=p.message)
            for p in problems[:MAX_LISTED_PROBLEMS]
        ]
        if len(problems) > MAX_LISTED_PROBLEMS:
            lines.append(
                _(
                    "… and %(count)s more: run the dry run to see them all.",
                    count=len(problems) - MAX_LISTED_PROBLEMS,
                )
            )
        return self._fail(
            _("%(count)s problem(s) found: nothing was imported.", count=len(problems)),
            "\n".join(lines),
        )

    def _fail(self, summary, details=None):
        self.write(
            {
                "state": "failed",
                "date_end": fields.Datetime.now(),
                "done_count": 0,
                "summary": summary,
                "error": details or summary,
            }
        )
        self._notify_officer(summary)
        self._commit()
        return False

    def _finish(self, summary, members, operations, state="done"):
        self.write(
            {
                "state": state,
                "date_end": fields.Datetime.now(),
                "done_count": self.total_count if state == "done" else 0,
                "member_count": members,
                "operation_count": operations,
                "summary": summary,
                "error": False,
            }
        )
        self._notify_officer(summary)
        self._commit()
        return True

    def _notify_officer(self, summary):
        """A message on the job, sent to the officer's inbox (or mailbox)."""
        body = (
            _("Register check ended: %(summary)s", summary=summary)
            if self.mode == "check"
            else _("Register import ended: %(summary)s", summary=summary)
        )
        self.message_post(
            body=body,
            partner_ids=self.user_id.partner_id.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
