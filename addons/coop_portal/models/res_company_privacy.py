from odoo import fields, models


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    # How long a cooperative keeps personal data (GDPR art. 5(1)(e), issue #26 §2). The
    # register of members and the accounting records are kept 10 years (Code de commerce
    # art. L123-22): the person is anonymised then, the register keeps the number.
    coop_retention_years = fields.Integer(
        string="Retention After Exit (Years)",
        default=10,
        help="Years the personal data of a former member are kept after their exit (the "
        "register of members and accounting records: 10 years, Code de commerce art. "
        "L123-22). Then the person is anonymised: the register keeps their member number "
        "under a pseudonym.",
    )
    coop_application_retention_months = fields.Integer(
        string="Applications Kept (Months)",
        default=12,
        help="Months a refused or abandoned application (a candidate never admitted) is "
        "kept after its last change, before the scheduled job anonymises the person.",
    )

    _sql_constraints = [
        (
            "coop_retention_positive",
            "CHECK(coop_retention_years >= 0 AND coop_application_retention_months >= 0)",
            "Retention periods cannot be negative.",
        ),
    ]
