"""Business flows in tests act as the role user who does them.

A test that runs a flow as the superuser (``self.env`` of a TransactionCase, or ``sudo()``)
passes even when no real user may run it: closing a vote was such a flow. Under
``make test`` (pytest, see the suite's conftest.py) every test method body is watched: a
call to a business method of a coop model (``action_*``, ``button_*`` and the entry points
named in ``ENTRY_POINTS``) made as the superuser fails the test, unless

- the test says why it must act so, with ``@superuser_because("why")`` on the method
  (or on the class), or
- the call arranges state for the flow under test (an admission before a vote, a payment
  before a redemption), inside ``with superuser_setup("why"):``.

``setUp``/``setUpClass`` are not watched. Only calls written in test code (a file under a
``tests`` folder) count: a model method calling another one through ``sudo()`` after its
own check is the model's business, not the test's.

Odoo's own test runner does not install the watch: the module imports nothing at load.
"""

import contextlib
import functools
import os
import sys
import threading

# Public business methods of coop models that are not named action_*/button_*.
ENTRY_POINTS = frozenset({"cast_vote"})

_state = threading.local()


def _get(name, default):
    return getattr(_state, name, default)


def superuser_because(reason):
    """Let a test method (or every method of a class) act as the superuser, saying why."""
    if not reason or not str(reason).strip():
        raise ValueError("superuser_because needs the reason")

    def decorate(obj):
        obj._coop_superuser_reason = reason
        return obj

    return decorate


@contextlib.contextmanager
def superuser_setup(reason):
    """Arrange state as the superuser inside a test body (not the flow under test)."""
    if not reason or not str(reason).strip():
        raise ValueError("superuser_setup needs the reason")
    previous = _get("suspended", 0)
    _state.suspended = previous + 1
    try:
        yield
    finally:
        _state.suspended = previous


def _is_business_method(name):
    return name.startswith("action_") or name.startswith("button_") or name in ENTRY_POINTS


def _defined_by_coop(cls, name):
    return any(
        name in vars(klass) and klass.__module__.startswith("odoo.addons.coop_")
        for klass in cls.__mro__
    )


_TESTS_DIR = f"{os.sep}tests{os.sep}"


def _watch(method, name):
    @functools.wraps(method)
    def watched(self, *args, **kwargs):
        if (
            _get("active", False)
            and not _get("suspended", 0)
            and self.env.su
            and _TESTS_DIR in sys._getframe(1).f_code.co_filename
        ):
            _state.violations.append(f"{self._name}.{name}()")
        return method(self, *args, **kwargs)

    watched._coop_watched = True
    return watched


def install(registry):
    """Wrap the business methods of the coop models of ``registry`` (once)."""
    if getattr(registry, "_coop_role_guard", False):
        return
    for model_name in list(registry):
        cls = registry[model_name]
        for name in dir(cls):
            if not _is_business_method(name):
                continue
            method = getattr(cls, name, None)
            if not callable(method) or getattr(method, "_coop_watched", False):
                continue
            if _defined_by_coop(cls, name):
                setattr(cls, name, _watch(method, name))
    registry._coop_role_guard = True


def watch_test(test_method, reason=None):
    """Return ``test_method`` wrapped so that superuser business calls fail it."""
    reason = reason or getattr(test_method, "_coop_superuser_reason", None)
    if reason:
        return test_method

    @functools.wraps(test_method)
    def watched_test(*args, **kwargs):
        _state.active = True
        _state.suspended = 0
        _state.violations = []
        try:
            result = test_method(*args, **kwargs)
        finally:
            _state.active = False
            violations, _state.violations = _state.violations, []
        if violations:
            calls = ", ".join(dict.fromkeys(violations))
            raise AssertionError(
                "This test runs a business flow as the superuser: "
                f"{calls}. Act as the role user who does the job "
                "(record.with_user(user)), arrange state inside "
                "`with superuser_setup('why')`, or say why with "
                "@superuser_because('why')."
            )
        return result

    return watched_test
