from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditFiguresFreshness(CreditCollectionsCommon):
    """Every ledger or order change reaches the figures with no button: the change marks the
    customer when it commits, the frequent cron refreshes what is marked."""

    def setUp(self):
        super().setUp()
        self.invoice = self._invoice(self.customer, 1000.0, days_ago=10)
        self._refreshed_risk(self.customer)
        self._settle()  # marks of the set-up are out of the way

    def _settle(self):
        """What happens after a commit: the marks are written, then the cron refreshes them."""
        self.env.cr.flush()  # runs the pre-commit hooks, as a commit would
        return self.env["credit.partner.risk"]._refresh_marked(lambda *args, **kwargs: True)

    def _figures(self, company=None):
        return self.customer.with_company(company or self.company).credit_risk_id

    def test_payment_reaches_the_figures_without_a_refresh_call(self):
        self._pay(self.invoice, 1000.0)
        self.assertEqual(self._figures().exposure, 1000.0, "not refreshed before the commit")
        refreshed = self._settle()
        self.assertEqual(refreshed, self._figures())
        self.assertEqual(self._figures().exposure, 0.0)
        self.assertEqual(self._figures().overdue_amount, 0.0)
        self.assertFalse(self._settle(), "nothing left marked")

    def test_posting_resetting_and_cancelling_invoices(self):
        second = self._invoice(self.customer, 250.0, days_ago=5)
        self._settle()
        self.assertEqual(self._figures().open_amount, 1250.0)
        second.button_draft()
        self._settle()
        self.assertEqual(self._figures().open_amount, 1000.0)
        self.assertEqual(self._figures().draft_invoice_amount, 250.0)
        second.button_cancel()
        self._settle()
        self.assertEqual(self._figures().draft_invoice_amount, 0.0)

    def test_credit_note_and_unreconcile(self):
        refund = self._invoice(self.customer, 400.0, move_type="out_refund")
        (self.invoice | refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).reconcile()
        self._settle()
        self.assertEqual(self._figures().open_amount, 600.0)
        self.assertEqual(self._figures().overdue_amount, 600.0)
        self.invoice.line_ids.remove_move_reconcile()
        self._settle()
        self.assertEqual(self._figures().overdue_amount, 1000.0)

    def test_dispute_marked_and_resolved(self):
        self.invoice._credit_set_dispute("Wrong quantity")
        self._settle()
        self.assertEqual(self._figures().dispute_count, 1)
        self.invoice.action_credit_resolve_dispute()
        self._settle()
        self.assertEqual(self._figures().dispute_count, 0)

    def test_confirmed_order_counts_at_once_cancelled_after_the_commit(self):
        order = self._sale_order(self.customer, quantity=1, price=300.0)
        self.assertEqual(self._figures().uninvoiced_order_amount, 300.0, "right after confirming")
        order._action_cancel()
        self._settle()
        self.assertEqual(self._figures().uninvoiced_order_amount, 0.0)

    def test_one_insert_per_transaction_per_customer(self):
        for _index in range(3):
            self._invoice(self.customer, 10.0)
        self.env.cr.flush()
        marked = self.env["credit.partner.risk"]._marked_partner_ids(self.company)
        self.assertEqual(marked, self.customer.ids)
        self.env.cr.execute("SELECT COUNT(*) FROM credit_partner_risk_mark")
        self.assertEqual(self.env.cr.fetchone()[0], 1, "one mark per customer and company")

    def test_nightly_run_refreshes_rows_computed_earlier_the_same_day(self):
        self._pay(self.invoice, 1000.0)
        self.env.cr.flush()
        self.env["credit.partner.risk"]._refresh_marked(lambda *args, **kwargs: True)
        self._pay(self._invoice(self.customer, 200.0), 50.0)
        self.env.cr.flush()
        self.env["credit.partner.risk"]._refresh_nightly(lambda *args, **kwargs: True)
        self.assertEqual(self._figures().open_amount, 150.0)

    def test_each_company_has_its_figures_whatever_was_read_before(self):
        """A read of the customer's rows under another company's record rules, first in the
        transaction, does not hide this company's figures afterwards."""
        self._invoice(self.customer, 70.0, company=self.other_company)
        self._settle()
        self.customer.invalidate_recordset()
        restricted = self.customer.with_company(self.other_company).credit_risk_ids
        self.assertEqual(restricted.company_id, self.other_company)
        self.assertEqual(self._figures().open_amount, 1000.0)
        self.assertEqual(self._figures(self.other_company).open_amount, 70.0)

    def test_other_company_is_marked_apart(self):
        other = self._invoice(self.customer, 70.0, company=self.other_company)
        self._settle()
        self.assertEqual(self._figures(self.other_company).open_amount, 70.0)
        self.assertEqual(self._figures().open_amount, 1000.0)
        self._pay(other, 70.0)
        self.env.cr.flush()
        marked = self.env["credit.partner.risk"]._marked_partner_ids(self.other_company)
        self.assertEqual(marked, self.customer.ids)
        self.assertFalse(self.env["credit.partner.risk"]._marked_partner_ids(self.company))

    def test_the_ladder_recomputes_only_what_changed_since_today_s_refresh(self):
        """The escalation run on top of the nightly refresh leaves each customer computed once,
        unless its ledger changed since (a mark committed or pending)."""
        risks = self.env["credit.partner.risk"]
        ids = self.customer.ids
        self.assertFalse(risks._refresh_unless_fresh(self.company, ids, self.today), "fresh")
        self._pay(self.invoice, 400.0)  # marked, not committed yet
        self.assertEqual(
            risks._refresh_unless_fresh(self.company, ids, self.today), self._figures()
        )
        self.assertEqual(self._figures().open_amount, 600.0)
        self.env.cr.flush()  # the mark committed, not yet claimed by the cron
        self.assertTrue(risks._refresh_unless_fresh(self.company, ids, self.today))
        self._settle()
        self.assertFalse(risks._refresh_unless_fresh(self.company, ids, self.today))

    def test_order_check_reads_fresh_figures_and_recomputes_stale_ones(self):
        """Confirming an order reads the customer's stored figures when they are fresh, and
        recomputes them first when a change marked them stale (here a payment of the whole
        invoice, not committed yet)."""
        self.company.account_use_credit_limit = True
        self.customer.credit_limit = 1500.0
        order = self._sale_order(self.customer, 1, 400.0, confirm=False)
        self.assertFalse(order._credit_check(), "1,000 open + 400 is within 1,500")
        # The stored row says more than the ledger: only a check that reads it can hold.
        self._figures().sudo().write({"exposure": 1200.0})
        self.assertEqual(order._credit_check(), order, "fresh: the stored 1,200 + 400 is over")
        self._pay(self.invoice, 1000.0)  # marks the customer stale
        self.assertFalse(order._credit_check(), "stale: recomputed, nothing open is left")
        self.assertEqual(self._figures().exposure, 0.0)

    def test_check_on_fresh_figures_is_one_query(self):
        """On fresh figures the check reads the customer and its figures in one query: the
        policy's hold settings are cached, nothing is recomputed."""
        self.company.account_use_credit_limit = True
        self.customer.credit_limit = 5000.0
        order = self._sale_order(self.customer, 1, 400.0, confirm=False)
        self._settle()
        self.assertFalse(order._credit_check())  # caches the policy's hold settings
        self.env.invalidate_all()
        order._credit_amount_company_currency()  # the order, as any confirmation reads it
        self.assertTrue(order.company_id.account_use_credit_limit)
        before = self.env.cr.sql_log_count
        self.assertFalse(order._credit_check())
        self.assertEqual(self.env.cr.sql_log_count - before, 1)

    def test_confirmed_orders_are_added_to_fresh_figures_as_a_refresh_counts_them(self):
        """Confirming adds the orders to the fresh row, not recomputing it: in company currency
        at each order's rate, each rounded as its invoice will be, to the cent of a refresh."""
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 3.0)])
        pricelist = self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})
        for _index in range(3):  # 33.33 each, as each invoice will be; not 100.00 in all
            self._sale_order(self.customer, 1, 100.0, pricelist_id=pricelist.id)
        self._sale_order(self.customer, 2, 12.34)  # company currency
        added = 3 * 33.33 + 24.68
        self.assertEqual(self._figures().computed_on, self.today)
        self.assertAlmostEqual(self._figures().uninvoiced_order_amount, added, places=2)
        self.assertAlmostEqual(self._figures().exposure, 1000.0 + added, places=2)
        history = self.env["credit.partner.risk.history"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        self.assertAlmostEqual(history.exposure, 1000.0 + added, places=2)
        self.env["credit.partner.risk"]._refresh(self.company, self.customer.ids)
        self.assertAlmostEqual(self._figures().uninvoiced_order_amount, added, places=2)
        self.assertAlmostEqual(history.exposure, 1000.0 + added, places=2)

    def test_confirmed_order_of_stale_figures_recomputes_them(self):
        """A row marked stale since it was computed is recomputed, not added to: the order's
        confirmation leaves figures that are true."""
        order = self._sale_order(self.customer, 1, 300.0, confirm=False)
        self._pay(self.invoice, 1000.0)  # marked, not committed
        order.sudo().state = "sale"  # confirmed by a path that skipped the check
        order._action_confirm()
        self.assertEqual(self._figures().open_amount, 0.0)
        self.assertEqual(self._figures().exposure, 300.0)
