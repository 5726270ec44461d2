from datetime import timedelta

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestCreditReconcileSuggestion(FollowupCommon):
    """Open credits matched with the invoices they should settle, applied through Odoo's own
    reconciliation; the ladder leaves an invoice a credit settles in full out of its
    reminders and asks the collector to reconcile."""

    def setUp(self):
        super().setUp()
        self.customer = self._customer("Reconcilable")

    def _suggestions(self, partner=None):
        return self.env["credit.reconcile.suggestion"].search(
            [("partner_id", "=", (partner or self.customer).id)]
        )

    def _unapplied_payment(self, amount, memo="", currency=None):
        payment = self.env["account.payment"].create(
            {
                "partner_id": self.customer.id,
                "partner_type": "customer",
                "payment_type": "inbound",
                "amount": amount,
                "memo": memo,
                "currency_id": (currency or self.company.currency_id).id,
            }
        )
        payment.action_post()
        return payment

    def test_same_amount_first_then_reference_then_oldest(self):
        oldest = self._invoice(self.customer, 300.0, days_ago=50)
        named = self._invoice(self.customer, 200.0, days_ago=20)
        same = self._invoice(self.customer, 500.0, days_ago=10)
        refund = self._invoice(self.customer, 500.0, move_type="out_refund")
        self._unapplied_payment(120.0, memo=f"Payment of {named.name}")
        self._unapplied_payment(150.0)
        rows = {
            (row.credit_amount, row.invoice_id, row.match, row.applied_amount, row.covers_invoice)
            for row in self._suggestions()
        }
        self.assertEqual(
            rows,
            {
                (500.0, same, "amount", 500.0, True),
                (120.0, named, "reference", 120.0, False),
                (150.0, oldest, "oldest", 150.0, False),
            },
        )
        self.assertEqual(self._suggestions().filtered("covers_invoice").credit_move_id, refund)

    def test_foreign_currency_credit_matches_in_its_currency(self):
        eur = self.setup_other_currency(
            "EUR", rates=[("1900-01-01", 2.0), (self.today - timedelta(days=5), 4.0)]
        )
        invoice = self._invoice(self.customer, 400.0, days_ago=30, currency_id=eur.id)
        self._invoice(self.customer, 100.0, days_ago=60)  # 100 USD: the same in company currency
        self._invoice(self.customer, 400.0, move_type="out_refund", currency_id=eur.id)
        suggestion = self._suggestions()
        self.assertEqual((suggestion.invoice_id, suggestion.match), (invoice, "amount"))
        self.assertEqual(suggestion.invoice_residual, 200.0, "400 EUR at 2 per USD")
        self.assertEqual(suggestion.credit_amount, 100.0, "400 EUR at 4 per USD")

    def test_collector_applies_and_the_row_goes(self):
        invoice = self._invoice(self.customer, 500.0, days_ago=10)
        self._invoice(self.customer, 500.0, move_type="out_refund")
        suggestion = self._suggestions().with_user(self.collections_user)
        suggestion.action_apply()
        self.assertEqual(invoice.payment_state, "reversed")
        self.assertFalse(self._suggestions())
        self.assertIn("from the credits to reconcile", invoice.message_ids[0].body)

    def test_two_credits_for_one_invoice_apply_one_and_tell_the_other(self):
        invoice = self._invoice(self.customer, 500.0, days_ago=10)
        self._invoice(self.customer, 500.0, move_type="out_refund")
        self._unapplied_payment(500.0)
        suggestions = self._suggestions().with_user(self.collections_user)
        self.assertEqual(suggestions.invoice_id, invoice, "both credits go to the one invoice")
        action = suggestions.action_apply()
        self.assertEqual(action["params"]["type"], "warning")
        self.assertEqual(invoice.amount_residual, 0.0)
        self.assertEqual(len(self._suggestions()), 0, "no open invoice left to match")

    def test_a_partial_credit_leaves_the_rest_open(self):
        invoice = self._invoice(self.customer, 500.0, days_ago=10)
        self._unapplied_payment(200.0)
        self._suggestions().with_user(self.collections_user).action_apply()
        self.assertEqual(invoice.amount_residual, 300.0)
        self.assertEqual(invoice.payment_state, "partial")

    def test_salesperson_has_no_access(self):
        self._invoice(self.customer, 500.0, days_ago=10)
        self._unapplied_payment(500.0)
        with self.assertRaises(AccessError):
            self.env["credit.reconcile.suggestion"].with_user(self.salesperson).search([])
        other = self.env["credit.reconcile.suggestion"].with_user(self.other_company_manager)
        self.assertFalse(other.search([("partner_id", "=", self.customer.id)]))

    def test_ladder_leaves_a_settled_invoice_out_and_asks_to_reconcile(self):
        dunned = self._invoice(self.customer, 400.0, days_ago=40)
        credited = self._invoice(self.customer, 300.0, days_ago=40)
        self._invoice(self.customer, 300.0, move_type="out_refund")
        followup = self._followup(self.customer)
        self._escalate()
        communication = followup.communication_ids
        self.assertEqual(communication.line_ids.move_id, dunned, "the credited one is left out")
        self.assertEqual(followup.overdue_amount, 400.0)
        asks = followup.activity_ids.filtered(lambda a: a.summary == "Reconcile open credits")
        self.assertIn(credited.name, str(asks.note))
        self._escalate(today=self.today + timedelta(days=1))
        self.assertEqual(
            followup.activity_ids.filtered(lambda a: a.summary == "Reconcile open credits"), asks
        )

    def test_the_collector_is_asked_without_a_notice_per_request(self):
        """The run leaves the request in the collector's activities, where a night's dozens
        wait, not each in the collector's inbox too."""
        self._invoice(self.customer, 300.0, days_ago=40)
        self._invoice(self.customer, 300.0, move_type="out_refund")
        followup = self._followup(self.customer)
        followup.collector_override_id = self.collections_user
        self._escalate()
        ask = followup.activity_ids.filtered(lambda a: a.summary == "Reconcile open credits")
        self.assertEqual(ask.user_id, self.collections_user)
        notices = self.env["mail.message"].search(
            [
                ("message_type", "=", "user_notification"),
                ("partner_ids", "in", self.collections_user.partner_id.ids),
            ]
        )
        self.assertFalse(notices)

    def test_nothing_sent_when_credits_settle_everything(self):
        self._invoice(self.customer, 300.0, days_ago=40)
        self._invoice(self.customer, 300.0, move_type="out_refund")
        followup = self._followup(self.customer)
        self._escalate()
        self.assertFalse(followup.communication_ids)
        self.assertTrue(
            followup.activity_ids.filtered(lambda a: a.summary == "Reconcile open credits")
        )
