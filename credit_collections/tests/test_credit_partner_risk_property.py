from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from odoo.tests import tagged

from odoo.addons.credit_collections.models.credit_partner_risk import AGING_BUCKETS

from .common import CreditCollectionsCommon

documents = st.lists(
    st.tuples(
        st.sampled_from(["out_invoice", "out_refund"]),
        st.integers(min_value=1, max_value=5_000_000).map(lambda cents: cents / 100),
        st.integers(min_value=-30, max_value=400),  # days late
        st.sampled_from([0.0, 0.25, 0.5, 1.0]),  # share paid
    ),
    min_size=1,
    max_size=5,
)


@tagged("post_install", "-at_install")
class TestCreditPartnerRiskProperty(CreditCollectionsCommon):
    """Random ledgers: the SQL figures equal an independent sum over journal items."""

    @settings(
        max_examples=15,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
    )
    @given(documents)
    def test_figures_match_journal_items(self, docs):
        partner = self.env["res.partner"].create({"name": "Random Customer", "is_company": True})
        for move_type, amount, days_late, share_paid in docs:
            move = self._invoice(partner, amount, days_ago=days_late, move_type=move_type)
            if share_paid and move_type == "out_invoice":
                self._pay(move, move.currency_id.round(amount * share_paid))
        risk = self._refreshed_risk(partner)

        expected = self._independent_aging(partner)
        currency = self.company.currency_id
        for name, _first, _last in AGING_BUCKETS:
            self.assertTrue(currency.is_zero(risk[name] - expected[name]), name)
        self.assertTrue(currency.is_zero(risk.open_amount - sum(expected.values())))
        self.assertTrue(currency.is_zero(risk.exposure - risk.open_amount))

    def _independent_aging(self, partner):
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", partner.id),
                ("company_id", "=", self.company.id),
                ("parent_state", "=", "posted"),
                ("account_id.account_type", "=", "asset_receivable"),
            ]
        )
        totals = dict.fromkeys((name for name, _first, _last in AGING_BUCKETS), 0.0)
        for line in lines:
            days_late = (self.today - (line.date_maturity or line.date)).days
            for name, first, last in AGING_BUCKETS:
                if (first is None or days_late >= first) and (last is None or days_late <= last):
                    totals[name] += line.amount_residual
        return totals
