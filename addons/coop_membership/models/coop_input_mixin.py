import math
from collections import defaultdict
from datetime import date

from odoo import _, api, models
from odoo.exceptions import ValidationError

# PostgreSQL integer columns (ids, numbers of shares) hold at most this.
PG_INT_MAX = 2**31 - 1
# One-line text holds no control character; multi-line text keeps tabs and line breaks.
TEXT_CONTROLS_KEPT = "\t\n\r"


class CoopInputMixin(models.AbstractModel):
    """Refuse, with a clear message, the values the database would reject with a crash.

    The web client sends well-formed values; RPC callers, imports and scripts may send
    anything. The models that take user input check their values in ``create`` and
    ``write``, before anything is stored: whole numbers in range where shares are
    counted, records that exist, real dates, listed choices, text without control
    characters. The business rules come after, in each model.
    """

    _name = "coop.input.mixin"
    _description = "Checks of Typed Values"

    # Lowest value of the number fields that have one, e.g. {"quantity": 1}.
    _coop_minimums = {}

    @api.model
    def _coop_check_vals(self, vals_list):
        """Raise a ValidationError naming the first field whose value cannot be stored."""
        ids_by_field = defaultdict(set)
        for vals in vals_list:
            for name, value in vals.items():
                field = self._fields.get(name)
                if field is not None and field.store:
                    ids = self._coop_check_value(field, value)
                    if ids:
                        ids_by_field[field].update(ids)
        for field, ids in ids_by_field.items():
            if len(self.env[field.comodel_name].browse(ids).exists()) != len(ids):
                raise ValidationError(self._coop_input_error(field, "missing"))

    def _coop_check_value(self, field, value):
        """Check one value; return the ids a relational field points to."""
        kind = field.type
        minimum = self._coop_minimums.get(field.name)
        if value is None or value is False or value == "":
            if minimum is not None and minimum > 0:
                raise ValidationError(self._coop_input_error(field, "minimum"))
            if field.required and kind not in ("boolean", "integer", "float", "monetary"):
                raise ValidationError(self._coop_input_error(field, "required"))
            if value == "" and kind not in ("char", "text", "html"):
                raise ValidationError(self._coop_input_error(field, "type"))
            return None
        if kind in ("integer", "float", "monetary"):
            whole = kind == "integer"
            if isinstance(value, bool) or not isinstance(value, int if whole else (int, float)):
                raise ValidationError(
                    self._coop_input_error(field, "integer" if whole else "number")
                )
            if not math.isfinite(value) or abs(value) > (PG_INT_MAX if whole else 1e15):
                raise ValidationError(self._coop_input_error(field, "range"))
            if minimum is not None and value < minimum:
                raise ValidationError(self._coop_input_error(field, "minimum"))
        elif kind == "many2one":
            if isinstance(value, models.BaseModel):
                if value._name != field.comodel_name or len(value) > 1:
                    raise ValidationError(self._coop_input_error(field, "missing"))
                value = value.id
            if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= PG_INT_MAX:
                raise ValidationError(self._coop_input_error(field, "missing"))
            return {value}
        elif kind in ("date", "datetime"):
            if isinstance(value, str):
                try:
                    field.to_date(value) if kind == "date" else field.to_datetime(value)
                except ValueError:
                    raise ValidationError(self._coop_input_error(field, "date")) from None
            elif not isinstance(value, date):
                raise ValidationError(self._coop_input_error(field, "date"))
        elif kind == "selection":
            if not isinstance(value, str) or value not in field.get_values(self.env):
                raise ValidationError(self._coop_input_error(field, "selection"))
        elif kind in ("char", "text", "html"):
            if not isinstance(value, str):
                raise ValidationError(self._coop_input_error(field, "text"))
            kept = TEXT_CONTROLS_KEPT if kind != "char" else ""
            if any(ord(c) < 32 and c not in kept for c in value) or "\x7f" in value:
                raise ValidationError(self._coop_input_error(field, "control"))
        return None

    @api.model
    def _coop_records(self, model_name, value, message, many=False):
        """``value`` as existing records of ``model_name``, or a ValidationError(message).

        For the methods callers may reach over RPC with ids: a record (or, with ``many``,
        records) of that model, an id, or with ``many`` a list of ids.
        """
        if isinstance(value, models.BaseModel):
            ids = value.ids if value._name == model_name else None
        elif isinstance(value, int):
            ids = [value]
        elif many and isinstance(value, (list, tuple)):
            ids = list(value)
        else:
            ids = None
        if (
            ids is None
            or (len(ids) > 1 and not many)
            or any(isinstance(i, bool) or not isinstance(i, int) for i in ids)
            or any(not 0 < i <= PG_INT_MAX for i in ids)
        ):
            raise ValidationError(message)
        records = self.env[model_name].browse(dict.fromkeys(ids))
        if len(records.exists()) != len(records):
            raise ValidationError(message)
        return records

    def _coop_input_error(self, field, problem):
        label = field._description_string(self.env)
        match problem:
            case "required":
                return _("%(field)s is required.", field=label)
            case "type":
                return _("%(field)s: this value cannot be stored here.", field=label)
            case "integer":
                return _("%(field)s: give a whole number.", field=label)
            case "minimum":
                return _(
                    "%(field)s: give at least %(minimum)s.",
                    field=label,
                    minimum=self._coop_minimums[field.name],
                )
            case "number":
                return _("%(field)s: give a number.", field=label)
            case "range":
                return _("%(field)s: this number is out of range.", field=label)
            case "missing":
                return _("%(field)s: choose an existing record.", field=label)
            case "date":
                return _("%(field)s: give a valid date.", field=label)
            case "selection":
                return _("%(field)s: choose one of the proposed values.", field=label)
            case "text":
                return _("%(field)s: give a text.", field=label)
            case "control":
                return _("%(field)s: remove the control characters.", field=label)
        raise ValueError(problem)  # a check without its message: a programming error
