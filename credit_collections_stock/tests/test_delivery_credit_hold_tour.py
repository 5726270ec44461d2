from odoo.tests import HttpCase, tagged

from odoo.addons.credit_collections.tests.common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestDeliveryCreditHoldTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a warehouse user's validation is held, a Credit Manager (with
    Inventory rights, and Sales rights on their own documents only) releases it and validates."""

    def test_warehouse_user_held_manager_releases(self):
        warehouse_user = self._new_user("cc_tour_warehouse", "stock.group_stock_user")
        manager = self._new_user(
            "cc_tour_stock_manager",
            "credit_collections.group_credit_manager,stock.group_stock_user,sales_team.group_sale_salesman",
        )
        order = self._sale_order(self.customer, quantity=1, price=500.0)
        self._invoice(self.customer, 300.0, days_ago=60)
        delivery = order.picking_ids
        delivery.move_ids.quantity = 1
        url = f"/odoo/action-stock.action_picking_tree_all/{delivery.id}"

        self.start_tour(url, "credit_delivery_hold_warehouse", login=warehouse_user.login)
        self.assertTrue(delivery.credit_hold)
        self.assertNotEqual(delivery.state, "done")

        self.start_tour(url, "credit_delivery_hold_manager", login=manager.login)
        self.assertEqual(delivery.state, "done")
        self.assertEqual(delivery.credit_released_by_id, manager)

    def test_order_release_lets_the_warehouse_ship(self):
        """A warehouse user validates the delivery of an order a Credit Manager released,
        although the customer is still overdue."""
        warehouse_user = self._new_user("cc_tour_warehouse", "stock.group_stock_user")
        self._invoice(self.customer, 300.0, days_ago=60)
        order = self._sale_order(self.customer, quantity=1, price=500.0, confirm=False)
        order.action_confirm()
        order.with_user(self.credit_manager)._credit_release("Strategic customer")
        order.action_confirm()
        delivery = order.picking_ids
        delivery.move_ids.quantity = 1
        url = f"/odoo/action-stock.action_picking_tree_all/{delivery.id}"
        self.start_tour(url, "credit_delivery_released_order_warehouse", login=warehouse_user.login)
        self.assertEqual(delivery.state, "done")
        self.assertFalse(delivery.credit_hold)

    def test_credit_manager_sets_how_long_an_order_release_covers_deliveries(self):
        policy = self.env["credit.risk.policy"]._for_company(self.company)
        url = f"/odoo/action-credit_collections.credit_risk_policy_action/{policy.id}"
        self.start_tour(url, "credit_delivery_release_days_policy", login=self.credit_manager.login)
        self.assertEqual(policy.delivery_release_days, 3)
        self.assertTrue(policy.hold_deliveries)
