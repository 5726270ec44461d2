from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon

# A 1x1 PNG: the signature the portal's accept route stores.
SIGNATURE = (
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5E"
    "rkJggg=="
)


@tagged("post_install", "-at_install")
class TestSalePortalCreditHold(CreditCollectionsCommon, HttpCase):
    """A customer signs its quotation on the portal: confirmed when the credit rules let it
    through, held otherwise, and then told it is under review (not that it is confirmed), with
    nothing of its credit figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.env["credit.risk.policy"]._for_company(cls.company).hold_grade = False
        cls.customer.credit_limit = 1000.0

    def _sign(self, order):
        order.require_signature = True
        order.require_payment = False
        order.action_quotation_sent()
        result = self.make_jsonrpc_request(
            f"/my/orders/{order.id}/accept",
            {"access_token": order._portal_ensure_token(), "name": "Buyer", "signature": SIGNATURE},
        )
        return self.url_open(result["redirect_url"]).text

    def test_held_quotation_signed_on_the_portal_is_under_review(self):
        order = self._sale_order(self.customer, quantity=1, price=2500.0, confirm=False)
        page = self._sign(order)
        self.assertEqual(order.state, "sent")
        self.assertTrue(order.credit_hold)
        self.assertIn("Your order is under review", page)
        self.assertNotIn("Thank You!", page)
        self.assertNotIn("credit limit", page)
        self.assertNotIn("1,000.00", page)

    def test_quotation_within_the_limit_signed_on_the_portal_is_confirmed(self):
        order = self._sale_order(self.customer, quantity=1, price=500.0, confirm=False)
        page = self._sign(order)
        self.assertEqual(order.state, "sale")
        self.assertIn("Your order has been confirmed", page)
        self.assertNotIn("under review", page)

    def _pay_online(self, order, amount):
        """The customer pays ``amount`` online and lands on its order's page, as after the
        provider's redirection: the transaction post-processed, the page opened with the
        order's token."""
        order.write({"require_payment": True, "prepayment_percent": 0.3})
        order.action_quotation_sent()
        self._done_transaction(order, amount)._post_process()
        return self.url_open(order.get_portal_url()).text

    def test_partial_online_payment_of_a_held_quotation_is_under_review(self):
        """Odoo confirms a quotation once its prepayment share is paid; over the limit and not
        covered in full, it stays held, and the customer is told so and thanked for the
        payment."""
        order = self._sale_order(self.customer, quantity=1, price=2500.0, confirm=False)
        page = self._pay_online(order, 1000.0)
        self.assertEqual(order.state, "sent")
        self.assertTrue(order.credit_hold)
        self.assertIn("Your order is under review", page)
        self.assertNotIn("Your order has been confirmed", page)
        self.assertNotIn("credit limit", page)
        self.assertTrue(
            order.message_ids.filtered(lambda m: f"Order (Ref {order.name})" in (m.subject or "")),
            "Odoo's payment-received email goes to the customer of a held quotation",
        )

    def test_online_payment_covering_a_held_quotation_confirms_it(self):
        order = self._sale_order(self.customer, quantity=1, price=2500.0, confirm=False)
        page = self._pay_online(order, 2500.0)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold)
        self.assertNotIn("under review", page)
