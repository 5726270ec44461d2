from datetime import timedelta
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditPartnerRisk(CreditCollectionsCommon):
    """Exact figures on hand-built ledgers (company currency USD, no taxes)."""

    def setUp(self):
        super().setUp()
        self.partner = self.env["res.partner"].create(
            {"name": "Ledger Customer", "is_company": True}
        )

    def _risk(self, company=None):
        return self._refreshed_risk(self.partner, company)

    def test_aging_buckets_on_their_boundaries(self):
        for days_late, amount in [
            (-5, 1.0), (0, 2.0), (1, 4.0), (30, 8.0), (31, 16.0), (60, 32.0),
            (61, 64.0), (90, 128.0), (91, 256.0), (120, 512.0), (121, 1024.0), (400, 2048.0),
        ]:  # fmt: skip
            self._invoice(self.partner, amount, days_ago=days_late)
        risk = self._risk()
        self.assertRecordValues(
            risk,
            [
                {
                    "amount_not_due": 3.0,
                    "amount_late_1_30": 12.0,
                    "amount_late_31_60": 48.0,
                    "amount_late_61_90": 192.0,
                    "amount_late_91_120": 768.0,
                    "amount_late_120_plus": 3072.0,
                    "open_amount": 4095.0,
                    "overdue_amount": 4092.0,
                    "exposure": 4095.0,
                    "computed_on": self.today,
                }
            ],
        )

    def test_partial_payment_leaves_the_residual(self):
        invoice = self._invoice(self.partner, 1000.0, days_ago=45)
        self._pay(invoice, 400.0, days_ago=10)
        risk = self._risk()
        self.assertEqual(risk.amount_late_31_60, 600.0)
        self.assertEqual(risk.open_amount, 600.0)

    def test_credit_notes_reconciled_and_unapplied(self):
        invoice = self._invoice(self.partner, 1000.0, days_ago=10)
        refund = self._invoice(self.partner, 250.0, move_type="out_refund", days_ago=5)
        (invoice + refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).reconcile()
        self._invoice(self.partner, 100.0, move_type="out_refund", days_ago=2)
        risk = self._risk()
        self.assertEqual(risk.amount_late_1_30, 650.0)
        self.assertEqual(risk.open_amount, 650.0)

    def test_unapplied_payment_reduces_exposure(self):
        self._invoice(self.partner, 800.0, days_ago=3)
        payment = self.env["account.payment"].create(
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": self.partner.id,
                "amount": 300.0,
                "date": self.today,
            }
        )
        payment.action_post()
        risk = self._risk()
        self.assertEqual(risk.open_amount, 500.0)
        self.assertEqual(risk.amount_not_due, -300.0)
        self.assertEqual(risk.overdue_amount, 800.0)

    def test_write_off_closes_the_invoice(self):
        invoice = self._invoice(self.partner, 1000.0, days_ago=70)
        self._pay(
            invoice,
            990.0,
            payment_difference_handling="reconcile",
            writeoff_account_id=self.company_data["default_account_expense"].id,
            writeoff_label="Bank charges",
        )
        self.assertEqual(self._risk().exposure, 0.0)

    def test_draft_invoices_and_uninvoiced_orders(self):
        self._invoice(self.partner, 500.0, post=False)
        self._invoice(self.partner, 120.0, move_type="out_refund", post=False)
        self._invoice(self.partner, 1000.0, days_ago=1)
        order = self._sale_order(self.partner, quantity=4, price=250.0)
        self._sale_order(self.partner, quantity=1, price=999.0, confirm=False)  # a quotation
        order._create_invoices()  # invoiced in draft: counted once, as a draft invoice
        risk = self._risk()
        self.assertEqual(risk.open_amount, 1000.0)
        self.assertEqual(risk.draft_invoice_amount, 380.0 + 1000.0)
        self.assertEqual(risk.uninvoiced_order_amount, 0.0)
        self.assertEqual(risk.exposure, 1000.0 + 380.0 + 1000.0)

    def test_uninvoiced_order_amount(self):
        self._sale_order(self.partner, quantity=4, price=250.0)
        self.assertEqual(self._risk().uninvoiced_order_amount, 1000.0)

    def _order_with_down_payment(self):
        """A confirmed order of 5,999.99 with a posted down payment of 30 %."""
        order = self._sale_order(self.partner, quantity=1, price=5999.99)
        wizard = (
            self.env["sale.advance.payment.inv"]
            .with_context(active_model="sale.order", active_ids=order.ids)
            .create({"advance_payment_method": "percentage", "amount": 30})
        )
        wizard.create_invoices()
        order.invoice_ids.action_post()
        return order

    def test_down_payment_is_not_counted_twice(self):
        order = self._order_with_down_payment()
        down_payment = order.invoice_ids
        ledger = sum(
            down_payment.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).mapped("amount_residual")
        )
        self.assertAlmostEqual(ledger, 1800.0, places=2)
        risk = self._risk()
        self.assertAlmostEqual(risk.uninvoiced_order_amount, 4199.99, places=2)
        self.assertAlmostEqual(risk.exposure, 5999.99, places=2, msg="the order, once")
        final = order._create_invoices(final=True)
        final.action_post()
        risk = self._risk()
        self.assertAlmostEqual(risk.uninvoiced_order_amount, 0.0, places=2)
        self.assertAlmostEqual(risk.open_amount, 5999.99, places=2)
        self.assertAlmostEqual(risk.exposure, 5999.99, places=2)

    def test_confirming_again_after_a_down_payment_adds_what_is_left(self):
        """An order confirmed again after its down payment was invoiced: the confirmation adds
        what is left to invoice to the fresh figures, as a refresh counts it."""
        order = self._order_with_down_payment()
        order._action_cancel()
        order.action_draft()
        self.env.cr.flush()  # the commit: the marks of the changes are written
        self.env["credit.partner.risk"]._refresh_marked(lambda *args, **kwargs: True)
        self.assertAlmostEqual(self.partner.credit_exposure, 1800.0, places=2, msg="fresh")
        risks = type(self.env["credit.partner.risk"])
        with patch.object(risks, "_refresh", side_effect=AssertionError("recomputed")):
            order.action_confirm()  # added to the fresh row
        risk = self.partner.credit_risk_id
        self.assertAlmostEqual(risk.uninvoiced_order_amount, 4199.99, places=2)
        self.assertAlmostEqual(risk.exposure, 5999.99, places=2)
        self.assertAlmostEqual(self._risk().exposure, 5999.99, places=2, msg="refreshed")

    def _two_instalments_invoice(self, amount, days_ago):
        """An invoice due half at once, half 10 days later."""
        term = self.env["account.payment.term"].create(
            {
                "name": "Half now, half in 10 days",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 10}),
                ],
            }
        )
        return self._invoice(
            self.partner, amount, days_ago=days_ago, invoice_payment_term_id=term.id
        )

    def test_behaviour_counts_invoices_not_instalments(self):
        invoice = self._two_instalments_invoice(1000.0, days_ago=30)
        self._pay(invoice, 500.0, days_ago=30)  # first half on its due date
        self._pay(invoice, 500.0, days_ago=10)  # second half 10 days after its due date
        disputed = self._two_instalments_invoice(300.0, days_ago=5)
        disputed._credit_set_dispute("Wrong price")
        risk = self._risk()
        self.assertEqual(risk.paid_invoice_count, 1, "one invoice, two instalments")
        self.assertEqual(risk.late_share, 1.0)
        self.assertAlmostEqual(risk.avg_days_late, 5.0, places=1, msg="(500 * 0 + 500 * 10) / 1000")
        self.assertEqual(risk.dispute_count, 1, "one disputed invoice, two instalments")

    def test_credit_note_and_write_off_are_not_payments(self):
        settled = self._invoice(self.partner, 500.0, days_ago=60)
        refund = self._invoice(self.partner, 500.0, move_type="out_refund", days_ago=5)
        (settled | refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).reconcile()
        paid = self._invoice(self.partner, 200.0, days_ago=20)
        self._pay(paid, 200.0, days_ago=20)
        risk = self._risk()
        self.assertEqual(risk.paid_invoice_count, 1, "the credited invoice was not paid")
        self.assertEqual(risk.late_share, 0.0)
        self.assertEqual(risk.avg_days_late, 0.0)

    def test_disputed_items_are_not_overdue_but_stay_exposed(self):
        invoice = self._invoice(self.partner, 700.0, days_ago=50)
        invoice._credit_set_dispute("Damaged on delivery")
        risk = self._risk()
        self.assertEqual(risk.overdue_amount, 0.0)
        self.assertEqual(risk.oldest_days_late, 0, "no overdue hold for a disputed invoice")
        self.assertEqual(risk.amount_late_31_60, 700.0, "the aging still shows its age")
        self.assertEqual(risk.open_amount, 700.0)
        self.assertEqual(risk.exposure, 700.0, "it still counts against the limit")

    def test_foreign_currency_in_company_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        self._invoice(self.partner, 1000.0, days_ago=40, currency_id=eur.id)
        invoice = self._invoice(self.partner, 301.0, days_ago=5, currency_id=eur.id)
        self._pay(invoice, 101.0, currency_id=eur.id)
        self.env["credit.risk.policy"]._for_company(self.company).hold_overdue = False
        self._sale_order(
            self.partner, quantity=3, price=100.0, pricelist_id=self._eur_pricelist(eur).id
        )
        risk = self._risk()
        self.assertEqual(risk.amount_late_31_60, 500.0)
        self.assertEqual(risk.amount_late_1_30, 100.0)
        self.assertEqual(risk.uninvoiced_order_amount, 150.0)

    def _eur_pricelist(self, eur):
        return self.env["product.pricelist"].create({"name": "EUR", "currency_id": eur.id})

    def test_contacts_roll_up_to_their_company(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.partner.id})
        self._invoice(contact, 700.0, days_ago=2)
        self._invoice(self.partner, 300.0, days_ago=2)
        self.assertEqual(self._risk().open_amount, 1000.0)
        self.assertEqual(contact.credit_open_amount, 1000.0)

    def test_companies_are_kept_apart(self):
        self._invoice(self.partner, 300.0, days_ago=2)
        self._invoice(self.partner, 450.0, days_ago=2, company=self.other_company)
        self.assertEqual(self._risk().open_amount, 300.0)
        self.assertEqual(self._risk(company=self.other_company).open_amount, 450.0)
        self.assertEqual(self.partner.credit_exposure, 300.0)
        self.assertEqual(self.partner.with_company(self.other_company).credit_exposure, 450.0)
        both = self.partner.with_context(
            allowed_company_ids=(self.company | self.other_company).ids
        )
        self.assertEqual(
            both.credit_company_risk_ids.mapped("open_amount"), [450.0, 300.0], "by exposure"
        )
        one = self.partner.with_context(allowed_company_ids=self.company.ids)
        self.assertEqual(one.credit_company_risk_ids, self._risk(), "the active one only")

    def test_a_credit_manager_sees_the_exposure_of_all_companies_converted(self):
        """One customer of a dollar company and a euro company: consolidated in the currency
        of the company the manager works in, at that company's rate of today."""
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 0.8)])  # $1 = 0.80 EUR
        euro_company = self.setup_other_company(name="Credit Euro Company", currency_id=eur.id)
        euro_company = euro_company["company"]
        usd = self.company.currency_id
        self.env["res.currency.rate"].create(  # in the euro company: 1 EUR = $1.25
            {
                "currency_id": usd.id,
                "rate": 1.25,
                "name": "2000-01-01",
                "company_id": euro_company.id,
            }
        )
        self._invoice(self.partner, 300.0, days_ago=2)
        self._invoice(self.partner, 450.0, days_ago=2, company=euro_company)
        self.assertEqual(self._risk(company=euro_company).exposure, 450.0)
        self.assertEqual(self._risk().exposure, 300.0)
        self.credit_manager.company_ids |= euro_company
        manager = self.partner.with_user(self.credit_manager)
        for companies, expected in (
            (self.company | euro_company, 300.0 + 450.0 / 0.8),
            (euro_company | self.company, 300.0 / 1.25 + 450.0),
            (self.company, 300.0),
        ):
            with self.subTest(company=companies[0].name, companies=len(companies)):
                partner = manager.with_context(allowed_company_ids=companies.ids)
                self.assertAlmostEqual(partner.credit_consolidated_exposure, expected, places=2)
        with self.assertRaises(AccessError):
            self.partner.with_user(self.collections_user).credit_consolidated_exposure  # noqa: B018

    def test_customers_are_searched_by_their_figures_in_the_current_company(self):
        self._invoice(self.partner, 300.0, days_ago=2)
        self._invoice(self.partner, 450.0, days_ago=2, company=self.other_company)
        self._risk(), self._risk(company=self.other_company)
        partners = self.env["res.partner"].with_user(self.collections_user)
        self.assertIn(self.partner, partners.search([("credit_exposure", "=", 300.0)]))
        self.assertNotIn(self.partner, partners.search([("credit_exposure", ">", 400.0)]))
        other = self.env["res.partner"].with_company(self.other_company)
        self.assertIn(self.partner, other.search([("credit_exposure", ">", 400.0)]))
        grade = self.partner.credit_grade
        self.assertIn(self.partner, partners.search([("credit_grade", "=", grade)]))

    def test_available_credit_uses_odoo_credit_limit(self):
        self.partner.credit_limit = 5000.0
        self._invoice(self.partner, 1200.0, days_ago=2)
        self.partner.action_refresh_credit_risk()
        self.assertEqual(self.partner.credit_exposure, 1200.0)
        self.assertEqual(self.partner.credit_available, 3800.0)

    def test_figures_follow_payments_after_refresh(self):
        invoice = self._invoice(self.partner, 1000.0, days_ago=20)
        self.assertEqual(self._risk().open_amount, 1000.0)
        self._pay(invoice, 1000.0)
        self.assertEqual(self._risk().open_amount, 0.0)


