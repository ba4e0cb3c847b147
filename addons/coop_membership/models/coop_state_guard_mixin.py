"""One guard for the fields a record's actions own and the fields its state freezes.

Requests, assemblies, resolutions and candidacies move through states by their actions
(submit, approve, close the vote...). Some fields belong to those actions (the state, the
invoice, the results): nobody types them in. Others freeze in some states (the shares of
an invoiced request, the text of a resolution put to the vote). A model declares both
here, and its actions write through ``_guarded_write``.
"""

from collections.abc import Callable
from typing import NamedTuple

from odoo import api, models
from odoo.exceptions import UserError

#: Context key of the pass that ``_guarded_write`` gives the records it writes.
GUARD_PASS_KEY = "coop_guard_pass"


class GuardRule(NamedTuple):
    """Fields a plain write may not change while ``frozen(record)`` is true.

    ``frozen`` is None for fields no plain write ever changes (computed amounts, who
    recorded a decision...). ``message`` is the translated error, or a function of the
    labels of the fields refused (a comma-separated string) returning it.
    """

    fields: frozenset
    frozen: Callable | None
    message: str | Callable


class _GuardPass:
    """Proof that an action checked what it writes on ``ids`` of ``model``.

    Only server code can hold one: a remote caller's context is JSON (strings, numbers,
    lists, objects) and cannot carry an instance of this class, whatever key it sets. The
    pass names its model and records, so it opens nothing else written under the same
    context (another model, other records of the model).
    """

    __slots__ = ("ids", "model")

    def __init__(self, model, ids):
        self.model = model
        self.ids = frozenset(ids)


class CoopStateGuardMixin(models.AbstractModel):
    """Fields set only by actions, fields frozen by state, deletion by state.

    A model using it declares:

    - ``_coop_action_fields``: the fields only its actions write. A plain ``write()``
      refuses them (message ``action``); a created record must leave them empty, its
      ``state`` (when an action field) being one of ``_coop_initial_states`` (message
      ``create``: checked on the created records, since ``default_*`` context keys fill
      fields too).
    - ``_coop_guard_rules()``: the other fields a plain write may not change, and when
      (see ``GuardRule``). Rules with the same message are reported together.
    - ``_coop_deletable_states``, or ``_coop_guard_undeletable()`` for another rule:
      which records may be deleted (message ``unlink``).
    - ``_coop_guard_messages()``: the model's wording of the ``action``, ``create`` and
      ``unlink`` errors.

    Actions write what they checked through ``_guarded_write(vals)``: a private method,
    so not callable over RPC, and access rights still apply. It calls the whole
    ``write()`` chain, overrides of other modules included, with a pass in the context
    that ``_coop_guard_bypassed()`` recognises; an override that checks values skips its
    checks when it is true, and keeps what it does after writing. A context key set by a
    remote caller is never a pass (see ``_GuardPass``).
    """

    _name = "coop.state.guard.mixin"
    _description = "Fields Set by Actions and Frozen by State"

    _coop_action_fields = frozenset()
    _coop_initial_states = ("draft",)
    _coop_deletable_states = ("draft",)

    def _coop_guard_messages(self):
        """{'action', 'create', 'unlink'}: the model's wording of each refusal."""
        raise NotImplementedError(f"{self._name} words its refusals")

    def _coop_guard_rules(self):
        """The fields a plain write may not change and when: a list of ``GuardRule``."""
        return []

    def _coop_guard_undeletable(self):
        """The records of ``self`` that may not be deleted."""
        return self.filtered(lambda record: record.state not in self._coop_deletable_states)

    # ------------------------------------------------------------------
    # The pass of checked writes
    # ------------------------------------------------------------------
    def _guarded_write(self, vals):
        """Write what the calling action has checked (state, results, links...).

        Private, so not callable over RPC; access rights still apply.
        """
        guard_pass = _GuardPass(self._name, self._ids)
        return self.with_context(**{GUARD_PASS_KEY: guard_pass}).write(vals)

    def _coop_guard_bypassed(self):
        """True inside ``_guarded_write`` of these very records: their checks are done."""
        guard_pass = self.env.context.get(GUARD_PASS_KEY)
        return (
            isinstance(guard_pass, _GuardPass)
            and guard_pass.model == self._name
            and guard_pass.ids.issuperset(self._ids)
        )

    # ------------------------------------------------------------------
    # The checks
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        records._coop_guard_check_created()
        return records

    def write(self, vals):
        if not self._coop_guard_bypassed():
            self._coop_guard_check_write(vals)
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_coop_guard(self):
        if self._coop_guard_undeletable():
            raise UserError(self._coop_guard_messages()["unlink"])

    def _coop_guard_check_created(self):
        action_fields = self._coop_action_fields - {"state"}
        check_state = "state" in self._coop_action_fields
        for record in self:
            if (check_state and record.state not in self._coop_initial_states) or any(
                record[name] for name in action_fields
            ):
                raise UserError(self._coop_guard_messages()["create"])

    def _coop_guard_check_write(self, vals):
        """Raise the first refusal of a plain write of ``vals`` on ``self``."""
        if self._coop_action_fields.intersection(vals):
            raise UserError(self._coop_guard_messages()["action"])
        refused = {}  # message -> fields refused, in the order of the rules
        for rule in self._coop_guard_rules():
            names = rule.fields.intersection(vals)
            if not names:
                continue
            if rule.frozen is not None and not any(rule.frozen(record) for record in self):
                continue
            if names:
                refused.setdefault(rule.message, set()).update(names)
        for message, names in refused.items():
            if callable(message):
                labels = ", ".join(sorted(self._fields[name].string for name in names))
                message = message(labels)
            raise UserError(message)
