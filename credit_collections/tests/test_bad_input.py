from datetime import timedelta

from psycopg2.errors import CheckViolation

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestBadInput(FollowupCommon):
    """Values no business would use are refused with a message saying what to enter, before
    they break a recompute, a confirmation or a run."""

    def test_policy_bounds(self):
        policy = self.env["credit.risk.policy"]._for_company(self.company)
        for values in (
            {"lookback_months": 100_000},
            {"limit_sales_months": float("nan")},
            {"limit_floor": 1e20},
            {"vies_url": "not a url"},
            {"bureau_url": "file:///etc/passwd"},
            {"check_timeout": 10**9},
        ):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                policy.write(values)

    def test_credit_limit_bounds(self):
        for limit in (-1000.0, 1e20, 1e308, float("nan")):
            with self.subTest(limit=limit), self.assertRaises(ValidationError):
                self.customer.credit_limit = limit
        self.customer.credit_limit = 250_000.0
        self.assertEqual(self.customer.credit_limit, 250_000.0)

    @mute_logger("odoo.sql_db")
    def test_level_offset_bounds(self):
        with self.assertRaises(CheckViolation):
            self.levels[60].offset_days = 3_000_000
            self.env.flush_all()

    @mute_logger("odoo.sql_db")
    def test_payment_plan_bounds(self):
        customer = self._customer("Planner")
        self._invoice(customer, 100.0, days_ago=20)
        followup = self._followup(customer)
        plans = self.env["credit.payment.plan"]
        with self.assertRaises(ValidationError):
            plans.create(
                {"followup_id": followup.id, "first_due_date": self.today - timedelta(days=400)}
            )
        for values in ({"instalment_count": 10_000}, {"interval_months": 1_000_000}):
            with self.subTest(values=values), self.assertRaises(CheckViolation):
                plans.create({"followup_id": followup.id, **values})
                self.env.flush_all()
