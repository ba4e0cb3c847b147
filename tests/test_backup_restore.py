"""`make backup` and `make restore` round-trip the test database.

The targets are run as an administrator would run them (make, pg_dump, pg_restore, tar) on
the database of this test run; the copy is restored under a new name, opened with its own
registry and checked for what a cooperative would miss after a restore: intact audit chains,
the same share register, readable attachments. It is dropped at the end.
"""

import hashlib
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.modules.registry import Registry
from odoo.sql_db import close_db, db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import config
from odoo.tools.misc import exec_pg_environ

REPO = Path(__file__).resolve().parents[1]

# Per cooperative: confirmed operations, the sum of their amounts and the subscribed capital.
REGISTER_TOTALS = """
    SELECT o.company_id, COUNT(*), SUM(o.amount),
           (SELECT SUM(m.amount) FROM coop_share_movement m WHERE m.company_id = o.company_id)
      FROM coop_share_operation o
     WHERE o.state = 'confirmed'
  GROUP BY o.company_id
  ORDER BY o.company_id
"""


@tagged("post_install", "-at_install")
class TestBackupRestore(TransactionCase):
    def _make(self, target, check=True, **variables):
        # Run by `make test`: none of its variables may reach this make.
        env = {
            name: value
            for name, value in exec_pg_environ().items()
            if name not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES")
        }
        result = subprocess.run(
            ["make", "-C", str(REPO), "--no-print-directory", target]
            + [f"{name}={value}" for name, value in variables.items()],
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if check:
            self.assertEqual(
                result.returncode, 0, f"make {target} failed:\n{result.stdout}\n{result.stderr}"
            )
        return result

    def _dropdb(self, name):
        subprocess.run(
            ["dropdb", "--if-exists", "--force", name],
            env=exec_pg_environ(),
            capture_output=True,
            check=False,
        )

    def test_backup_then_restore_into_a_new_database(self):
        source = self.env.cr.dbname
        target = f"{source[:40]}_rt{os.getpid()}"
        data_dir = config["data_dir"]
        restored_store = Path(config.filestore(target))
        workdir = Path(tempfile.mkdtemp(prefix="coop_backup_"))
        registry = None
        try:
            # Committed data only: what pg_dump sees (this test's transaction writes nothing).
            with db_connect(source).cursor() as cr:
                cr.execute(REGISTER_TOTALS)
                totals = cr.fetchall()
                cr.execute(
                    "SELECT COUNT(*) FROM ir_attachment WHERE store_fname IS NOT NULL"
                    " AND checksum IS NOT NULL"
                )
                stored_attachments = cr.fetchone()[0]
            self.assertTrue(totals, "the demo share register is empty")
            self.assertTrue(stored_attachments, "no attachment in the filestore to restore")

            self._make("backup", DB=source, DATA_DIR=data_dir, BACKUP_DIR=workdir)
            (backup,) = [path for path in workdir.iterdir() if path.is_dir()]
            self.assertTrue(backup.name.startswith(f"{source}-"), backup.name)
            self.assertEqual(
                sorted(path.name for path in backup.iterdir()),
                ["db.dump", "filestore.tar.gz", "manifest.sha256"],
            )
            manifest = dict(
                reversed(line.split("  ", 1))
                for line in (backup / "manifest.sha256").read_text().splitlines()
            )
            for name in ("db.dump", "filestore.tar.gz"):
                digest = hashlib.sha256((backup / name).read_bytes()).hexdigest()
                self.assertEqual(manifest[name], digest, f"checksum of {name}")

            # A damaged copy is refused before anything is created.
            damaged = workdir / "damaged"
            shutil.copytree(backup, damaged)
            with (damaged / "filestore.tar.gz").open("ab") as archive:
                archive.write(b"\0")
            refused = self._make(
                "restore", check=False, BACKUP=damaged, TARGET=target, DATA_DIR=data_dir
            )
            self.assertNotEqual(refused.returncode, 0)
            self.assertIn("do not match", refused.stderr)
            self.assertFalse(self._database_exists(target))
            self.assertFalse(restored_store.exists())

            self._make("restore", BACKUP=backup, TARGET=target, DATA_DIR=data_dir)
            self.assertTrue(restored_store.is_dir())
            # The restored database is never overwritten by mistake.
            again = self._make("restore", check=False, BACKUP=backup, TARGET=target)
            self.assertNotEqual(again.returncode, 0)
            self.assertIn(f"database {target} exists", again.stderr)

            # Loading a registry while tests are enabled would run the modules' tests on it.
            with patch.dict(config.options, {"test_enable": False}):
                registry = Registry.new(target)
            with registry.cursor() as cr:
                env = api.Environment(cr, SUPERUSER_ID, {})
                cr.execute(REGISTER_TOTALS)
                self.assertEqual(cr.fetchall(), totals, "register totals after restore")
                capital = env["res.company"].search([])._coop_subscribed_capital()
                self.assertEqual(
                    {company_id: amount for company_id, _c, _s, amount in totals},
                    {company_id: amount for company_id, amount in capital.items() if amount},
                )

                assemblies = env["coop.assembly"].search([("state", "=", "closed")])
                self.assertTrue(assemblies.ballot_ids, "no closed assembly with ballots")
                for assembly in assemblies:
                    check = assembly.verify_audit_chain()
                    self.assertTrue(check["ok"], f"{assembly.display_name}: {check['message']}")

                cr.execute(
                    "SELECT id FROM ir_attachment WHERE store_fname IS NOT NULL"
                    " AND checksum IS NOT NULL"
                )
                attachments = env["ir.attachment"].browse(row[0] for row in cr.fetchall())
                self.assertEqual(len(attachments), stored_attachments)
                unreadable = [
                    attachment.store_fname
                    for attachment in attachments
                    if hashlib.sha1(attachment.raw or b"").hexdigest() != attachment.checksum
                ]
                self.assertFalse(
                    unreadable,
                    f"{len(unreadable)} of {len(attachments)} attachments missing or changed "
                    f"after restore, e.g. {unreadable[:3]}",
                )
        finally:
            if registry is not None:
                Registry.delete(target)
            close_db(target)
            self._dropdb(target)
            shutil.rmtree(restored_store, ignore_errors=True)
            shutil.rmtree(workdir, ignore_errors=True)
        self.assertFalse(self._database_exists(target))

    def _database_exists(self, name):
        with db_connect("postgres").cursor() as cr:
            cr.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            return bool(cr.fetchone())
