from odoo.tests import HttpCase, JsonRpcException, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestInvoiceCreditHoldOverRpc(CreditCollectionsCommon, HttpCase):
    """An accountant calling the ORM over JSON-RPC cannot post an invoice the policy holds,
    nor forge its release."""

    def setUp(self):
        super().setUp()
        self.company.account_use_credit_limit = True
        self.env["credit.risk.policy"]._for_company(self.company).invoice_hold_mode = "block"
        self.customer.credit_limit = 1000.0
        self.invoice = self._invoice(self.customer, 2500.0, post=False)
        accountant = self._new_user("cc_rpc_accountant", "account.group_account_invoice")
        self.authenticate(accountant.login, accountant.login)

    def _call(self, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/account.move/{method}",
            {"model": "account.move", "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _error(self, method, *args, **kwargs):
        with self.assertRaises(JsonRpcException) as caught:
            self._call(method, *args, **kwargs)
        return caught.exception.args[0]

    def test_post_holds_and_state_write_copy_and_forged_release_are_refused(self):
        self._call("action_post", [self.invoice.id])
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.state, "draft")
        self.assertTrue(self.invoice.credit_hold)
        self.assertEqual(
            self._error("write", [self.invoice.id], {"state": "posted"}),
            "odoo.exceptions.UserError",
        )
        forged = {"credit_released_by_id": self.credit_manager.id, "credit_released_amount": 1e9}
        self.assertEqual(
            self._error("write", [self.invoice.id], forged), "odoo.exceptions.AccessError"
        )
        self.assertEqual(
            self._error("copy", [self.invoice.id], default=forged), "odoo.exceptions.AccessError"
        )
        self.invoice.invalidate_recordset()
        self.assertEqual(self.invoice.state, "draft")
        self.assertFalse(self.invoice.credit_released_by_id)
