from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestSalePrepaid(CreditCollectionsCommon):
    """A delinquent customer (an invoice 60 days overdue, beyond the 30 allowed): its orders
    are held unless what it paid in advance covers them."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["credit.risk.policy"]._for_company(cls.company).hold_grade = False
        cls.overdue = cls._invoice(cls.customer, 800.0, days_ago=60)

    def _quotation(self, price):
        return self._sale_order(self.customer, quantity=1, price=price, confirm=False)

    def _unapplied_payment(self, amount):
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.customer.id,
                "amount": amount,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
        payment.action_post()
        return payment

    def test_delinquent_customer_is_held_without_prepayment(self):
        order = self._quotation(500.0)
        order.action_confirm()
        self.assertTrue(order.credit_hold)

    def test_unapplied_payment_covers_the_order(self):
        self._unapplied_payment(500.0)
        order = self._quotation(500.0)
        self.assertIs(order.action_confirm(), True)
        self.assertEqual(order.state, "sale")
        body = order.message_ids.filtered(lambda message: "Not held" in message.body).body
        self.assertIn("paid in advance", body)
        self.assertIn("$&nbsp;500.00 of unapplied payments", body)
        self.assertIn("The credit rules said: An invoice is overdue by 60 days", body)

    def test_unapplied_payment_is_used_once_by_orders_confirmed_together(self):
        self._unapplied_payment(700.0)
        first, second = self._quotation(500.0), self._quotation(500.0)
        (first | second).action_confirm()
        self.assertEqual(first.state, "sale")
        self.assertTrue(second.credit_hold, "200.00 left does not cover 500.00")

    def test_online_payment_done_confirms_the_quotation(self):
        """Odoo's payment flow confirms the quotation when the transaction is done, before the
        payment is booked: the transaction covers it."""
        order = self._quotation(500.0)
        self._done_transaction(order, 500.0)._check_amount_and_confirm_order()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold)

    def test_partial_online_payment_keeps_the_quotation_held(self):
        order = self._quotation(500.0)
        order.write({"require_payment": True, "prepayment_percent": 0.5})
        self._done_transaction(order, 250.0)._check_amount_and_confirm_order()
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.credit_hold)

    def test_paid_down_payment_covers_the_reconfirmed_order(self):
        order = self._quotation(1000.0)
        order.sudo()._action_confirm()  # bypassing the check, to invoice a full down payment
        self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create({"advance_payment_method": "percentage", "amount": 100}).create_invoices()
        order.invoice_ids.action_post()
        self._pay(order.invoice_ids, 1000.0)
        order._action_cancel()
        order.action_draft()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertIn(
            "$&nbsp;1,000.00 paid for",
            order.message_ids.filtered(lambda m: "Not held" in m.body).body,
        )

    def test_invoice_of_a_prepaid_order_posts_under_a_blocking_policy(self):
        self.env["credit.risk.policy"]._for_company(self.company).invoice_hold_mode = "block"
        self._unapplied_payment(500.0)
        order = self._quotation(500.0)
        order.action_confirm()
        invoice = order._create_invoices()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertIn("paid in advance", invoice.message_ids[0].body)
