from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo import Command
from odoo.tests import tagged

from odoo.addons.credit_collections.tools.receivables import AGING_BUCKETS

from .common import CreditCollectionsCommon

documents = st.lists(
    st.tuples(
        st.sampled_from(["out_invoice", "out_refund"]),
        st.integers(min_value=1, max_value=5_000_000).map(lambda cents: cents / 100),
        st.integers(min_value=-30, max_value=400),  # days late
        st.sampled_from([0.0, 0.25, 0.5, 1.0]),  # share paid
        st.booleans(),  # two instalments
        st.booleans(),  # disputed
    ),
    min_size=1,
    max_size=5,
)
ledgers = st.tuples(
    documents,
    st.booleans(),  # an order with an invoiced 30% down payment
    st.booleans(),  # a credit note settling the first invoice
)


@tagged("post_install", "-at_install")
class TestCreditPartnerRiskProperty(CreditCollectionsCommon):
    """Random ledgers: the figures, kept fresh by the marks and the refresh cron alone, equal
    independent sums over journal items and order lines."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The orders of random ledgers are confirmed whatever the customer's figures.
        cls.env["credit.risk.policy"]._for_company(cls.company).write(
            {"hold_kyc": False, "hold_overdue": False, "hold_grade": False}
        )
        cls.two_instalments = cls.env["account.payment.term"].create(
            {
                "name": "Half now, half in 30 days (property)",
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 0}),
                    Command.create({"value": "percent", "value_amount": 50.0, "nb_days": 30}),
                ],
            }
        )

    def _settle(self):
        """A commit and a run of the refresh cron: no explicit refresh of the customer."""
        self.env.cr.flush()
        self.env["credit.partner.risk"]._refresh_marked(lambda *args, **kwargs: True)

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(ledgers)
    def test_figures_match_journal_items(self, ledger):
        docs, down_payment, refund_settles = ledger
        partner = self.env["res.partner"].create({"name": "Random Customer", "is_company": True})
        invoices = self._build(partner, docs)
        if down_payment:
            self._order_with_down_payment(partner)
        self._settle()
        self._assert_figures(partner)
        # Payments and a credit note between two runs of the refresh cron.
        if invoices:
            first = invoices[0]
            if refund_settles and first.amount_residual:
                self._settle_by_refund(first)
            elif first.amount_residual:
                self._pay(first, first.amount_residual)
        self._settle()
        self._assert_figures(partner)

    def _build(self, partner, docs):
        invoices = []
        for move_type, amount, days_late, share_paid, split, disputed in docs:
            values = {"invoice_payment_term_id": self.two_instalments.id} if split else {}
            move = self._invoice(partner, amount, days_ago=days_late, move_type=move_type, **values)
            if move_type != "out_invoice":
                continue
            invoices.append(move)
            if share_paid:
                self._pay(move, move.currency_id.round(amount * share_paid))
            if disputed:
                move._credit_set_dispute("Disputed (property)")
        return invoices

    def _order_with_down_payment(self, partner):
        order = self._sale_order(partner, quantity=1, price=1234.56)
        self.env["sale.advance.payment.inv"].with_context(
            active_model="sale.order", active_ids=order.ids
        ).create({"advance_payment_method": "percentage", "amount": 30}).create_invoices()
        order.invoice_ids.action_post()

    def _settle_by_refund(self, invoice):
        refund = self._invoice(invoice.partner_id, invoice.amount_residual, move_type="out_refund")
        (invoice | refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()

    def _assert_figures(self, partner):
        risk = partner.with_company(self.company).credit_risk_id
        lines = self._receivable_lines(partner)
        currency = self.company.currency_id
        expected = self._independent_aging(lines)
        for name, _first, _last in AGING_BUCKETS:
            self.assertTrue(currency.is_zero(risk[name] - expected[name]), name)
        open_amount = sum(lines.mapped("amount_residual"))
        overdue = sum(
            line.amount_residual
            for line in lines
            if line.amount_residual > 0 and self._days_late(line) > 0 and not line.no_followup
        )
        disputed = lines.filtered(
            lambda line: line.no_followup and line.amount_residual > 0
        ).move_id.filtered(lambda move: move.move_type == "out_invoice")
        orders = self.env["sale.order"].search([("partner_id", "=", partner.id)])
        uninvoiced = sum(orders.mapped("amount_total")) - sum(
            orders.invoice_ids.filtered(lambda move: move.state == "posted").mapped("amount_total")
        )
        self.assertTrue(currency.is_zero(risk.open_amount - open_amount), "open")
        self.assertTrue(currency.is_zero(risk.overdue_amount - overdue), "overdue")
        self.assertEqual(risk.dispute_count, len(disputed), "disputed invoices, not instalments")
        self.assertTrue(currency.is_zero(risk.uninvoiced_order_amount - uninvoiced), "orders")
        self.assertTrue(currency.is_zero(risk.exposure - open_amount - uninvoiced), "exposure")

    def _receivable_lines(self, partner):
        return self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
            ]
        )

    def _days_late(self, line):
        return (self.today - (line.date_maturity or line.date)).days

    def _independent_aging(self, lines):
        totals = dict.fromkeys((name for name, _first, _last in AGING_BUCKETS), 0.0)
        for line in lines:
            days_late = self._days_late(line)
            for name, first, last in AGING_BUCKETS:
                if (first is None or days_late >= first) and (last is None or days_late <= last):
                    totals[name] += line.amount_residual
        return totals