@tagged("post_install", "-at_install")
class TestCreditRiskCron(CreditCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Cron Customer {n}", "is_company": True} for n in range(5)]
        )
        for customer in cls.customers:
            cls._invoice(customer, 100.0, days_ago=10)
        cls.risks = cls.env["credit.partner.risk"]

    def _rows(self):
        return self.risks.search([("partner_id", "in", self.customers.ids)])

    def test_refreshes_every_customer_in_batches_with_progress(self):
        reports = []
        self.risks._refresh_stale(lambda done, remaining: reports.append(remaining) or True, 2)
        self.assertEqual(len(self._rows()), 5)
        self.assertEqual(set(self._rows().mapped("computed_on")), {self.today})
        self.assertEqual(reports[-1], 0)
        self.assertEqual(reports, sorted(reports, reverse=True))

    def test_second_run_the_same_day_does_nothing(self):
        self.risks._refresh_stale(lambda *args, **kwargs: True)
        self.assertEqual(self.risks._stale_partner_ids(self.company, self.today), [])

    def test_run_cut_short_resumes_with_the_rest(self):
        self.risks._refresh_stale(lambda *args, **kwargs: False, batch_size=2)
        self.assertEqual(len(self._rows()), 2)
        self.risks._refresh_stale(lambda *args, **kwargs: True, batch_size=2)
        self.assertEqual(len(self._rows()), 5)

    def test_stalest_customers_come_first(self):
        self.risks._refresh_stale(lambda *args, **kwargs: True)
        rows = self._rows().sudo()
        rows[3].computed_on = self.today - timedelta(days=3)
        rows[1].computed_on = self.today - timedelta(days=1)
        stale = self.risks._stale_partner_ids(self.company, self.today)
        self.assertEqual(stale, [rows[3].partner_id.id, rows[1].partner_id.id])

    def test_nightly_job_starts_the_other_recompute_workers(self):
        """The shipped second worker and any duplicate an administrator made are triggered,
        then take their share: here, nothing left after the nightly job's own run."""
        jobs = self.risks._recompute_jobs()
        self.assertEqual(len(jobs), 1)
        duplicate = jobs.copy()
        crons = type(self.env["ir.cron"])
        with patch.object(crons, "_commit_progress", return_value=True):
            self.risks._cron_refresh()
            triggers = self.env["ir.cron.trigger"].search(
                [("cron_id", "in", (jobs | duplicate).ids)]
            )
            self.assertEqual(triggers.cron_id, jobs | duplicate)
            self.assertEqual(set(self._rows().mapped("computed_on")), {self.today})
            self.risks._cron_refresh_share()
        self.assertEqual(self.risks._stale_partner_ids(self.company, self.today), [])
