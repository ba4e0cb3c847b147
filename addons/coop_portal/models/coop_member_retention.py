from dateutil.relativedelta import relativedelta

from odoo import fields, models

from odoo.addons.coop_membership.models.coop_member import ACTIVE_STATES


class CoopMember(models.Model):
    _inherit = "coop.member"  # pylint: disable=consider-merging-classes-inherited

    def _coop_ever_admitted(self):
        """The memberships that were ever admitted: they belong to the legal register."""
        return self.filtered(lambda m: m.member_number or m.state != "candidate")

    def _coop_retention_end(self):
        """Day from which the register may forget the person of this membership.

        None while the membership is active (the data are kept as long as the person is
        a member); the exit date plus the cooperative's retention period after that.
        """
        self.ensure_one()
        if self.state in ACTIVE_STATES:
            return None
        # An exit recorded without a date (an old import): the admission stands for it.
        exit_date = (
            self.exit_date
            or self.admission_date
            or self.application_date
            or fields.Date.context_today(self)
        )
        return exit_date + relativedelta(years=self.company_id.coop_retention_years)
