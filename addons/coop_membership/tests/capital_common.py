from odoo.addons.coop_membership.tests.common import CoopTestCommon
from odoo.addons.coop_membership.tests.role_guard import superuser_setup


class CoopCapitalTestCommon(CoopTestCommon):
    """CoopTestCommon with the French chart of accounts and one share class per coop."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["account.chart.template"].try_loading("fr", cls.federation, install_demo=False)
        cls.accountant_a = cls._create_user(
            "accountant_a", "coop_membership.group_coop_accountant", cls.company_a
        )
        cls.accountant_b = cls._create_user(
            "accountant_b", "coop_membership.group_coop_accountant", cls.company_b
        )
        cls.class_a = cls.env["coop.share.class"].create(
            {
                "name": "Ordinary share",
                "code": "A",
                "company_id": cls.company_a.id,
                "nominal_value": 50.0,
                "min_shares": 1,
                "max_shares": 100,
            }
        )
        cls.class_b = cls.env["coop.share.class"].create(
            {
                "name": "Ordinary share",
                "code": "A",
                "company_id": cls.company_b.id,
                "nominal_value": 100.0,
                "min_shares": 1,
                "max_shares": 0,
            }
        )

    @classmethod
    def _subscribe(cls, member, quantity, share_class=None, date=None, confirm=True):
        share_class = share_class or (
            cls.class_a if member.company_id == cls.company_a else cls.class_b
        )
        vals = {
            "member_id": member.id,
            "company_id": member.company_id.id,
            "share_class_id": share_class.id,
            "operation_type": "subscription",
            "quantity": quantity,
        }
        if date:
            vals["date"] = date
        operation = cls.env["coop.share.operation"].create(vals)
        if confirm:
            with superuser_setup("arrange: shares held before the flow under test"):
                operation.action_confirm()
        return operation
