from odoo import models
from odoo.tools import SQL


class CoopRateReportMixin(models.AbstractModel):
    """Report views whose percentages are ratios of two counted columns.

    ``_coop_rates`` maps a percentage field to its (numerator, denominator) count fields.
    Grouped in a pivot or graph, a percentage is the share of the summed counts, never a
    mean (or a sum) of the rows' percentages.
    """

    _name = "coop.rate.report.mixin"
    _description = "Report with Percentages of Counts"
    _coop_rates = {}

    def _read_group_select(self, aggregate_spec, query):
        fname, _sep, func = aggregate_spec.partition(":")
        if fname in self._coop_rates and func in ("avg", "sum"):
            numerator, denominator = self._coop_rates[fname]
            return SQL(
                # numeric: PostgreSQL rounds no double to 2 places (amounts are floats).
                "ROUND((100.0 * SUM(%s) / NULLIF(SUM(%s), 0))::numeric, 2)::float",
                self._field_to_sql(self._table, numerator, query),
                self._field_to_sql(self._table, denominator, query),
            )
        return super()._read_group_select(aggregate_spec, query)
