from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditRiskScore(CreditCollectionsCommon):
    def setUp(self):
        super().setUp()
        self.partner = self.env["res.partner"].create(
            {"name": "Scored Customer", "is_company": True}
        )
        self.policy = self.env["credit.risk.policy"]._for_company(self.company)

    def _risk(self):
        return self._refreshed_risk(self.partner)

    def _paid_invoice(self, amount, days_ago, days_late):
        invoice = self._invoice(self.partner, amount, days_ago=days_ago)
        self._pay(invoice, amount, days_ago=days_ago - days_late)
        return invoice

    def test_amount_weighted_delay_and_late_share(self):
        self._paid_invoice(1000.0, days_ago=100, days_late=30)
        self._paid_invoice(3000.0, days_ago=50, days_late=0)
        risk = self._risk()
        self.assertEqual(risk.paid_invoice_count, 2)
        self.assertAlmostEqual(risk.avg_days_late, 7.5)
        self.assertAlmostEqual(risk.late_share, 0.5)
        self.assertAlmostEqual(risk.penalty_delay, 7.5 / 60)

    def test_look_back_leaves_old_payments_out(self):
        self._paid_invoice(1000.0, days_ago=500, days_late=60)
        self._paid_invoice(1000.0, days_ago=40, days_late=0)
        self.assertEqual(self._risk().paid_invoice_count, 1)
        self.policy.lookback_months = 24
        self.assertEqual(self._risk().paid_invoice_count, 2)

    def test_longest_delay_and_open_disputes(self):
        self._invoice(self.partner, 500.0, days_ago=45)
        disputed = self._invoice(self.partner, 200.0, days_ago=10)
        disputed.no_followup = True
        risk = self._risk()
        self.assertEqual(risk.oldest_days_late, 45)
        self.assertEqual(risk.dispute_count, 1)
        self.assertAlmostEqual(risk.penalty_disputes, 1 / 3)

    def test_trend_compares_the_last_quarter_with_before(self):
        self._paid_invoice(1000.0, days_ago=250, days_late=0)
        self._paid_invoice(1000.0, days_ago=80, days_late=30)
        risk = self._risk()
        self.assertAlmostEqual(risk.trend_days, 30.0)
        self.assertAlmostEqual(risk.penalty_trend, 1.0)

    def test_steady_payer_scores_full_marks(self):
        for days_ago in (330, 240, 150, 60):
            self._paid_invoice(1200.0, days_ago=days_ago, days_late=0)
        risk = self._risk()
        self.assertEqual(risk.account_age_days, 330)
        self.assertEqual((risk.score, risk.grade), (100, "A"))
        self.assertEqual(self.partner.credit_grade, "A")

    def test_new_customer_without_history(self):
        risk = self._risk()
        self.assertEqual(risk.penalty_newness, 1.0)
        self.assertEqual(risk.score, 100 - self.policy.weight_newness)

    def test_score_is_the_weighted_penalties_and_grade_follows_policy(self):
        self._paid_invoice(1000.0, days_ago=200, days_late=45)
        self._invoice(self.partner, 2000.0, days_ago=70)
        self._invoice(self.partner, 1000.0, days_ago=-10)
        risk = self._risk()
        lost = sum(
            weight * risk[f"penalty_{code}"] for code, weight in self.policy._weights().items()
        )
        self.assertEqual(risk.score, round(100 - lost))
        self.assertAlmostEqual(risk.penalty_overdue, 2 / 3)
        thresholds = self.policy._grade_thresholds()
        expected_grade = next(
            (
                grade
                for grade, minimum in zip("ABCD", thresholds, strict=True)
                if risk.score >= minimum
            ),
            "E",
        )
        self.assertEqual(risk.grade, expected_grade)
        self.assertIn("Pays late on average", risk.score_reasons)

        self.policy.write(
            {
                "grade_ids": [
                    Command.update(self.policy._grade(grade).id, {"min_score": min_score})
                    for grade, min_score in (("A", 99), ("B", 98), ("C", 97), ("D", 96))
                ]
            }
        )
        self.assertEqual(self._risk().grade, "E")

    def test_weights_change_the_score(self):
        self._invoice(self.partner, 1000.0, days_ago=100)
        self.policy.write({f"weight_{code}": 0 for code in self.policy._weights()})
        self.assertEqual(self._risk().score, 100)
        self.policy.weight_oldest = 40
        risk = self._risk()
        self.assertEqual(risk.score, 100 - round(40 * 100 / 120))
        self.assertEqual(risk.score_reasons, "-33 An invoice is long overdue")

    def test_reasons_explain_the_score_of_their_day(self):
        """A change of weights changes the next score; until then, the reasons are the
        stored score's, not a recomputation with the new weights."""
        self._invoice(self.partner, 1000.0, days_ago=100)
        reasons = self._risk().score_reasons
        self.policy.write({f"weight_{code}": 0 for code in self.policy._weights()})
        risk = self.partner.credit_risk_id
        risk.invalidate_recordset()
        self.assertEqual(risk.score_reasons, reasons)
        self.assertEqual(self._risk().score_reasons, "Nothing costs this customer points.")


