"""Suite-level checks: what a user of the whole coop suite would notice.

Run by `make test` (pytest-odoo) against a database where every coop module is installed
with demo data. The coop modules are found on Odoo's addons path, so a new module is
checked as soon as it exists.
"""

import ast
import logging
from pathlib import Path

from odoo.tests import HttpCase, TransactionCase, tagged
from odoo.tools import config
from odoo.tools.translate import PoFileReader

_logger = logging.getLogger(__name__)


def coop_modules():
    """Return {name: path} of the installable coop_* modules on the addons path."""
    found = {}
    for base in config["addons_path"].split(","):
        for manifest in sorted(Path(base.strip()).glob("coop_*/__manifest__.py")):
            data = ast.literal_eval(manifest.read_text(encoding="utf-8"))
            if data.get("installable", True):
                found.setdefault(manifest.parent.name, (manifest.parent, data))
    return found


@tagged("post_install", "-at_install")
class TestSuiteInstall(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.modules = coop_modules()

    def test_every_coop_module_is_installed(self):
        self.assertTrue(self.modules, "no coop_* module found on the addons path")
        installed = self.env["ir.module.module"].search([("name", "in", list(self.modules))])
        states = {module.name: module.state for module in installed}
        for name in self.modules:
            self.assertEqual(states.get(name), "installed", f"module {name} is not installed")

    def test_every_test_file_is_imported_by_its_package(self):
        """Odoo's own test runner (OCA's CI) runs only the test modules that tests/__init__.py
        imports: a test file left out is skipped without a word."""
        for name, (path, _manifest) in self.modules.items():
            tests = Path(path) / "tests"
            if not tests.is_dir():
                continue
            imported = {
                line.split()[-1]
                for line in (tests / "__init__.py").read_text(encoding="utf-8").splitlines()
                if line.startswith("from . import ")
            }
            files = {f.stem for f in tests.glob("test_*.py")}
            self.assertFalse(files - imported, f"{name}/tests/__init__.py does not import them")

    def test_every_coop_module_ships_its_documentation(self):
        for name, (path, manifest) in self.modules.items():
            for fragment in ("DESCRIPTION.md", "USAGE.md"):
                readme = path / "readme" / fragment
                self.assertTrue(readme.is_file(), f"{name}: missing readme/{fragment}")
                self.assertTrue(readme.read_text(encoding="utf-8").strip(), f"{readme} is empty")
            for key in ("author", "license", "version", "summary"):
                self.assertTrue(manifest.get(key), f"{name}: manifest has no {key!r}")
            self.assertTrue(
                manifest["version"].startswith("18.0."),
                f"{name}: manifest version {manifest['version']} is not an 18.0 version",
            )

    def _french_entries(self, name, path):
        po = path / "i18n" / "fr.po"
        self.assertTrue(po.is_file(), f"{name}: missing i18n/fr.po")
        entries = list(PoFileReader(str(po)))
        self.assertTrue(entries, f"{po} has no entry")
        untranslated = sorted({e["src"] for e in entries if not e["value"]})
        self.assertFalse(
            untranslated,
            f"{po}: {len(untranslated)} untranslated entries, e.g. {untranslated[:5]}",
        )
        return entries

    def test_every_coop_module_is_translated_in_french(self):
        """fr.po is complete, and once fr_FR is active its terms reach the database."""
        self.assertTrue(self.modules, "no coop_* module found on the addons path")
        entries = {
            name: self._french_entries(name, path) for name, (path, _m) in self.modules.items()
        }

        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"].search(
            [("name", "in", list(self.modules))]
        )._update_translations("fr_FR", overwrite=True)

        for name, module_entries in entries.items():
            checked = 0
            for entry in module_entries:
                if entry["type"] != "model" or entry["src"] == entry["value"]:
                    continue
                record = self.env.ref(
                    f"{entry['module']}.{entry['imd_name']}", raise_if_not_found=False
                )
                field = entry["name"].split(",")[1]
                if record is None or record._name != entry["imd_model"]:
                    continue
                if record.with_context(lang="en_US")[field] != entry["src"]:
                    continue  # the .po is older than the source term: not loaded by design
                self.assertEqual(
                    record.with_context(lang="fr_FR")[field],
                    entry["value"],
                    f"{name}: French term of {entry['module']}.{entry['imd_name']} not loaded",
                )
                checked += 1
            self.assertTrue(
                checked,
                f"{name}: no term of i18n/fr.po matches the module's data "
                "(re-export it: odoo -d DB --i18n-export=fr.po --modules=... --language=fr_FR)",
            )


@tagged("post_install", "-at_install")
class TestSuiteWebClient(HttpCase):
    """The web client opens and every coop menu, list and form works for the administrator."""

    allow_end_on_form = True

    def test_click_every_coop_menu_as_admin(self):
        modules = coop_modules()
        self.assertTrue(modules, "no coop_* module found on the addons path")
        admin = self.env.ref("base.user_admin")
        menus = self.env["ir.ui.menu"].with_user(admin).load_menus(False)
        apps = [
            menus[app_id]
            for app_id in menus["root"]["children"]
            if (menus[app_id].get("xmlid") or "").startswith("coop_")
        ]
        if any(manifest.get("application") for _path, manifest in modules.values()):
            self.assertTrue(apps, "a coop module is an application but admin sees no coop app")
        if not apps:
            self.browser_js(
                "/odoo", "console.log('test successful')", "odoo.isReady === true", login="admin"
            )
        for app in apps:
            _logger.info("clicking through every menu of %s", app["name"])
            self.browser_js(
                "/odoo",
                "odoo.loader.modules.get('@web/webclient/clickbot/clickbot_loader')"
                f".startClickEverywhere('{app['xmlid']}');",
                "odoo.isReady === true",
                login="admin",
                timeout=900,
                success_signal="clickbot test succeeded",
            )
