from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditAgedReceivable(CreditCollectionsCommon):
    """Aged receivables at a past date: the ledger as it stood, to the cent.

    The as-of day is ten days ago. Payments, credit notes and documents dated after it must not
    change what the report shows for it; expected amounts are written out by hand.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.as_of = cls.today - timedelta(days=10)
        # Paid 400 before the day and 600 after: 600 was open then, 40 days late.
        cls.paid_after = cls._invoice(cls.customer, 1000.0, days_ago=50)
        cls._pay(cls.paid_after, 400.0, days_ago=20)
        cls._pay(cls.paid_after, 600.0, days_ago=5)
        # Credited 200 after the day: 500 open then, 2 days late.
        cls.credited_after = cls._invoice(cls.customer, 500.0, days_ago=12)
        credit_note = cls._invoice(cls.customer, 200.0, days_ago=3, move_type="out_refund")
        (cls.credited_after | credit_note).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        # Dated after the day: not in it.
        cls.later = cls._invoice(cls.customer, 300.0, days_ago=2)
        # A payment received before the day and never applied: a credit of 250, 15 days old.
        cls.unapplied = cls.env["account.payment"].create(
            {
                "partner_id": cls.customer.id,
                "partner_type": "customer",
                "payment_type": "inbound",
                "amount": 250.0,
                "date": cls.today - timedelta(days=15),
            }
        )
        cls.unapplied.action_post()
        # 900 in a foreign currency at 3 per USD, paid in full after the day at 2 per USD (an
        # exchange difference, dated after the day too).
        cls.foreign_currency = cls.setup_other_currency(
            "EUR", rates=[("1900-01-01", 3.0), (cls.today - timedelta(days=3), 2.0)]
        )
        cls.foreign = cls._invoice(
            cls.customer, 900.0, days_ago=95, currency_id=cls.foreign_currency.id
        )
        cls._pay(cls.foreign, 900.0, days_ago=1, currency_id=cls.foreign_currency.id)
        # The other company's customer, 700 open 30 days late on the day.
        cls.other_invoice = cls._invoice(
            cls.customer, 700.0, days_ago=40, company=cls.other_company
        )

    def _items(self, as_of=None, companies=None, user=None):
        report = self.env["credit.aged.receivable"]
        if user:
            report = report.with_user(user)
        companies = companies or report.env.user.company_id
        return report.with_context(
            credit_as_of=fields.Date.to_string(as_of or self.as_of),
            allowed_company_ids=companies.ids,
        ).search([])

    def _by_move(self, items):
        return {item.move_id: item for item in items}

    def test_past_date_is_the_ledger_as_it_stood(self):
        items = self._by_move(self._items())
        self.assertNotIn(self.later, items, "dated after the day")
        self.assertNotIn(self.other_invoice, items, "another company")
        paid_after = items[self.paid_after]
        self.assertEqual(
            (paid_after.amount_residual, paid_after.days_late, paid_after.bucket),
            (600.0, 40, "2_late_31_60"),
        )
        self.assertEqual(paid_after.amount_late_31_60, 600.0)
        credited = items[self.credited_after]
        self.assertEqual((credited.amount_residual, credited.bucket), (500.0, "1_late_1_30"))
        unapplied = items[self.unapplied.move_id]
        self.assertEqual((unapplied.amount_residual, unapplied.days_late), (-250.0, 5))
        foreign = items[self.foreign]
        self.assertEqual(foreign.amount_residual, 300.0, "900 EUR at 3 EUR per USD")
        self.assertEqual(foreign.bucket, "3_late_61_90")
        self.assertEqual(len(items), 4)

    def test_buckets_add_up_to_the_open_amount(self):
        items = self._items()
        buckets = [
            "amount_not_due",
            "amount_late_1_30",
            "amount_late_31_60",
            "amount_late_61_90",
            "amount_late_91_120",
            "amount_late_120_plus",
        ]
        for item in items:
            self.assertEqual(sum(item[name] for name in buckets), item.amount_residual)
            self.assertEqual(item[f"amount_{item.bucket[2:]}"], item.amount_residual)
        [(total,)] = items._read_group([], [], ["amount_residual:sum"])
        self.assertAlmostEqual(total, 600.0 + 500.0 - 250.0 + 300.0, places=2)

    def test_today_matches_the_ledger_residuals(self):
        """At today's date the report is Odoo's own residual of every open receivable item."""
        items = self._items(as_of=self.today)
        open_lines = self.env["account.move.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("account_id.account_type", "=", "asset_receivable"),
                ("parent_state", "=", "posted"),
                ("reconciled", "=", False),
                ("amount_residual", "!=", 0),
            ]
        )
        self.assertEqual(items.move_line_id, open_lines)
        for item in items:
            self.assertEqual(item.amount_residual, item.move_line_id.amount_residual)
        self.assertEqual(self._by_move(items)[self.credited_after].amount_residual, 300.0)

    def test_companies_are_kept_apart(self):
        both = self._items(companies=self.company | self.other_company)
        self.assertEqual(self._by_move(both)[self.other_invoice].company_id, self.other_company)
        self.assertEqual(self._by_move(both)[self.other_invoice].amount_late_1_30, 700.0)
        mine = self._items(user=self.other_company_manager)
        self.assertEqual(mine.move_id, self.other_invoice)
        self.assertEqual(mine.amount_residual, 700.0)
        self.assertEqual(mine.bucket, "1_late_1_30")

    def test_salesperson_cannot_read_it(self):
        with self.assertRaises(AccessError):
            self._items(user=self.salesperson)

    def test_collections_user_opens_and_prints_from_the_wizard(self):
        wizard = (
            self.env["credit.aged.receivable.wizard"]
            .with_user(self.collections_user)
            .create({"as_of": self.as_of})
        )
        action = wizard.action_open()
        self.assertEqual(action["context"]["credit_as_of"], fields.Date.to_string(self.as_of))
        totals = wizard._customer_totals()
        [(partner, amounts)] = totals[self.company]
        self.assertEqual(partner, self.customer)
        self.assertEqual(amounts["amount_residual"], 1150.0)
        self.assertEqual(amounts["amount_late_31_60"], 600.0)
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("credit_collections.report_credit_aged_receivable", wizard.ids)[0]
            .decode()
        )
        self.assertIn("Credit Customer", html)
        self.assertIn("1,150.00", html)

    def test_period_ends_in_one_click(self):
        wizard = self.env["credit.aged.receivable.wizard"].create({})
        self.assertEqual(wizard.as_of, self.today.replace(day=1) - timedelta(days=1))
        quarter_start = self.today.replace(month=(self.today.month - 1) // 3 * 3 + 1, day=1)
        wizard.period_end = "quarter"
        self.assertEqual(wizard.as_of, quarter_start - timedelta(days=1))
        wizard.period_end = "year"
        self.assertEqual(wizard.as_of, self.today.replace(month=1, day=1) - timedelta(days=1))
        wizard.write({"period_end": "other", "as_of": self.as_of})
        self.assertEqual(wizard.as_of, self.as_of)
