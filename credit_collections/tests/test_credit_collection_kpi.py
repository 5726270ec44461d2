from datetime import timedelta

from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditCollectionKpi(CreditCollectionsCommon):
    """Last month's collection KPIs on a small ledger, against figures worked out by hand.

    Month M is last month, from S to E; P is the day before S. The customer owed 1,000 at P
    (an invoice of the month before, due at once), paid 400 of it during M and the remaining
    600 after M; during M it was invoiced 600 (due on S + 9) and 300 (due on E) and credited 100,
    not applied. At E it owes 600 + 600 + 300 - 100 = 1,400, of which 300 is not due.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.end = cls.today.replace(day=1) - timedelta(days=1)
        cls.start = cls.end.replace(day=1)
        before = cls.start - timedelta(days=1)
        customer = cls.customer
        customer.user_id = cls.salesperson
        cls.older = cls._invoice(customer, 1000.0, days_ago=cls._ago(before - timedelta(days=20)))
        cls._pay(cls.older, 400.0, days_ago=cls._ago(cls.start + timedelta(days=4)))
        cls._pay(cls.older, 600.0)
        cls._invoice(customer, 600.0, days_ago=cls._ago(cls.start + timedelta(days=9)))
        cls._invoice(customer, 300.0, days_ago=cls._ago(cls.end))
        cls._invoice(
            customer,
            100.0,
            days_ago=cls._ago(cls.start + timedelta(days=14)),
            move_type="out_refund",
        )
        cls._invoice(
            customer,
            5000.0,
            days_ago=cls._ago(cls.start + timedelta(days=1)),
            company=cls.other_company,
        )
        cls.env["credit.followup"]._ensure_followups(cls.company)
        followup = cls.env["credit.followup"].search(
            [("partner_id", "=", customer.id), ("company_id", "=", cls.company.id)]
        )
        promise_values = {"followup_id": followup.id, "amount": 100.0}
        cls.env["credit.followup.promise"].create(
            [
                {**promise_values, "promise_date": cls.start + timedelta(days=5), "state": "kept"},
                {
                    **promise_values,
                    "promise_date": cls.start + timedelta(days=6),
                    "state": "broken",
                },
                {**promise_values, "promise_date": cls.today + timedelta(days=7), "amount": 200.0},
            ]
        )
        cls.kpis = cls.env["credit.collection.kpi"]
        cls.kpis._snapshot(cls.company, cls.today)

    @classmethod
    def _ago(cls, day):
        return (cls.today - day).days

    def _row(self, month, slice_="company"):
        return self.kpis.search(
            [("company_id", "=", self.company.id), ("month", "=", month), ("slice", "=", slice_)]
        )

    def test_last_month_figures_by_hand(self):
        row = self._row(self.start)
        self.assertTrue(row.final)
        self.assertEqual(row.date_end, self.end)
        expected_amounts = {
            "receivable_amount": 1400.0,
            "begin_receivable_amount": 1000.0,
            "current_amount": 300.0,
            "overdue_amount": 1200.0,
            "amount_late_1_30": 500.0,
            "amount_late_31_60": 600.0,
            "amount_late_61_90": 0.0,
            "credit_sales": 800.0,
            "dso_sales": 1800.0,
            "cash_collected": 400.0,
            "fell_due": 900.0,
            "promised_amount": 0.0,  # the open promise was made after the month
            "promises_kept": 1,
            "promises_due": 2,
        }
        self.assertEqual({name: row[name] for name in expected_amounts}, expected_amounts)
        period_days = (self.end - (self.start - relativedelta(months=2))).days + 1
        days_before = (self.start - (self.start - relativedelta(months=1))).days
        expected_ratios = {
            "dso": 1400 / 1800 * period_days,
            "best_dso": 300 / 1800 * period_days,
            "days_delinquent": 1100 / 1800 * period_days,
            "countback_dso": self.end.day + 600 / 1000 * days_before,
            "cei": 400 / 1500 * 100,
            "overdue_share": 1200 / 1400 * 100,
            "promises_kept_rate": 50.0,
            "collected_share": 400 / 900 * 100,
        }
        for name, expected in expected_ratios.items():
            with self.subTest(kpi=name):
                self.assertEqual(row[name], round(expected, 1), "stored to 0.1")

    def test_slices_add_up_and_companies_stay_apart(self):
        collectors = self._row(self.start, "collector")
        categories = self._row(self.start, "category")
        salespeople = self._row(self.start, "salesperson")
        self.assertTrue(collectors and categories)
        self.assertEqual(salespeople.salesperson_id, self.salesperson)
        self.assertEqual(salespeople.amount_late_31_60, 600.0)
        self.assertEqual(sum(collectors.mapped("receivable_amount")), 1400.0)
        self.assertEqual(sum(categories.mapped("overdue_amount")), 1200.0)
        self.kpis._snapshot(self.other_company, self.today)
        other = self.kpis.search(
            [
                ("company_id", "=", self.other_company.id),
                ("month", "=", self.start),
                ("slice", "=", "company"),
            ]
        )
        self.assertEqual((other.receivable_amount, other.credit_sales), (5000.0, 5000.0))

    def test_runs_again_without_duplicates_and_keeps_past_months(self):
        months = self.kpis.search([("company_id", "=", self.company.id), ("slice", "=", "company")])
        self.assertEqual(len(months), 13, "twelve months back and this one")
        this_month = self._row(self.today.replace(day=1))
        self.assertFalse(this_month.final)
        self.assertEqual(this_month.date_end, self.today)
        self.assertEqual(this_month.promised_amount, 200.0, "made today, due next week")
        kept = self._row(self.start)
        self.kpis._snapshot(self.company, self.today)
        self.assertEqual(self._row(self.start), kept, "a month that is over is not rewritten")
        self.assertEqual(
            self.kpis.search_count(
                [("company_id", "=", self.company.id), ("slice", "=", "company")]
            ),
            13,
        )

    def test_collections_user_reads_salesperson_does_not(self):
        rows = self.kpis.with_user(self.collections_user).search([("month", "=", self.start)])
        self.assertTrue(rows)
        self.assertFalse(
            self.kpis.with_user(self.other_company_manager)
            .search([])
            .filtered(lambda row: row.company_id == self.company)
        )
        with self.assertRaises(AccessError):
            self.kpis.with_user(self.salesperson).search([])


@tagged("post_install", "-at_install")
class TestCreditPartnerRiskHistory(CreditCollectionsCommon):
    def test_each_refresh_keeps_the_month_latest_figures(self):
        self._invoice(self.customer, 1000.0, days_ago=40)
        risk = self._refreshed_risk(self.customer)
        history = self.env["credit.partner.risk.history"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(
            (history.month, history.score, history.open_amount),
            (self.today.replace(day=1), risk.score, 1000.0),
        )
        self._invoice(self.customer, 500.0, days_ago=1)
        self._refreshed_risk(self.customer)
        self.assertEqual(history.open_amount, 1500.0)
        action = self.customer.with_user(self.salesperson).action_open_credit_history()
        self.assertEqual(
            self.env[action["res_model"]].with_user(self.salesperson).search(action["domain"]),
            history,
        )
