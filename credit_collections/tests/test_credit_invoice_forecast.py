from datetime import timedelta
from unittest.mock import patch

from odoo.tests import tagged

from ..tools.forecast import LARGE_SHRINK, RECENT_WEIGHT
from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditInvoiceForecast(CreditCollectionsCommon):
    """Expected payment dates of open invoices, from hand-built histories. Amounts without
    taxes, due on their invoice date."""

    def _not_due(self, partner, amount=100.0):
        """An invoice of today, due in 30 days (of the usual size of ``_history``'s)."""
        term = self.env.ref("account.account_payment_term_30days")
        return self._invoice(partner, amount, invoice_payment_term_id=term.id)

    def _forecast(self, invoice):
        self._refreshed_risk(invoice.partner_id)
        return self.env["credit.invoice.forecast"].search([("move_id", "=", invoice.id)])

    def _prior(self):
        """The portfolio's delay and credibility constant, as the forecast reads them."""
        prior = self.env["credit.invoice.forecast"]._portfolio_prior(self.company)
        [(days_late, shrink)] = self.env.execute_query(prior)
        return days_late, shrink

    def _shrunk(self, count, own):
        days_late, shrink = self._prior()
        weight = shrink / (count + shrink)
        return round((1 - weight) * own + weight * days_late)

    def _expected_delay(self, count, customer, recent=None):
        recent = customer if recent is None else recent
        return self._shrunk(count, (1 - RECENT_WEIGHT) * customer + RECENT_WEIGHT * recent)

    def _customers(self, histories):
        """A customer per list of delays, its invoices paid 10 days ago; refreshed."""
        customers = self.env["res.partner"].create(
            [{"name": f"Customer {index}", "is_company": True} for index in range(len(histories))]
        )
        for customer, delays in zip(customers, histories, strict=True):
            self._paid_history(customer, delays, paid_days_ago=10)
            self._refreshed_risk(customer)
        return customers

    def test_customer_always_on_time(self):
        self._paid_history(self.customer, [0] * 6)
        invoice = self._not_due(self.customer)
        forecast = self._forecast(invoice)
        self.assertEqual(forecast.paid_count, 6)
        self.assertEqual(forecast.due_status, "not_due")
        self.assertEqual(forecast.customer_days_late, 0.0)
        expected = self._expected_delay(6, 0.0)
        self.assertEqual(forecast.predicted_days_late, expected)
        self.assertEqual(forecast.predicted_date, invoice.invoice_date_due + timedelta(expected))
        self.assertEqual(invoice.credit_predicted_pay_date, forecast.predicted_date)
        self.assertEqual(forecast.reason, "Pays 0 days late on average over 6 invoices.")

    def test_customer_always_30_days_late(self):
        self._paid_history(self.customer, [30] * 6, paid_days_ago=10)
        invoice = self._not_due(self.customer)
        forecast = self._forecast(invoice)
        self.assertEqual(forecast.customer_days_late, 30.0)
        self.assertEqual(forecast.recent_days_late, 30.0)
        self.assertEqual(forecast.predicted_days_late, self._expected_delay(6, 30.0, 30.0))
        self.assertEqual(
            forecast.reason,
            "Pays 30 days late on average over 6 invoices.",
            "all paid in the last quarter: its delay said once",
        )

    def test_worsening_customer_weighs_the_last_quarter(self):
        self._paid_history(self.customer, [0] * 4, paid_days_ago=200)
        self._paid_history(self.customer, [40] * 4, paid_days_ago=20)
        invoice = self._not_due(self.customer)
        forecast = self._forecast(invoice)
        self.assertEqual(forecast.customer_days_late, 20.0)
        self.assertEqual(forecast.recent_days_late, 40.0)
        self.assertEqual(forecast.predicted_days_late, self._expected_delay(8, 20.0, 40.0))
        self.assertEqual(
            forecast.reason,
            "Pays 20 days late on average over 8 invoices, 40 over the last quarter.",
        )

    def test_new_customer_gets_the_portfolios_delay(self):
        self._paid_history(self.customer, [20] * 6)
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "is_company": True})
        invoice = self._not_due(newcomer)
        forecast = self._forecast(invoice)
        self.assertEqual(forecast.paid_count, 0)
        self.assertEqual(forecast.predicted_days_late, round(self._prior()[0]))
        self.assertIn("No paid invoice yet", forecast.reason)

    def test_large_invoice_leans_on_how_the_large_ones_were_paid(self):
        """Six invoices of 100 paid on time, three of 1,000 (2.5x the usual of 400) 30 days
        late: an open one of 1,800 is expected later than one of 100, and the reason says why."""
        self._paid_history(self.customer, [0] * 6, amount=100.0)
        self._paid_history(self.customer, [30] * 3, amount=1000.0)
        small = self._forecast(self._not_due(self.customer, 100.0))
        large = self._forecast(self._not_due(self.customer, 1800.0))
        self.assertEqual(large.usual_amount, 400.0)
        self.assertEqual(large.size_ratio, 4.5)
        self.assertEqual((large.large_paid_count, large.large_days_late), (3, 30.0))
        own = small.customer_days_late  # amount-weighted: 25 days
        expected = self._shrunk(9, (3 * 30.0 + LARGE_SHRINK * own) / (3 + LARGE_SHRINK))
        self.assertEqual(large.predicted_days_late, expected)
        self.assertGreater(large.predicted_days_late, small.predicted_days_late)
        self.assertEqual(
            large.reason,
            f"Pays {round(own)} days late on average over 9 invoices; a large invoice for this "
            "customer (4.5 times its usual): its large ones were paid 30 days late.",
        )
        self.assertNotIn("large", small.reason)

    def test_first_large_invoice_is_named_but_not_moved(self):
        self._paid_history(self.customer, [10] * 6)
        forecast = self._forecast(self._not_due(self.customer, 300.0))
        self.assertEqual(forecast.predicted_days_late, self._expected_delay(6, 10.0))
        self.assertIn("(3.0 times its usual), the first so large", forecast.reason)

    def test_thin_history_is_weighed_with_its_category(self):
        """A customer with one paid invoice, in a category whose customers paid enough
        invoices between them, is shrunk towards the category's delay, not the portfolio's."""
        self._paid_history(self.customer, [0] * 6)
        slow = self.env["res.partner"].create({"name": "Slow", "is_company": True})
        self._paid_history(slow, [30, 60] * 10, paid_days_ago=10)
        thin = self.env["res.partner"].create({"name": "Thin", "is_company": True})
        self._paid_history(thin, [45], paid_days_ago=10)
        category = self.env["credit.delinquency.category"].create(
            {
                "name": "Slow payers",
                "policy_id": self.env["credit.followup.policy"].search([], limit=1).id,
            }
        )
        for partner in slow | thin:
            self._invoice(partner, 100.0, days_ago=60)
        followups = self.env["credit.followup"]
        followups._ensure_followups(self.company)
        followups.search([("partner_id", "in", (slow | thin).ids)]).category_override_id = category
        self._refreshed_risk(slow)
        forecast = self._forecast(self._not_due(thin))
        self.assertEqual(forecast.prior_category_id, category)
        self.assertEqual(forecast.prior_days_late, 45.0)
        self.assertEqual(forecast.predicted_days_late, 45)
        self.assertGreater(forecast.prior_weight, 0.15)
        self.assertEqual(
            forecast.reason,
            "Paid its one invoice 45 days late; few invoices, so weighed at "
            f"{round(forecast.prior_weight * 100)}% with the 45 days of customers in the "
            "category Slow payers.",
        )
        portfolio = self._forecast(self._not_due(self.customer))
        self.assertFalse(portfolio.prior_category_id, "no follow-up: the portfolio's delay")

    def test_nightly_run_reads_the_priors_once_and_forecasts_the_same(self):
        self.test_thin_history_is_weighed_with_its_category()
        forecasts = self.env["credit.invoice.forecast"].search([])
        fields_ = ["line_id", "predicted_date", "prior_days_late", "prior_category_id"]
        alone = forecasts.read(fields_)
        self.env.cr.execute("UPDATE credit_partner_risk SET computed_on = computed_on - 1")
        queries = []
        run_priors = type(forecasts)._run_priors

        def counted(model, company, today):
            queries.append(company)
            return run_priors(model, company, today)

        with patch.object(type(forecasts), "_run_priors", counted):
            self.env["credit.partner.risk"]._refresh_stale(lambda *args, **kwargs: True, 1)
        self.assertEqual(len(queries), len(set(queries)), "once per company, not per batch")
        forecasts.invalidate_recordset()
        self.assertEqual(forecasts.read(fields_), alone)

    def test_customer_refreshed_alone_reads_the_nightly_priors(self):
        """After the nightly run, a customer refreshed alone takes the priors the run kept on
        the company, not every customer's figures; a second run the same day keeps them."""
        self._paid_history(self.customer, [20] * 6)
        self._refreshed_risk(self.customer)
        run = self.env["credit.partner.risk"]._refresh_stale
        run(lambda *args, **kwargs: True)
        company = self.company.sudo()
        priors = company.credit_forecast_priors
        self.assertEqual(priors["computed_on"], str(self.today))
        self.assertEqual(priors["portfolio"], list(self._prior()))
        company.credit_forecast_priors = dict(priors, portfolio=[33.0, 25.0])
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "is_company": True})
        forecast = self._forecast(self._not_due(newcomer))
        self.assertEqual(forecast.prior_days_late, 33.0)
        run(lambda *args, **kwargs: True)
        self.assertEqual(company.credit_forecast_priors["portfolio"], [33.0, 25.0])

    def test_customers_who_pay_like_clockwork_are_believed_on_few_invoices(self):
        """Each customer always as late as before, some never, some 40 days: the portfolio
        says little about a customer, two invoices are enough."""
        _on_time, _late, newer = self._customers([[0] * 6, [40] * 6, [40] * 2])
        forecast = self._forecast(self._not_due(newer))
        self.assertEqual(self._prior()[1], 0.05, "no spread within customers: the lowest k")
        self.assertEqual(forecast.predicted_days_late, 40)
        self.assertNotIn("weighed", forecast.reason)

    def test_customers_whose_delays_vary_lean_on_the_portfolio(self):
        """Customers who pay on time one month and 40 days late the next, alike on average:
        two invoices 40 days late say little, the portfolio's delay weighs most."""
        _first, _second, newer = self._customers([[0, 40] * 3, [40, 0] * 3, [40] * 2])
        forecast = self._forecast(self._not_due(newer))
        days_late, shrink = self._prior()
        self.assertEqual(shrink, 25, "no spread between customers beyond chance: the highest k")
        self.assertAlmostEqual(forecast.prior_weight, 25 / 27)
        self.assertEqual(forecast.predicted_days_late, self._shrunk(2, 40.0))
        self.assertLess(forecast.predicted_days_late, 30)
        self.assertIn(
            f"so weighed at 93% with the {round(days_late)} days of the portfolio's customers",
            forecast.reason,
        )

    def test_invoice_later_than_predicted_is_expected_tomorrow(self):
        self._paid_history(self.customer, [0] * 6)
        invoice = self._invoice(self.customer, 500.0, days_ago=60)
        forecast = self._forecast(invoice)
        self.assertEqual(forecast.predicted_date, self.today + timedelta(days=1))
        self.assertEqual(forecast.due_status, "overdue")

    def test_promise_overrides_the_prediction(self):
        invoice = self._invoice(self.customer, 500.0, days_ago=20)
        self.env["credit.followup"]._ensure_followups(self.company)
        followup = self.env["credit.followup"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        promise_date = self.today + timedelta(days=12)
        self.env["credit.followup.promise"].create(
            {"followup_id": followup.id, "promise_date": promise_date, "amount": 500.0}
        )
        forecast = self._forecast(invoice)
        self.assertEqual(forecast.predicted_date, promise_date)
        self.assertEqual(forecast.reason, f"Promised for {promise_date}.")

    def test_payment_plan_dates_each_invoice_by_the_instalment_that_settles_it(self):
        """300 then 200 overdue, planned in 5 instalments of 100 a month apart: the first
        invoice is settled by the third instalment, the second by the fifth; once the first
        instalment is paid, the remaining four still settle them in order."""
        first = self._invoice(self.customer, 300.0, days_ago=40)
        second = self._invoice(self.customer, 200.0, days_ago=20)
        self.env["credit.followup"]._ensure_followups(self.company)
        followup = self.env["credit.followup"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        plan = self.env["credit.payment.plan"].create(
            {
                "followup_id": followup.id,
                "instalment_count": 5,
                "first_due_date": self.today + timedelta(days=3),
                "interval_months": 1,
            }
        )
        dates = plan.instalment_ids.sorted("due_date").mapped("due_date")
        self.assertEqual(self._forecast(first).predicted_date, dates[2])
        self.assertEqual(self._forecast(second).predicted_date, dates[4])
        self.assertEqual(
            self._forecast(first).reason,
            f"Under a payment plan: settled by its instalment of {dates[2]}.",
        )
        self._pay(first, 100.0)
        plan.instalment_ids.sorted("due_date")[0].paid = True
        self.assertEqual(self._forecast(first).predicted_date, dates[2], "200 left: two more")
        self.assertEqual(self._forecast(second).predicted_date, dates[4])
        plan.state = "broken"
        self.assertFalse(self._forecast(second).plan_date, "a broken plan dates nothing")

    def test_partial_payment_and_foreign_currency_in_company_currency(self):
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        invoice = self._invoice(self.customer, 1000.0, currency_id=eur.id)
        self._pay(invoice, 400.0)
        forecast = self._forecast(invoice)
        self.assertEqual(forecast.amount_residual, 300.0, "600 EUR left, at 2 EUR per USD")

    def test_paid_invoice_leaves_the_forecast(self):
        invoice = self._invoice(self.customer, 500.0)
        self.assertTrue(self._forecast(invoice))
        self._pay(invoice, 500.0)
        self.assertFalse(self._forecast(invoice))

    def test_collector_reads_the_forecast_salesperson_does_not(self):
        self._forecast(self._invoice(self.customer, 500.0))
        forecasts = self.env["credit.invoice.forecast"]
        self.assertEqual(forecasts.with_user(self.collections_user).search_count([]), 1)
        self.assertFalse(forecasts.with_user(self.salesperson).has_access("read"))
        self.assertFalse(forecasts.with_user(self.other_company_manager).search_count([]))

    def test_follow_up_worklist_knows_the_expected_lateness(self):
        self._paid_history(self.customer, [30] * 6, paid_days_ago=10)
        forecast = self._forecast(self._not_due(self.customer))
        followups = self.env["credit.followup"]
        followups._ensure_followups(self.company)
        followups._refresh_figures(self.company, self.customer.ids)
        followup = followups.search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(followup.expected_days_late, forecast.predicted_days_late)
        self.assertGreater(followup.expected_days_late, 20)

    def test_early_warning_once_before_the_due_date(self):
        self._paid_history(self.customer, [30] * 6, paid_days_ago=10)
        invoice = self._not_due(self.customer)
        risks = self.env["credit.partner.risk"]
        risks._refresh_nightly_batch(self.company, self.customer.ids, self.today)
        followup = self.env["credit.followup"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        activity = followup.activity_ids.filtered(lambda a: a.summary == "Expected to pay late")
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.date_deadline, invoice.invoice_date_due)
        self.assertIn(invoice.name, activity.note)
        self.assertIn("Pays 30 days late on average", activity.note)
        forecast = self.env["credit.invoice.forecast"].search([("move_id", "=", invoice.id)])
        self.assertEqual(forecast.warned_on, self.today)

        risks._refresh_nightly_batch(self.company, self.customer.ids, self.today)
        self.assertEqual(len(followup.activity_ids), 1, "warned once per invoice")

    def test_no_early_warning_for_a_punctual_customer_or_when_switched_off(self):
        self._paid_history(self.customer, [0] * 6)
        late = self.env["res.partner"].create({"name": "Late", "is_company": True})
        self._paid_history(late, [40] * 6, paid_days_ago=10)
        self._not_due(self.customer)
        self._not_due(late)
        policy = self.env["credit.risk.policy"]._for_company(self.company)
        policy.forecast_warning_days = 0
        risks = self.env["credit.partner.risk"]
        risks._refresh_nightly_batch(self.company, (self.customer | late).ids, self.today)
        warnings = self.env["mail.activity"].search([("summary", "=", "Expected to pay late")])
        self.assertFalse(warnings, "switched off")
        policy.forecast_warning_days = 15
        risks._refresh_nightly_batch(self.company, (self.customer | late).ids, self.today)
        warnings = self.env["mail.activity"].search([("summary", "=", "Expected to pay late")])
        self.assertEqual(warnings.mapped("res_name"), [late.display_name])
