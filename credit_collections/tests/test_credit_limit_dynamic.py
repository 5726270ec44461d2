from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestDynamicCreditLimit(CreditCollectionsCommon):
    """Ten monthly invoices of 1,200 paid on time: 1,000 a month over the 12-month look-back,
    grade A, so 1,000 x 2 months x 1.5 = 3,000 suggested."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.policy = cls.env["credit.risk.policy"]._for_company(cls.company)
        cls.partner = cls.env["res.partner"].create({"name": "Steady Customer", "is_company": True})
        for month in range(1, 11):
            invoice = cls._invoice(cls.partner, 1200.0, days_ago=30 * month)
            cls._pay(invoice, 1200.0, days_ago=30 * month)

    def _run(self, partner=None):
        """Recompute the figures and propose limits, as the nightly run does."""
        partner = partner or self.partner
        risk = self._refreshed_risk(partner)
        self.env["credit.limit.request"]._propose_for_customers(self.company, partner.ids)
        return risk

    def _requests(self, partner=None, **domain):
        return self.env["credit.limit.request"].search(
            [("partner_id", "=", (partner or self.partner).id)]
            + [(field, "=", value) for field, value in domain.items()]
        )

    def test_suggested_limit_from_sales_and_grade(self):
        risk = self._run()
        self.assertAlmostEqual(risk.avg_monthly_sales, 1000.0)
        self.assertEqual(risk.grade, "A")
        self.assertEqual(risk.suggested_limit, 3000.0)

    def test_ceiling_and_floor(self):
        self.policy.limit_ceiling = 2500.0
        self.assertEqual(self._run().suggested_limit, 2500.0)
        self.policy.write({"limit_ceiling": 0.0, "limit_floor": 4000.0})
        self.assertEqual(self._run().suggested_limit, 4000.0)

    def test_change_within_tolerance_applies_with_audit_record(self):
        self.partner.credit_limit = 2800.0
        self._run()
        self.assertEqual(self.partner.credit_limit, 3000.0)
        audit = self._requests(origin="automatic")
        self.assertRecordValues(
            audit, [{"state": "approved", "current_limit": 2800.0, "requested_limit": 3000.0}]
        )
        self.assertIn("grade A", audit.reason)

    def test_larger_change_waits_for_a_credit_manager_once(self):
        self.partner.credit_limit = 1000.0
        self._run()
        self._run()
        self.assertEqual(self.partner.credit_limit, 1000.0)
        request = self._requests()
        self.assertRecordValues(
            request, [{"state": "to_approve", "origin": "automatic", "requested_limit": 3000.0}]
        )
        request.with_user(self.credit_manager).action_approve()
        self.assertEqual(self.partner.credit_limit, 3000.0)

    def test_suggest_mode_asks_even_for_small_changes(self):
        self.policy.limit_mode = "suggest"
        self.partner.credit_limit = 2900.0
        self._run()
        self.assertEqual(self.partner.credit_limit, 2900.0)
        self.assertEqual(self._requests().state, "to_approve")

    def test_off_mode_and_customers_without_own_limit_are_left_alone(self):
        self._run()
        self.assertFalse(self._requests(), "an established customer on the company default")
        self.policy.limit_mode = "off"
        self.partner.credit_limit = 1000.0
        self._run()
        self.assertFalse(self._requests())

    def test_young_account_gets_the_starter_limit(self):
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "is_company": True})
        self._invoice(newcomer, 400.0, days_ago=10)
        self._run(newcomer)
        self.assertEqual(newcomer.credit_limit, self.policy.starter_limit)
        self.assertEqual(self._requests(newcomer).state, "approved")

    def test_no_starter_limit_when_company_does_not_check_limits(self):
        self.company.account_use_credit_limit = False
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "is_company": True})
        self._run(newcomer)
        self.assertEqual(newcomer.credit_limit, 0.0)


@tagged("post_install", "-at_install")
class TestManualCreditLimitChange(CreditCollectionsCommon):
    def test_non_manager_change_becomes_a_request(self):
        self.customer.with_user(self.collections_user).write({"credit_limit": 9000.0})
        self.assertEqual(self.customer.credit_limit, 0.0)
        request = self.env["credit.limit.request"].search([("partner_id", "=", self.customer.id)])
        self.assertRecordValues(
            request,
            [
                {
                    "requested_limit": 9000.0,
                    "state": "to_approve",
                    "requested_by_id": self.collections_user.id,
                }
            ],
        )

    def test_manager_change_applies_and_is_logged(self):
        self.customer.with_user(self.credit_manager).write({"credit_limit": 7000.0})
        self.assertEqual(self.customer.credit_limit, 7000.0)
        self.assertIn("7,000.00", self.customer.message_ids[:1].body)
        self.assertIn(self.credit_manager.name, self.customer.message_ids[:1].body)

    def test_bad_limit_policy_is_refused(self):
        policy = self.env["credit.risk.policy"]._for_company(self.company)
        cases = [
            ({"limit_floor": 5000.0, "limit_ceiling": 1000.0}, "above the ceiling"),
            ({"limit_floor": -1.0}, "go from 0 to"),
            ({"limit_rounding": 0.0}, "greater than zero"),
            ({"limit_tolerance": 150.0}, "percentage from 0 to 100"),
        ]
        for values, message in cases:
            # assertRaises (not assertRaisesRegex) rolls the refused write back
            with self.subTest(values=values), self.assertRaises(ValidationError) as refused:
                policy.write(values)
            self.assertIn(message, str(refused.exception))
