from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditHoldTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a salesperson hits the hold, a Credit Manager releases it, the
    salesperson confirms."""

    def test_salesperson_held_manager_releases(self):
        self.company.account_use_credit_limit = True
        self.customer.credit_limit = 1000.0
        order = self._sale_order(
            self.customer, quantity=1, price=2500.0, confirm=False, user_id=self.salesperson.id
        )
        url = f"/odoo/action-sale.action_quotations_with_onboarding/{order.id}"

        self.start_tour(url, "credit_hold_salesperson", login=self.salesperson.login)
        self.assertTrue(order.credit_hold)
        self.assertIn(self.credit_manager, order.activity_ids.user_id)

        self.start_tour(url, "credit_hold_manager", login=self.credit_manager.login)
        self.assertEqual(order.credit_released_by_id, self.credit_manager)

        # The salesperson, told of the release, confirms (a Credit Manager without Sales rights
        # cannot start the deliveries of a confirmation when Inventory is installed).
        self.start_tour(url, "credit_hold_salesperson_confirms", login=self.salesperson.login)
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_release_consumed)
