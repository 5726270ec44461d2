from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from odoo.addons.credit_collections.tests.common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestDeliveryCreditHold(CreditCollectionsCommon):
    """An order of 1,000 confirmed while the customer was clean (5,000 limit); since then an
    invoice went 60 days overdue (beyond the 30 allowed): its delivery is held."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.policy = cls.env["credit.risk.policy"]._for_company(cls.company)
        cls.policy.hold_grade = False
        cls.customer.credit_limit = 5000.0
        cls.warehouse_user = cls._new_user("cc_warehouse", "stock.group_stock_user")
        cls.order = cls._sale_order(cls.customer, quantity=2, price=500.0)
        cls.delivery = cls.order.picking_ids
        cls._invoice(cls.customer, 300.0, days_ago=60)

    def _validate(self, picking, user=None):
        picking = picking.with_user(user or self.warehouse_user)
        for move in picking.move_ids:
            move.quantity = move.product_uom_qty
        picking.move_ids.picked = True
        return picking.button_validate()

    def test_delivery_of_a_delinquent_customer_is_held_with_reasons(self):
        self.assertEqual(self.delivery.picking_type_code, "outgoing")
        result = self._validate(self.delivery)
        self.assertEqual(result["tag"], "display_notification")
        self.assertNotEqual(self.delivery.state, "done")
        self.assertTrue(self.delivery.credit_hold)
        self.assertIn("overdue by 60 days", self.delivery.credit_hold_reasons)
        self.assertIn("Credit hold", self.delivery.message_ids[0].body)

    def test_warehouse_user_neither_validates_nor_releases_a_held_delivery(self):
        self._validate(self.delivery)
        delivery = self.delivery.with_user(self.warehouse_user)
        delivery.action_credit_request_release()
        self.assertIn(self.credit_manager, delivery.activity_ids.user_id)
        with self.assertRaises(AccessError):
            delivery._credit_release("Urgent")
        with self.assertRaises(AccessError):
            delivery.write({"credit_hold": False})
        with self.assertRaises(AccessError):
            self.env["credit.hold.release.wizard"].with_user(self.warehouse_user).create(
                {"res_model": "stock.picking", "res_id": delivery.id, "reason": "Urgent"}
            )
        self._validate(self.delivery)
        self.assertTrue(self.delivery.credit_hold, "still held")
        self.assertNotEqual(self.delivery.state, "done")

    def test_every_validation_path_is_refused(self):
        for move in self.delivery.move_ids:
            move.quantity = move.product_uom_qty
        with self.assertRaisesRegex(UserError, "overdue by 60 days"):
            self.delivery.with_user(self.warehouse_user)._action_done()

    def test_credit_manager_releases_one_validation(self):
        self._validate(self.delivery)
        self.delivery.with_user(self.credit_manager)._credit_release("Cash on delivery")
        self.assertFalse(self.delivery.credit_hold)
        self.assertEqual(self.delivery.credit_released_amount, 1000.0)
        self.assertIn(self.order.user_id.partner_id, self.delivery.message_ids[0].partner_ids)
        self.assertIs(self._validate(self.delivery), True)
        self.assertEqual(self.delivery.state, "done")
        self.assertTrue(self.delivery.credit_release_consumed)

    def test_release_covers_the_delivery_it_was_given_for_only(self):
        """A backorder is a new delivery: the release of the first does not cover it."""
        self._validate(self.delivery)
        self.delivery.with_user(self.credit_manager)._credit_release("Half now")
        move = self.delivery.move_ids
        move.quantity = 1
        move.picked = True
        self.delivery.with_context(cancel_backorder=False)._action_done()
        backorder = self.order.picking_ids - self.delivery
        self.assertEqual(self.delivery.state, "done")
        self.assertFalse(backorder.credit_released_by_id)
        self._validate(backorder)
        self.assertTrue(backorder.credit_hold)

    def test_prepaid_order_ships(self):
        self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": 1000.0,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        ).action_post()
        self.assertIs(self._validate(self.delivery), True)
        self.assertEqual(self.delivery.state, "done")
        self.assertIn("paid in advance", self.delivery.message_ids[0].body)

    def test_clean_customer_ships(self):
        clean = self.env["res.partner"].create({"name": "Clean", "is_company": True})
        order = self._sale_order(clean, quantity=1, price=100.0)
        self.assertIs(self._validate(order.picking_ids), True)
        self.assertEqual(order.picking_ids.state, "done")

    def test_policy_without_delivery_holds_ships(self):
        self.policy.hold_deliveries = False
        self._validate(self.delivery)
        self.assertEqual(self.delivery.state, "done")

    def test_other_companys_hold_does_not_stop_this_delivery(self):
        self.env["account.move"].search([("partner_id", "=", self.customer.id)]).filtered(
            lambda move: move.invoice_date_due < self.today
        ).button_draft()
        self.customer.with_company(self.other_company).credit_hold = True
        self._validate(self.delivery)
        self.assertEqual(self.delivery.state, "done")
        order = self._sale_order(self.customer, quantity=1, price=10.0)
        self.customer.with_company(self.company).credit_hold = True
        self._validate(order.picking_ids)
        self.assertIn("is on credit hold", order.picking_ids.credit_hold_reasons)

    def _released_order(self):
        """A quotation held at confirmation (the overdue invoice), released by a Credit
        Manager, then confirmed: its delivery waits."""
        order = self._sale_order(self.customer, quantity=1, price=200.0, confirm=False)
        order.action_confirm()
        self.assertTrue(order.credit_hold)
        order.with_user(self.credit_manager)._credit_release("Strategic customer")
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        return order

    def test_order_release_lets_its_deliveries_go(self):
        order = self._released_order()
        self.assertIs(self._validate(order.picking_ids), True)
        self.assertEqual(order.picking_ids.state, "done")
        self._validate(self.delivery)
        self.assertTrue(self.delivery.credit_hold, "another order's delivery is still held")

    def test_order_release_covers_deliveries_for_the_policy_days_only(self):
        order = self._released_order()
        self.policy.delivery_release_days = 0
        self._validate(order.picking_ids)
        self.assertTrue(order.picking_ids.credit_hold, "each delivery released on its own")
        self.policy.delivery_release_days = 7
        order.sudo().credit_released_on = order.credit_released_on - timedelta(days=8)
        self._validate(order.picking_ids)
        self.assertTrue(order.picking_ids.credit_hold, "a release of eight days ago")
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            self.policy.delivery_release_days = -1

    def test_only_a_credit_manager_sets_how_long_an_order_release_covers(self):
        for user in (self.warehouse_user, self.salesperson, self.collections_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.policy.with_user(user).write({"delivery_release_days": 365})
        self.policy.with_user(self.credit_manager).delivery_release_days = 3
        self.assertEqual(self.policy.delivery_release_days, 3)

    def test_order_grown_after_its_release_needs_a_new_one(self):
        order = self._released_order()
        order.sudo().order_line.price_unit = 300.0
        self._validate(order.picking_ids)
        self.assertTrue(order.picking_ids.credit_hold)
