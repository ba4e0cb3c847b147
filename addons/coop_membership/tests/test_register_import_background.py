import base64
from unittest.mock import patch

import odoo
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL
from odoo.tools.misc import file_open

from odoo.addons.coop_membership.models.coop_register_import import RUN_LOCK
from odoo.addons.coop_membership.wizard.coop_register_import_wizard import (
    CoopRegisterImportWizard,
)

from .capital_common import CoopCapitalTestCommon
from .role_guard import superuser_setup
from .test_register_import import CLEAN_MEMBERS, CLEAN_OPERATIONS, _operation_dicts, _xlsx

THRESHOLD = "coop_membership.register_import_background_threshold"


def _fixture(name):
    with file_open(f"coop_membership/tests/data/{name}", "rb") as handle:
        return base64.b64encode(handle.read())


class TestRegisterImportBackground(CoopCapitalTestCommon):
    """Large files go to the background job; OCA cooperator's exports are understood."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wizard = cls.env["coop.register.import.wizard"]
        cls.Member = cls.env["coop.member"]
        cls.Operation = cls.env["coop.share.operation"]
        cls.Job = cls.env["coop.register.import"]
        cls.cron = cls.env.ref("coop_membership.ir_cron_coop_register_import")
        # Small, so that the clean file (3 members + 5 operations) goes to the job.
        cls.env["ir.config_parameter"].set_param(THRESHOLD, "5")

    def _wizard(self, user=None, **values):
        user = user or self.officer_a
        values.setdefault("file_format", "xlsx" if "register_file" in values else "csv")
        return self.Wizard.with_user(user).create(values)

    def _imported(self, numbers):
        return self.Member.search(
            [("company_id", "=", self.company_a.id), ("member_number", "in", numbers)]
        )

    def _run_cron(self):
        with superuser_setup("the cron worker runs the queued imports, as Odoo's cron does"):
            self.Job._cron_run_queued()

    def _queue(self, content):
        wizard = self._wizard(register_file=content)
        action = wizard.with_user(self.officer_a).action_import()
        self.assertEqual(action["res_model"], "coop.register.import")
        return self.Job.with_user(self.officer_a).browse(action["res_id"])

    def test_large_file_runs_in_background_with_progress(self):
        """The officer imports a large file: it is queued, the job imports all of it, 100 %."""
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])
        job = self._queue(_xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS)))
        self.assertEqual((job.state, job.total_count, job.progress), ("queued", 8, 0.0))
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)]),
            triggers + 1,
            "the cron is woken up at once",
        )
        self.assertFalse(self._imported(["000101"]), "nothing is stored before the job runs")

        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual(job.state, "done", job.error)
        self.assertEqual((job.done_count, job.total_count, job.progress), (8, 8, 100.0))
        self.assertEqual((job.member_count, job.operation_count), (3, 5))
        self.assertIn("3 members and 5 operations imported", job.summary)
        members = self._imported(["000101", "000102", "000103"])
        self.assertEqual(len(members), 3)
        self.assertEqual(sum(members.mapped("share_count")), 14)
        # The officer is told in their inbox (or by email), on the job they can read.
        notice = job.message_ids.filtered(lambda m: self.officer_a.partner_id in m.partner_ids)
        self.assertEqual(len(notice), 1)
        self.assertIn("Register import ended", notice.body)
        self.assertTrue(job.with_user(self.officer_a).has_access("read"))
        self.assertFalse(job.with_user(self.officer_b).has_access("read"))

    def test_problem_row_in_background_stores_nothing(self):
        """A file with one bad row fails in the background: the job lists it, nothing stored."""
        operations = _operation_dicts(CLEAN_OPERATIONS)
        operations[4]["quantity"] = "3"  # Paul sells back 3 shares of the 2 he holds
        job = self._queue(_xlsx(CLEAN_MEMBERS, operations))
        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual(job.state, "failed")
        self.assertIn("1 problem(s) found: nothing was imported.", job.summary)
        self.assertIn("operations, row 6:", job.error)
        self.assertFalse(self._imported(["000101", "000102", "000103"]))
        self.assertFalse(self.Operation.search([("name", "in", ["R0000101", "R0000105"])]))
        notice = job.message_ids.filtered(lambda m: self.officer_a.partner_id in m.partner_ids)
        self.assertIn("nothing was imported", notice.body)

    def test_failure_while_storing_keeps_nothing(self):
        """An error after half of the register is written: the whole import is undone."""
        job = self._queue(_xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS)))
        sequences = (
            self.company_a._coop_get_member_sequence().number_next_actual,
            self.company_a._coop_get_share_sequence().number_next_actual,
        )

        # The last step of the import (the sequences), after every member and operation.
        def broken(*args, **kwargs):
            raise ValueError("disk full")

        with (
            patch.object(CoopRegisterImportWizard, "_continue_sequence", broken),
            self.assertLogs("odoo.addons.coop_membership.models.coop_register_import"),
        ):
            self._run_cron()
        job.invalidate_recordset()
        self.assertEqual(job.state, "failed")
        self.assertIn("nothing was imported (disk full)", job.summary)
        self.assertFalse(self._imported(["000101", "000102", "000103"]))
        self.assertFalse(self.Operation.search([("name", "like", "R00001%")]))
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Ferme du Val")]))
        self.assertEqual(
            (
                self.company_a._coop_get_member_sequence().number_next_actual,
                self.company_a._coop_get_share_sequence().number_next_actual,
            ),
            sequences,
        )

    def test_large_file_dry_run_runs_in_background_then_imports(self):
        """The officer checks a large file: the dry run is a job too (nothing stored);
        once checked without problem she imports the same files from it."""
        wizard = self._wizard(
            register_file=_xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS))
        )
        action = wizard.with_user(self.officer_a).action_check()
        self.assertEqual(action["res_model"], "coop.register.import")
        job = self.Job.with_user(self.officer_a).browse(action["res_id"])
        self.assertEqual((job.mode, job.state, job.total_count), ("check", "queued", 8))
        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual((job.state, job.progress), ("checked", 100.0), job.error)
        self.assertIn("No problem found: 3 members and 5 operations are ready", job.summary)
        self.assertFalse(self._imported(["000101", "000102", "000103"]), "a dry run stores nothing")
        notice = job.message_ids.filtered(lambda m: self.officer_a.partner_id in m.partner_ids)
        self.assertIn("Register check ended", notice.body)
        with self.assertRaises(AccessError):
            job.with_user(self.officer_b).action_import_checked()
        job.action_import_checked()
        job.invalidate_recordset()
        self.assertEqual((job.mode, job.state), ("import", "queued"))
        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual(job.state, "done", job.error)
        self.assertEqual(len(self._imported(["000101", "000102", "000103"])), 3)
        with self.assertRaises(UserError):
            job.action_import_checked()

    def test_large_file_dry_run_in_background_lists_its_problems(self):
        """A large file with a bad row, checked in the background: the job lists the row,
        stores nothing, and offers no import."""
        operations = _operation_dicts(CLEAN_OPERATIONS)
        operations[4]["quantity"] = "3"
        wizard = self._wizard(register_file=_xlsx(CLEAN_MEMBERS, operations))
        action = wizard.with_user(self.officer_a).action_check()
        job = self.Job.with_user(self.officer_a).browse(action["res_id"])
        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual((job.mode, job.state), ("check", "failed"))
        self.assertIn("operations, row 6:", job.error)
        self.assertFalse(self._imported(["000101", "000102", "000103"]))
        with self.assertRaises(UserError):
            job.action_import_checked()
        self.assertEqual(job.state, "failed")

    def _worker_died_running(self, job):
        """The job as a worker killed at its time limit leaves it: "running", nothing of
        the file stored (its transaction died with it), its lock gone with its connection."""
        with superuser_setup("a cron worker started the job, then was killed"):
            job.sudo().write({"state": "running", "date_start": "2026-12-07 10:00:00"})
        job.invalidate_recordset()

    def test_interrupted_import_is_closed_and_runs_again(self):
        """A worker killed mid-import leaves its job "running": the next cron run closes it
        (nothing stored, the officer told), and the officer runs it again as it is."""
        job = self._queue(_xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS)))
        self._worker_died_running(job)
        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual((job.state, job.interrupted), ("failed", True))
        self.assertIn("interrupted by the server", job.summary)
        self.assertFalse(self._imported(["000101", "000102", "000103"]))
        notice = job.message_ids.filtered(lambda m: self.officer_a.partner_id in m.partner_ids)
        self.assertIn("interrupted by the server", notice.body)
        # Only an officer of that cooperative sees it, hence runs it again.
        with self.assertRaises(AccessError):
            job.with_user(self.officer_b).action_run_again()
        job.with_user(self.officer_a).action_run_again()
        job.invalidate_recordset()
        self.assertEqual((job.state, job.interrupted, job.summary), ("queued", False, False))
        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual(job.state, "done", job.error)
        self.assertEqual(len(self._imported(["000101", "000102", "000103"])), 3)
        with self.assertRaises(UserError):
            job.with_user(self.officer_a).action_run_again()

    def test_import_running_in_another_worker_is_left_alone(self):
        """A job whose worker is alive (it holds the job's lock) stays running."""
        job = self._queue(_xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS)))
        self._worker_died_running(job)
        # The other worker: its own connection to the database, holding the lock.
        with odoo.sql_db.db_connect(self.env.cr.dbname).cursor() as worker:
            worker.execute(SQL("SELECT pg_advisory_lock(%s, %s)", RUN_LOCK, job.id))
            self._run_cron()
            job.invalidate_recordset()
            self.assertEqual((job.state, job.interrupted), ("running", False))
            worker.execute(SQL("SELECT pg_advisory_unlock(%s, %s)", RUN_LOCK, job.id))
        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual((job.state, job.interrupted), ("failed", True))

    def test_a_failed_import_with_problems_does_not_run_again(self):
        """Run again is for imports the server interrupted: a file with problems would
        fail again the same way."""
        operations = _operation_dicts(CLEAN_OPERATIONS)
        operations[4]["quantity"] = "3"
        job = self._queue(_xlsx(CLEAN_MEMBERS, operations))
        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual((job.state, job.interrupted), ("failed", False))
        with self.assertRaises(UserError):
            job.with_user(self.officer_a).action_run_again()
        self.assertEqual(job.state, "failed")

    def test_small_file_still_imports_at_once(self):
        """Below the threshold the officer's click imports the file directly, as before."""
        self.env["ir.config_parameter"].set_param(THRESHOLD, "2000")
        wizard = self._wizard(
            register_file=_xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS))
        )
        wizard.with_user(self.officer_a).action_import()
        self.assertEqual(wizard.state, "done")
        self.assertFalse(wizard.job_id)
        self.assertEqual(len(self._imported(["000101", "000102", "000103"])), 3)

    def test_newsletter_column_is_stored_with_its_consent(self):
        """Claire said yes to the newsletter in the file: she gets it, logged as an import."""
        self.env["ir.config_parameter"].set_param(THRESHOLD, "2000")
        wizard = self._wizard(
            register_file=_xlsx(CLEAN_MEMBERS, _operation_dicts(CLEAN_OPERATIONS))
        )
        wizard.with_user(self.officer_a).action_import()
        claire, paul = self._imported(["000101", "000103"]).sorted("member_number")
        Partner = self.env["res.partner"]
        if "coop_newsletter_optin" in Partner._fields:  # coop_engagement keeps the opt-in
            self.assertTrue(claire.partner_id.coop_newsletter_optin)
            self.assertFalse(paul.partner_id.coop_newsletter_optin)
        if "coop.member.consent" in self.env:  # coop_portal logs each consent
            consent = self.env["coop.member.consent"].search(
                [("partner_id", "=", claire.partner_id.id), ("consent", "=", "newsletter")]
            )
            self.assertEqual((consent.given, consent.source), (True, "import"))

    # ------------------------------------------------------------------
    # OCA cooperator's exports
    # ------------------------------------------------------------------
    def _cooperator_wizard(self):
        return self._wizard(
            members_file=_fixture("cooperator_res_partner.csv"),
            members_filename="res_partner.csv",
            operations_file=_fixture("cooperator_subscription_register.csv"),
            operations_filename="subscription_register.csv",
            default_college_id=self.college_a_cons.id,
        )

    def test_cooperator_exports_import_with_their_totals(self):
        """The officer imports OCA cooperator's two CSV exports: members, exits and totals."""
        self.env["ir.config_parameter"].set_param(THRESHOLD, "2000")
        wizard = self._cooperator_wizard()
        wizard.with_user(self.officer_a).action_check()
        self.assertFalse(wizard.problem_ids, wizard.problem_ids.mapped("message"))
        self.assertIn("3 members and 7 operations are ready", wizard.summary)
        wizard.with_user(self.officer_a).action_import()
        self.assertEqual(wizard.state, "done")

        members = {m.member_number: m for m in self._imported(["1", "2", "3"])}
        claire, paul, farm = members["1"], members["2"], members["3"]
        self.assertEqual(claire.partner_id.name, "Claire Martin")
        self.assertEqual(claire.partner_id.country_id.code, "FR")
        self.assertEqual(str(claire.partner_id.coop_birthdate), "1980-05-17")
        self.assertEqual(claire.college_id, self.college_a_cons)
        self.assertEqual((claire.state, str(claire.admission_date)), ("member", "2016-03-01"))
        self.assertTrue(farm.partner_id.is_company)
        # A former member leaves on the day of their last operation (their sell-back).
        self.assertEqual((paul.state, str(paul.exit_date)), ("resigned", "2018-06-30"))
        self.assertFalse(
            self.Member.search([("partner_id.name", "=", "Jeanne Durand")]),
            "a contact without a cooperator number is not in the register",
        )
        self.assertEqual(
            (claire.share_count, paul.share_count, farm.share_count), (5, 0, 2), "4-1+1+1, 2-2, 1+1"
        )
        operations = self.Operation.search([("company_id", "=", self.company_a.id)])
        self.assertEqual(sorted(operations.mapped("name")), ["1", "2", "3", "4", "5", "6", "6-2"])
        transfer = operations.filtered(lambda op: op.name == "4")
        self.assertEqual(
            (transfer.operation_type, transfer.counterpart_member_id), ("transfer", farm)
        )
        sell_back = operations.filtered(lambda op: op.name == "5")
        self.assertEqual(sell_back.operation_type, "redemption")
        self.assertEqual(sum(operations.mapped("signed_amount")), 7 * 50.0)

    def test_cooperator_exports_imported_twice_change_nothing(self):
        """Importing cooperator's exports a second time stores nothing more and says so."""
        self.env["ir.config_parameter"].set_param(THRESHOLD, "2000")
        self._cooperator_wizard().with_user(self.officer_a).action_import()
        counts = (self.Member.search_count([]), self.Operation.search_count([]))
        again = self._cooperator_wizard()
        again.with_user(self.officer_a).action_import()
        self.assertEqual(again.summary, "This register was already imported: nothing was changed.")
        self.assertEqual((self.Member.search_count([]), self.Operation.search_count([])), counts)

    def test_cooperator_exports_in_background_reimport_changes_nothing(self):
        """Through the background job too, the second import of the same files changes nothing."""
        first = self._cooperator_wizard()
        self.Job.browse(first.with_user(self.officer_a).action_import()["res_id"])
        self._run_cron()
        counts = (self.Member.search_count([]), self.Operation.search_count([]))
        second = self._cooperator_wizard()
        job = self.Job.with_user(self.officer_a).browse(
            second.with_user(self.officer_a).action_import()["res_id"]
        )
        self._run_cron()
        job.invalidate_recordset()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.summary, "This register was already imported: nothing was changed.")
        self.assertEqual((self.Member.search_count([]), self.Operation.search_count([])), counts)
