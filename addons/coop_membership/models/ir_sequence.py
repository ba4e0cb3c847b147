from odoo import models


class IrSequence(models.Model):
    _inherit = "ir.sequence"

    def _coop_next_numbers(self, count):
        """Return ``count`` numbers at once (one query for a batch of admissions)."""
        self.ensure_one()
        if count <= 0:
            return []
        if self.implementation != "standard" or self.use_date_range:
            return [self.next_by_id() for _i in range(count)]
        self.check_access("read")
        self.env.cr.execute(
            "SELECT nextval(%s) FROM generate_series(1, %s)",
            [f"ir_sequence_{self.id:03d}", count],
        )
        return [self.get_next_char(row[0]) for row in self.env.cr.fetchall()]
