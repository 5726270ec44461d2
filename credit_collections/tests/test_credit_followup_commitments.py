from datetime import timedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupCommitments(FollowupCommon):
    """Promises to pay and payment plans pause the ladder; breaking them escalates."""

    def setUp(self):
        super().setUp()
        self.customer = self._customer("Promising")
        self.invoice = self._invoice(self.customer, 100.0, days_ago=2)
        self.followup = self._followup(self.customer)
        self._escalate()  # first reminder
        self.assertEqual(self.followup.level_id, self.levels[1])

    def _promise(self, amount, days):
        return (
            self.env["credit.followup.promise"]
            .with_user(self.collections_user)
            .create(
                {
                    "followup_id": self.followup.id,
                    "promise_date": self.today + timedelta(days=days),
                    "amount": amount,
                }
            )
        )

    def test_promise_pauses_then_broken_promise_escalates_and_counts(self):
        promise = self._promise(60.0, days=3)
        self.assertEqual(self.followup.state, "paused")
        self.assertEqual(promise.residual_at_promise, 100.0)
        self._escalate(today=self.today + timedelta(days=1))
        self.assertEqual(len(self.followup.communication_ids), 1, "paused: nothing sent")
        self._pay(self.invoice, 20.0)
        self._escalate(today=self.today + timedelta(days=4))  # 6 days late, promise due day 3
        self.assertEqual(promise.state, "broken")
        self.assertEqual(promise.paid_amount, 20.0)
        self.assertEqual(self.followup.level_id, self.levels[7], "one level up at once")
        self.assertEqual(len(self.followup.communication_ids), 2)
        self.assertEqual(self.followup.risk_id.broken_promise_count, 1)

    def test_kept_promise_resumes_the_ladder_without_escalation(self):
        promise = self._promise(60.0, days=3)
        self._pay(self.invoice, 60.0)
        self._escalate(today=self.today + timedelta(days=1))
        self.assertEqual(promise.state, "kept")
        self.assertEqual(self.followup.state, "auto")
        self.assertEqual(self.followup.risk_id.broken_promise_count, 0)

    def test_a_credit_note_does_not_keep_a_promise(self):
        promise = self._promise(100.0, days=3)
        refund = self._invoice(self.customer, 100.0, move_type="out_refund")
        (self.invoice | refund).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable"
        ).reconcile()
        self.assertEqual(promise.paid_amount, 0.0, "a credit note is not a payment")
        self._escalate(today=self.today + timedelta(days=1))
        self.assertEqual(promise.state, "cancelled", "nothing owed: neither kept nor broken")
        self.assertEqual(self.followup.risk_id.broken_promise_count, 0)

    def test_promise_cannot_exceed_what_is_overdue(self):
        with self.assertRaises(ValidationError) as caught:
            self._promise(150.0, days=3)
        self.assertIn("more than what is overdue", str(caught.exception))

    def test_payment_plan_splits_exactly_and_a_missed_instalment_escalates(self):
        plan = (
            self.env["credit.payment.plan"]
            .with_user(self.collections_user)
            .create(
                {
                    "followup_id": self.followup.id,
                    "instalment_count": 3,
                    "first_due_date": self.today + timedelta(days=1),
                    "interval_months": 1,
                    "grace_days": 2,
                }
            )
        )
        self.assertEqual(plan.instalment_ids.mapped("amount"), [33.33, 33.33, 33.34])
        self.assertEqual(sum(plan.instalment_ids.mapped("amount")), plan.amount_total)
        self.assertEqual(self.followup.state, "paused")
        self._pay(self.invoice, 33.33)
        self._escalate(today=self.today + timedelta(days=5))
        self.assertEqual(plan.state, "active")
        self.assertEqual(plan.instalment_ids.mapped("paid"), [True, False, False])
        self.assertEqual(len(self.followup.communication_ids), 1, "a kept plan pauses")
        second_due = plan.instalment_ids[1].due_date
        self._escalate(today=second_due + timedelta(days=3))
        self.assertEqual(plan.state, "broken")
        self.assertEqual(self.followup.level_id, self.levels[7], "one level up at once")
        self.assertEqual(self.followup.risk_id.broken_promise_count, 1)

    def test_payment_plan_needs_an_overdue_balance(self):
        self._pay(self.invoice, 100.0)
        with self.assertRaises(ValidationError):
            self.env["credit.payment.plan"].create({"followup_id": self.followup.id})
