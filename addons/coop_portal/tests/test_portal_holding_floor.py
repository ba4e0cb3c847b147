from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.coop_membership.tests.role_guard import superuser_setup

from .common import CoopPortalCase


@tagged("post_install", "-at_install")
class TestPortalHoldingFloor(CoopPortalCase):
    """The member space asks the register's holding rule: a member keeps at least one
    share in all, whatever the class."""

    def setUp(self):
        super().setUp()
        self.ara = self.env.ref("coop_membership.share_class_ara")
        self.bernard_user = self.env["res.users"].search([("login", "=", "bernard")])
        with superuser_setup("arrange: Bernard also holds a support share of his cooperative"):
            self.support = self.env["coop.share.class"].create(
                {
                    "name": "Part de soutien",
                    "code": "ARA-S",
                    "company_id": self.member_bernard.company_id.id,
                    "nominal_value": 50.0,
                    "min_shares": 1,
                }
            )
            self.env["coop.share.operation"].create(
                {
                    "member_id": self.member_bernard.id,
                    "company_id": self.member_bernard.company_id.id,
                    "share_class_id": self.support.id,
                    "quantity": 1,
                }
            ).action_confirm()

    def _ask(self, share_class, quantity):
        """Bernard asks, from his member space, for some shares to be redeemed."""
        return self.member_bernard.with_user(self.bernard_user)._portal_request_redemption(
            share_class.id, quantity
        )

    def test_every_share_of_one_class_while_another_remains(self):
        """Bernard asks for all his ordinary shares back while keeping his support share:
        the request goes to the board; his last share then cannot be asked for."""
        held = {
            share_class: quantity
            for share_class, quantity, _amount in self.member_bernard._portal_holdings()
        }
        request = self._ask(self.ara, held[self.ara])
        self.assertEqual((request.state, request.quantity), ("draft", held[self.ara]))
        with self.assertRaisesRegex(UserError, "no share of .* any more"):
            self._ask(self.support, 1)