@tagged("post_install", "-at_install")
class TestCreditRiskPolicy(CreditCollectionsCommon):
    def setUp(self):
        super().setUp()
        self.policy = self.env["credit.risk.policy"]._for_company(self.company)

    def test_one_policy_per_company_created_on_demand(self):
        self.assertEqual(self.env["credit.risk.policy"]._for_company(self.company), self.policy)
        self.assertEqual(self.policy.lookback_months, 12)
        self.assertEqual(sum(self.policy._weights().values()), 100)

    def test_bad_input_is_refused_with_a_clear_message(self):
        cases = [
            ({"lookback_months": 0}, "from 1 to 120 months"),
            ({"weight_delay": -5}, "cannot be negative"),
            ({"weight_delay": 60}, "add up to 135"),
        ]
        for values, message in cases:
            # assertRaises (not assertRaisesRegex) rolls the refused write back
            with self.subTest(values=values), self.assertRaises(ValidationError) as refused:
                self.policy.write(values)
            self.assertIn(message, str(refused.exception))
        grade_cases = [
            ("B", {"min_score": 90}, "must fall from A to D"),
            ("D", {"min_score": 0}, "must fall from A to D"),
            ("C", {"limit_multiplier": -1.0}, "multipliers go from 0 to 100"),
            ("A", {"limit_multiplier": 1e308}, "multipliers go from 0 to 100"),
            ("E", {"kyc_review_months": 0}, "at least one month"),
        ]
        for grade, values, message in grade_cases:
            with (
                self.subTest(grade=grade, values=values),
                self.assertRaises(ValidationError) as refused,
            ):
                self.policy._grade(grade).write(values)
            self.assertIn(message, str(refused.exception))

    def test_grades_are_five_records_edited_and_logged(self):
        self.assertEqual(self.policy.grade_ids.mapped("grade"), ["A", "B", "C", "D", "E"])
        self.assertEqual(self.policy._grade_thresholds(), [80, 65, 50, 35])
        with self.assertRaises(UserError):
            self.policy._grade("C").unlink()
        self.policy._grade("B").limit_multiplier = 1.2
        self.assertEqual(self.policy._limit_multipliers()["B"], 1.2)
        self.assertIn("Grade B", self.policy.message_ids[:1].body)
        self.assertIn("1.2", self.policy.message_ids[:1].body)
        other = self.env["credit.risk.policy"]._for_company(self.other_company)
        self.assertEqual(other.grade_ids.mapped("min_score"), [80, 65, 50, 35, 0])

    def test_only_credit_managers_edit_the_policy(self):
        for user in (self.salesperson, self.collections_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.policy.with_user(user).write({"weight_delay": 20})
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.policy._grade("A").with_user(user).min_score = 85
        self.policy.with_user(self.credit_manager).write({"weight_delay": 20})
        self.assertEqual(self.policy.weight_delay, 20)
        self.policy._grade("A").with_user(self.credit_manager).min_score = 85
        self.assertEqual(self.policy._grade_thresholds()[0], 85)
