import json
from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, JsonRpcException, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditControlsOverRpc(CreditCollectionsCommon, HttpCase):
    """The guards hold for a salesperson calling the ORM over JSON-RPC (``call_kw``), as a
    script would, not only behind the buttons."""

    def setUp(self):
        super().setUp()
        self.company.account_use_credit_limit = True
        self.customer.credit_limit = 1000.0
        self.order = self._sale_order(
            self.customer, quantity=1, price=2500.0, confirm=False, user_id=self.salesperson.id
        )
        self.authenticate(self.salesperson.login, self.salesperson.login)

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_state_write_and_forged_release_are_refused(self):
        with self.assertRaises(JsonRpcException) as caught:
            self._call("sale.order", "write", [self.order.id], {"state": "sale"})
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.UserError")
        forged = {"credit_released_by_id": self.credit_manager.id, "credit_released_amount": 1e9}
        with self.assertRaises(JsonRpcException) as caught:
            self._call("sale.order", "copy", [self.order.id], default=forged)
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self.order.invalidate_recordset()
        self.assertEqual(self.order.state, "draft")

    def test_limit_request_cannot_be_created_approved(self):
        with self.assertRaises(JsonRpcException) as caught:
            self._call(
                "credit.limit.request",
                "create",
                {
                    "partner_id": self.customer.id,
                    "requested_limit": 1e6,
                    "reason": "Forged",
                    "state": "approved",
                    "decided_by_id": self.credit_manager.id,
                },
            )
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    def test_json2_state_write_is_refused_and_confirmation_held(self):
        """The same guards over ``/json/2`` with the salesperson's API key."""
        key = (
            self.env["res.users.apikeys"]
            .with_user(self.salesperson)
            ._generate(None, "credit test", fields.Datetime.now() + timedelta(days=1))
        )
        headers = {"Authorization": f"bearer {key}", "Content-Type": "application/json"}
        response = self.url_open(
            "/json/2/sale.order/write",
            data=json.dumps({"ids": [self.order.id], "vals": {"state": "sale"}}),
            headers=headers,
        )
        self.assertEqual(response.json()["name"], "odoo.exceptions.UserError")
        self.url_open(
            "/json/2/sale.order/action_confirm",
            data=json.dumps({"ids": [self.order.id]}),
            headers=headers,
        )
        self.order.invalidate_recordset()
        self.assertTrue(self.order.credit_hold, "held, not confirmed")
        self.assertEqual(self.order.state, "draft")

    def test_release_wizard_refused_on_an_order_the_user_may_not_release(self):
        """The wizard opened over RPC on another salesperson's order shows nothing of it."""
        other = self._sale_order(self.customer, quantity=1, price=10.0, confirm=False)
        other.sudo().write({"credit_hold": True, "credit_hold_reasons": "Secret figures"})
        with self.assertRaises(JsonRpcException) as caught:
            self._call(
                "credit.hold.release.wizard",
                "create",
                {"res_model": "sale.order", "res_id": other.id, "reason": "Peek"},
            )
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")

    def test_warnings_and_reconciliation_refused_over_rpc(self):
        """Nobody writes an early warning (clearing it by ``active`` would empty the
        watchlist); a salesperson cannot apply a credit to an invoice."""
        invoice = self._invoice(self.customer, 500.0, days_ago=40)
        self._invoice(self.customer, 500.0, move_type="out_refund")
        self._refreshed_risk(self.customer)
        warning = self.env["credit.risk.warning"].search([("partner_id", "=", self.customer.id)])
        suggestion = self.env["credit.reconcile.suggestion"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertTrue(warning and suggestion)
        values = {"partner_id": self.customer.id, "company_id": self.company.id, "kind": "late"}
        for method, args in [
            ("write", ([warning.id], {"active": False})),
            ("copy", ([warning.id],)),
            ("create", ({**values, "raised_on": str(fields.Date.today())},)),
            ("unlink", ([warning.id],)),
        ]:
            with self.subTest(method=method), self.assertRaises(JsonRpcException) as caught:
                self._call("credit.risk.warning", method, *args)
            self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        with self.assertRaises(JsonRpcException) as caught:
            self._call("credit.reconcile.suggestion", "action_apply", [suggestion.id])
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        warning.invalidate_recordset()
        self.assertTrue(warning.active)
        self.assertEqual(invoice.payment_state, "not_paid")

    def test_credit_groups_are_set_by_credit_managers_only_over_rpc(self):
        """A salesperson cannot take a customer out of its group (which would lift the group's
        holds), nor raise a group's limit."""
        group = self.env["credit.group"].create({"name": "Holding", "credit_limit": 1000.0})
        self.customer.credit_group_id = group
        for model, method, args in [
            ("res.partner", "write", ([self.customer.id], {"credit_group_id": False})),
            ("res.partner", "create", ({"name": "New", "credit_group_id": group.id},)),
            ("credit.group", "write", ([group.id], {"credit_limit": 1e9})),
            ("credit.group", "create", ({"name": "Mine", "credit_limit": 1e9},)),
        ]:
            with (
                self.subTest(model=model, method=method),
                self.assertRaises(JsonRpcException) as caught,
            ):
                self._call(model, method, *args)
            self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_group_id, group)
        self.assertEqual(group.credit_limit, 1000.0)
