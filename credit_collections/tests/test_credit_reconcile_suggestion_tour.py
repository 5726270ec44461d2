from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditReconcileSuggestionTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a collector applies a credit note to its invoice; a salesperson has
    no such screen."""

    def test_collector_applies_a_credit_note(self):
        customer = self.env["res.partner"].create({"name": "Double Paid", "is_company": True})
        invoice = self._invoice(customer, 640.0, days_ago=20)
        self._invoice(customer, 640.0, move_type="out_refund")
        self.start_tour(
            "/odoo/action-credit_collections.credit_reconcile_suggestion_action",
            "credit_reconcile_suggestion_collector",
            login=self.collections_user.login,
        )
        self.assertEqual(invoice.payment_state, "reversed")

    def test_salesperson_has_no_reconcile_menu(self):
        menu = self.env.ref("credit_collections.menu_credit_reconcile_suggestion")
        menus = self.env["ir.ui.menu"]
        self.assertIn(menu.id, menus.with_user(self.collections_user)._visible_menu_ids())
        self.assertNotIn(menu.id, menus.with_user(self.salesperson)._visible_menu_ids())
