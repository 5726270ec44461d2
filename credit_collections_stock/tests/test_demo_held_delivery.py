from odoo.tests import tagged

from odoo.addons.credit_collections.tests.common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestDemoHeldDelivery(CreditCollectionsCommon):
    """The demo gives the Credit Manager a held delivery to release, once."""

    def test_demo_delivery_waits_on_a_credit_manager(self):
        portfolio = self.env["credit.demo.portfolio"]
        self.assertFalse(portfolio._build_held_delivery(), "nothing without the portfolio")
        portfolio._build(self.company)
        delivery = portfolio._build_held_delivery()
        self.assertEqual(len(delivery), 1)
        self.assertEqual(delivery.picking_type_code, "outgoing")
        self.assertTrue(delivery.credit_hold)
        self.assertIn("overdue", delivery.credit_hold_reasons)
        self.assertNotEqual(delivery.state, "done")
        self.assertEqual(delivery.sale_id.state, "sale")
        self.assertFalse(portfolio._build_held_delivery(), "built once")
