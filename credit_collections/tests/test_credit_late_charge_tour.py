from datetime import date

from odoo import Command
from odoo.tests import HttpCase, JsonRpcException, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditLateChargeTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a Credit Manager waives a charge; a collector reads it, no waiver;
    a salesperson has no menu."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["credit.risk.policy"]._for_company(cls.company).write(
            {
                "interest_b2b": True,
                "late_charge_start_date": date(2026, 1, 1),
                "interest_rate_ids": [Command.create({"date_from": date(2026, 1, 1), "rate": 2.0})],
            }
        )
        customer = cls.env["res.partner"].create({"name": "Charged Business", "is_company": True})
        cls._invoice(customer, 1000.0, invoice_date=date(2026, 3, 1))
        cls.env["credit.late.charge"]._charge_due(lambda *a, **k: True, date(2026, 6, 10))

    def test_credit_manager_waives_a_charge(self):
        self.start_tour(
            "/odoo/action-credit_collections.credit_late_charge_action",
            "credit_late_charge_waive",
            login=self.credit_manager.login,
        )
        waived = self.env["credit.late.charge"].search([("state", "=", "waived")])
        self.assertEqual(len(waived), 1)
        self.assertEqual(waived.waive_move_id.state, "posted")

    def test_collector_reads_a_charge_without_waiving_it(self):
        self.start_tour(
            "/odoo/action-credit_collections.credit_late_charge_action",
            "credit_late_charge_read_only",
            login=self.collections_user.login,
        )

    def test_salesperson_has_no_charges_menu(self):
        menu = self.env.ref("credit_collections.menu_credit_late_charge")
        menus = self.env["ir.ui.menu"]
        self.assertIn(menu.id, menus.with_user(self.collections_user)._visible_menu_ids())
        self.assertNotIn(menu.id, menus.with_user(self.salesperson)._visible_menu_ids())

    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def test_a_charge_is_waived_only_through_the_waiver_over_json_rpc(self):
        """A write of the state, a create, a copy or an unlink over JSON-RPC are refused, to the
        Credit Manager too: a charge is waived with its credit note, or not at all."""
        charge = self.env["credit.late.charge"].search([], limit=1)
        for user in (self.credit_manager, self.collections_user):
            self.authenticate(user.login, user.login)
            for method, args, kwargs in (
                ("write", [charge.ids, {"state": "waived"}], {}),
                ("write", [charge.ids, {"amount": 0.0}], {}),
                ("create", [{"kind": "fee", "partner_id": charge.partner_id.id}], {}),
                ("copy", [charge.ids], {}),
                ("unlink", [charge.ids], {}),
            ):
                with (
                    self.subTest(user=user.login, method=method),
                    self.assertRaises(JsonRpcException) as caught,
                ):
                    self._call("credit.late.charge", method, *args, **kwargs)
                self.assertEqual(caught.exception.args[0], "odoo.exceptions.AccessError")
        charge.invalidate_recordset()
        self.assertEqual(
            (charge.state, charge.waive_move_id), ("charged", charge.waive_move_id.browse())
        )

    def test_credit_manager_turns_charges_on_in_the_policy(self):
        policy = self.env["credit.risk.policy"]._for_company(self.company)
        policy.write({"interest_b2b": False, "compensation_b2b": False})
        self.start_tour(
            f"/odoo/action-credit_collections.credit_risk_policy_action/{policy.id}",
            "credit_late_charge_policy",
            login=self.credit_manager.login,
        )
        self.assertTrue(policy.interest_b2b)
        self.assertEqual(policy.interest_rate_ids.sorted("date_from")[-1].rate, 3.5)
        self.assertEqual(policy.portal_link_days, 14)
