"""pytest settings shared by every test of the coop suite (run through `make test`).

pytest-odoo (configured in pyproject.toml and the Makefile) loads Odoo; this file adds what
Odoo's own test runner does and pytest-odoo does not.
"""

import logging
import os
import shutil
from unittest import mock

import pytest

try:
    import odoo.tools
except ImportError:  # pragma: no cover - pytest without Odoo: nothing to adapt
    odoo = None

if odoo is not None:
    # pytest-odoo imports odoo.tests before it turns test mode on, and Odoo then logs a
    # misleading "Importing test framework ..." ERROR. Import it here in test mode first.
    _test_enable = odoo.tools.config["test_enable"]
    odoo.tools.config["test_enable"] = True
    try:
        import odoo.tests  # noqa: F401
    finally:
        odoo.tools.config["test_enable"] = _test_enable


@pytest.fixture(scope="session", autouse=True)
def _worker_filestore(load_registry):
    """Each pytest-xdist worker (`make test` runs two) gets its own copy of the filestore.

    pytest-odoo gives each worker a copy of the database but points every worker at the
    original database's filestore. Odoo's test classes garbage-collect the filestore
    against their own database when they end (``TransactionCase._gc_filestore``): one
    worker deleted the asset files the other worker's database had just written, and the
    other's pages then failed to load their scripts.
    """
    worker = os.environ.get("PYTEST_XDIST_WORKER")
    if odoo is None or not worker:
        yield
        return
    config = odoo.tools.config
    database = config["db_name"]  # the worker's copy, named <database>-<worker>
    stores = os.path.join(config["data_dir"], "filestore")
    own = os.path.join(stores, database)
    shutil.rmtree(own, ignore_errors=True)
    original = os.path.join(stores, database.removesuffix(f"-{worker}"))
    if os.path.isdir(original):
        shutil.copytree(original, own, symlinks=True)
    with mock.patch.object(config, "filestore", lambda name: os.path.join(stores, name)):
        yield
    shutil.rmtree(own, ignore_errors=True)


class _ErrorRecords(logging.Handler):
    def __init__(self):
        super().__init__(logging.ERROR)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture(autouse=True)
def _odoo_errors_fail_the_test():
    """Fail a test during which Odoo logged an ERROR, as Odoo's runbot and OCA's CI do.

    Errors a test expects (a constraint violation logs `odoo.sql_db: bad query`, a
    concurrency test logs serialization failures) are silenced with
    `odoo.tools.mute_logger("odoo.sql_db")` or caught with `assertLogs`, which keep them
    from reaching this handler.
    """
    handler = _ErrorRecords()
    logger = logging.getLogger("odoo")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    if handler.records:
        lines = [f"{r.levelname} {r.name}: {r.getMessage()}" for r in handler.records]
        pytest.fail("Odoo logged errors during this test:\n" + "\n".join(lines), pytrace=False)


def pytest_runtest_call(item):
    """Watch the test method's body: business flows act as the role user (role_guard.py)."""
    if odoo is None or not hasattr(item, "instance"):
        return
    try:
        from odoo.addons.coop_membership.tests import role_guard
    except ImportError:  # the suite's addons are not on this Odoo's path
        return
    from odoo.modules.registry import Registry

    role_guard.install(Registry(odoo.tests.common.get_db_name()))
    reason = getattr(type(item.instance), "_coop_superuser_reason", None)
    item.obj = role_guard.watch_test(item.obj, reason)
