from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestSaleCreditHold(CreditCollectionsCommon):
    """Customer with a 5,000 limit and 3,000 open, not yet overdue (company currency USD)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.policy = cls.env["credit.risk.policy"]._for_company(cls.company)
        cls.policy.hold_grade = False  # each rule is switched on in its own test
        cls.customer.credit_limit = 5000.0
        cls.open_invoice = cls._invoice(cls.customer, 3000.0, days_ago=0)

    def _quotation(self, price, **values):
        return self._sale_order(
            self.customer,
            quantity=1,
            price=price,
            confirm=False,
            user_id=self.salesperson.id,
            **values,
        ).with_user(self.salesperson)

    def test_order_over_limit_is_held_with_figures(self):
        order = self._quotation(2500.0)
        result = order.action_confirm()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.credit_hold)
        self.assertIn(
            "exceed the credit limit of $\xa05,000.00 by $\xa0500.00", order.credit_hold_reasons
        )
        self.assertIn("Credit hold", order.message_ids[0].body)

    def test_a_module_adds_its_own_hold_rule(self):
        """``_credit_rules`` is the extension point: a rule added there holds like the others,
        given the same figures."""
        SaleOrder = type(self.env["sale.order"])
        rules = SaleOrder._credit_rules
        seen = []

        def house_rule(check):
            seen.append((check.partner, check.exposure, check.amount))
            return ["Orders above 1,000 need the director's nod."] if check.amount > 1000 else []

        with patch.object(SaleOrder, "_credit_rules", lambda order: [*rules(order), house_rule]):
            small, large = self._quotation(500.0), self._quotation(1500.0)
            self.assertIs(small.action_confirm(), True)
            large.action_confirm()
        self.assertEqual(large.state, "draft")
        self.assertIn("director's nod", large.credit_hold_reasons)
        self.assertEqual(seen[-1], (self.customer, 3500.0, 1500.0), "the small order counts")

    def test_order_within_limit_is_confirmed(self):
        order = self._quotation(2000.0)
        self.assertIs(order.action_confirm(), True)
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.credit_hold)

    def test_quotation_warns_before_confirmation_in_odoos_banner(self):
        self.env["credit.partner.risk"]._refresh(self.company, self.customer.ids)
        self.assertFalse(self._quotation(500.0).partner_credit_warning)
        over = self._quotation(2500.0)
        self.assertIn(
            "Confirming will put this quotation on credit hold", over.partner_credit_warning
        )
        self.assertIn("exceed the credit limit of $\xa05,000.00", over.partner_credit_warning)
        over.action_confirm()
        self.assertFalse(over.partner_credit_warning, "held: the hold banner speaks")
        over.with_user(self.credit_manager)._credit_release("Pays on delivery")
        self.assertFalse(over.partner_credit_warning, "released for this amount: no warning")

    def test_quotation_that_kyc_would_hold_says_so(self):
        self.policy.write({"hold_kyc": True, "kyc_free_exposure": 1000.0})
        self.env["credit.partner.risk"]._refresh(self.company, self.customer.ids)
        self.assertIn("KYC is", self._quotation(500.0).partner_credit_warning)

    def test_delinquent_customer_is_held(self):
        self.policy.hold_over_limit = False
        self._invoice(self.customer, 100.0, days_ago=45)
        order = self._quotation(10.0)
        order.action_confirm()
        self.assertTrue(order.credit_hold)
        self.assertIn("overdue by 45 days (more than 30)", order.credit_hold_reasons)
        self.policy.hold_overdue_days = 60
        order.action_confirm()
        self.assertEqual(order.state, "sale", "the hold is lifted once no rule blocks")

    def test_poor_grade_is_held(self):
        self.policy.write(
            {
                "hold_over_limit": False,
                "hold_grade": True,
                "hold_worst_grade": "A",
                "weight_delay": 0,
                "weight_newness": 30,  # a brand-new account scores 70: grade B
            }
        )
        order = self._quotation(10.0)
        order.action_confirm()
        self.assertTrue(order.credit_hold)
        self.assertIn("worse than A", order.credit_hold_reasons)
        self.assertIn("Young account", order.credit_hold_reasons)

    def test_manual_customer_hold(self):
        with self.assertRaises(AccessError):
            self.customer.with_user(self.collections_user).credit_hold = True
        self.customer.with_user(self.credit_manager).write(
            {"credit_hold": True, "credit_hold_note": "Bankruptcy rumours"}
        )
        order = self._quotation(10.0)
        order.action_confirm()
        self.assertIn("Bankruptcy rumours", order.credit_hold_reasons)

    def test_foreign_currency_order_is_converted(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        small = self._quotation(3000.0, pricelist_id=pricelist.id)  # 1,500 USD
        small.action_confirm()
        self.assertEqual(small.state, "sale")
        large = self._quotation(1200.0, pricelist_id=pricelist.id)  # 600 USD, 1,500 now ordered
        large.action_confirm()
        self.assertIn("This order ($\xa0600.00)", large.credit_hold_reasons)

    def test_other_company_hold_does_not_apply(self):
        self.customer.with_company(self.other_company).write({"credit_hold": True})
        order = self._quotation(10.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_salesperson_asks_for_release_and_cannot_release(self):
        order = self._quotation(2500.0)
        order.action_confirm()
        order.action_credit_request_release()
        activity = order.activity_ids.filtered(lambda act: act.user_id == self.credit_manager)
        self.assertEqual(activity.summary, "Credit release requested")
        with self.assertRaises(AccessError):
            order._credit_release("I promise")
        with self.assertRaises(AccessError):
            order.write({"credit_hold": False})
        with self.assertRaises(AccessError):
            self.env["credit.hold.release.wizard"].with_user(self.salesperson).create(
                {"res_model": "sale.order", "res_id": order.id, "reason": "I promise"}
            )

    def test_manager_with_own_documents_releases_another_salespersons_order(self):
        manager = self._new_user(
            "cc_manager_own_docs",
            "sales_team.group_sale_salesman,credit_collections.group_credit_manager",
        )
        order = self._quotation(2500.0)
        order.action_confirm()
        order.action_credit_request_release()
        self.assertIn(manager, order.activity_ids.user_id)
        as_manager = order.with_user(manager)
        self.assertEqual(as_manager.read(["name"])[0]["name"], order.name)
        self.assertTrue(as_manager.order_line.read(["price_unit"]))
        as_manager._credit_release("Strategic customer")
        self.assertFalse(order.credit_hold)
        told = order.message_ids.filtered(
            lambda message: self.salesperson.partner_id in message.partner_ids
        )
        self.assertIn("released", told.body, "the salesperson is notified")
        mine = self._sale_order(
            self.customer, 1, 10.0, confirm=False, user_id=self.credit_manager.id
        )
        with self.assertRaises(AccessError):
            mine.with_user(manager).read(["name"])

    def test_order_of_a_clean_customer_invoiced_to_an_over_limit_one_is_held(self):
        clean = self.env["res.partner"].create({"name": "Clean Buyer", "is_company": True})
        order = self._sale_order(
            clean, quantity=1, price=2500.0, confirm=False, partner_invoice_id=self.customer.id
        )
        order.action_confirm()
        self.assertTrue(order.credit_hold, "the payer's credit is what the order uses")
        self.assertIn("exceed the credit limit", order.credit_hold_reasons)
        self.assertIn("Confirming will put", self._quotation(2500.0).partner_credit_warning)

    def test_confirmed_order_grown_over_the_limit_is_refused(self):
        order = self._quotation(1000.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        new_line = {"product_id": self.product_a.id, "price_unit": 50000.0, "tax_ids": []}
        with self.assertRaises(UserError) as caught:
            order.write({"order_line": [Command.create(new_line)]})
        self.assertIn("needs a Credit Manager", str(caught.exception))
        self.assertIn("exceed the credit limit", str(caught.exception))
        with self.assertRaises(UserError):
            order.order_line.write({"product_uom_qty": 10})
        with self.assertRaises(UserError):
            self.env["sale.order.line"].with_user(self.salesperson).create(
                dict(new_line, order_id=order.id)
            )
        order.write({"order_line": [Command.create(dict(new_line, price_unit=500.0))]})
        self.assertEqual(order.amount_total, 1500.0, "growth within the limit goes through")
        manager = self.env.user  # a Credit Manager with sales rights
        order.with_user(manager).write({"order_line": [Command.create(new_line)]})
        self.assertEqual(order.amount_total, 51500.0, "a Credit Manager's change, logged")
        self.assertIn("by a Credit Manager", order.message_ids[:1].body)

    def test_state_write_create_and_copy_cannot_bypass_the_check(self):
        order = self._quotation(2500.0)
        with self.assertRaises(UserError) as caught:
            order.write({"state": "sale"})
        self.assertIn("exceed the credit limit", str(caught.exception))
        self.assertEqual(order.state, "draft")
        order.action_confirm()
        self.assertTrue(order.credit_hold)
        with self.assertRaises(UserError):
            order.write({"state": "sale"})  # held: still refused
        forged = {"credit_released_by_id": self.credit_manager.id, "credit_released_amount": 1e9}
        with self.assertRaises(AccessError):
            self.env["sale.order"].with_user(self.salesperson).create(
                {"partner_id": self.customer.id, **forged}
            )
        with self.assertRaises(AccessError):
            order.copy(default=forged)
        within = self._quotation(100.0)
        within.write({"state": "sale"})
        self.assertEqual(within.state, "sale", "a write within the rules confirms")

    def test_release_covers_its_customer_and_currency_only(self):
        order = self._quotation(2500.0)
        order.action_confirm()
        order.with_user(self.credit_manager)._credit_release("Known customer")
        other = self.env["res.partner"].create(
            {"name": "Other Over Limit", "is_company": True, "credit_limit": 100.0}
        )
        order.write({"partner_id": other.id, "partner_invoice_id": other.id})
        order.action_confirm()
        self.assertTrue(order.credit_hold, "released for another customer")
        self.assertEqual(order.state, "draft")

        order = self._quotation(2500.0)
        order.action_confirm()
        order.with_user(self.credit_manager)._credit_release("Known customer")
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 0.5)])
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        order.write({"pricelist_id": pricelist.id})
        order.order_line.write({"price_unit": 2500.0})
        self.assertEqual(order.currency_id, eur)
        order.action_confirm()
        self.assertTrue(order.credit_hold, "released in USD, not in EUR")

    def test_release_is_one_shot_and_does_not_loosen_limit(self):
        order = self._quotation(2500.0)
        order.action_confirm()
        order.action_credit_request_release()
        wizard = Form(
            self.env["credit.hold.release.wizard"]
            .with_user(self.credit_manager)
            .with_context(default_res_model="sale.order", default_res_id=order.id)
        )
        wizard.reason = "Strategic account, paid upfront last year"
        wizard.save().action_release()
        self.assertFalse(order.credit_hold)
        self.assertFalse(order.activity_ids)
        self.assertEqual(self.customer.credit_limit, 5000.0)

        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertTrue(order.credit_release_consumed)
        again = self._quotation(2500.0)
        again.action_confirm()
        self.assertTrue(again.credit_hold, "the release covered one order only")

    def test_released_order_raised_in_amount_is_checked_again(self):
        order = self._quotation(2500.0)
        order.action_confirm()
        order.with_user(self.credit_manager)._credit_release("Known customer")
        order.order_line.with_user(self.salesperson).price_unit = 2600.0
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.credit_hold)

    def test_orders_confirmed_together_count_one_after_the_other(self):
        first, second = self._quotation(1500.0), self._quotation(1500.0)
        (first + second).action_confirm()  # 3,000 open + 1,500 fits; + 1,500 more does not
        self.assertEqual(first.state, "sale")
        self.assertTrue(second.credit_hold)
        self.assertIn("the exposure ($\xa04,500.00)", second.credit_hold_reasons)

    def test_held_order_refused_on_every_confirmation_path(self):
        order = self._quotation(2500.0)
        order.action_confirm()
        self.assertIn("on credit hold", order._confirmation_error_message())

    def test_portal_and_code_paths_are_checked(self):
        order = self._quotation(2500.0)
        order.sudo().with_context(send_email=True).action_confirm()  # as the portal does
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.credit_hold)

    def test_manager_opens_a_limit_request_from_the_order(self):
        order = self._quotation(2500.0)
        order.action_confirm()
        action = order.with_user(self.credit_manager).action_credit_limit_request()
        request = (
            self.env["credit.limit.request"]
            .with_user(self.credit_manager)
            .with_context(**action["context"])
            .create({})
        )
        self.assertRecordValues(
            request, [{"partner_id": self.customer.id, "requested_limit": 5500.0}]
        )

    def test_check_queries_do_not_grow_with_history(self):
        order = self._quotation(10.0)

        def queries():
            order.invalidate_recordset()
            before = self.env.cr.sql_log_count
            order._credit_check()
            return self.env.cr.sql_log_count - before

        queries()  # warm the caches of policy and partner
        small_history = queries()
        for _n in range(30):
            self._invoice(self.customer, 10.0, days_ago=3)
        queries()
        self.assertLessEqual(queries(), small_history)
