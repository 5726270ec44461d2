from odoo.tests import HttpCase, JsonRpcException, tagged

from odoo.addons.credit_collections.tests.common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestDeliveryCreditHoldOverRpc(CreditCollectionsCommon, HttpCase):
    """A warehouse user calling the ORM over JSON-RPC cannot validate a held delivery, nor
    forge its release."""

    def setUp(self):
        super().setUp()
        self.env["credit.risk.policy"]._for_company(self.company).hold_grade = False
        self.delivery = self._sale_order(self.customer, quantity=1, price=500.0).picking_ids
        self.delivery.move_ids.quantity = 1
        self.delivery.move_ids.picked = True
        self._invoice(self.customer, 300.0, days_ago=60)
        user = self._new_user("cc_rpc_warehouse", "stock.group_stock_user")
        self.authenticate(user.login, user.login)

    def _call(self, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/stock.picking/{method}",
            {"model": "stock.picking", "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_validate_holds_and_forged_release_and_copy_are_refused(self):
        self._call("button_validate", [self.delivery.id])
        self.delivery.invalidate_recordset()
        self.assertTrue(self.delivery.credit_hold)
        self.assertNotEqual(self.delivery.state, "done")
        forged = {"credit_released_by_id": self.credit_manager.id, "credit_hold": False}
        for method, args, kwargs in (
            ("write", [[self.delivery.id], forged], {}),
            ("copy", [[self.delivery.id]], {"default": forged}),
        ):
            with self.subTest(method=method), self.assertRaises(JsonRpcException) as caught:
                self._call(method, *args, **kwargs)
            self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self._call("button_validate", [self.delivery.id])
        self.delivery.invalidate_recordset()
        self.assertTrue(self.delivery.credit_hold, "still held")
        self.assertNotEqual(self.delivery.state, "done")
