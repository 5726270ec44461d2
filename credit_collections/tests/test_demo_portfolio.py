from collections import Counter
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from odoo.addons.credit_collections.demo.credit_demo_portfolio import PORTFOLIO

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestDemoPortfolio(CreditCollectionsCommon):
    """The demo builder gives every later screen something meaningful to show."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.partners = cls.env["credit.demo.portfolio"]._build(cls.company)
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.invoices = cls.env["account.move"].search(
            [("partner_id", "in", cls.partners.ids), ("move_type", "=", "out_invoice")]
        )

    def _partners_of(self, profile):
        names = {customer.name for customer in PORTFOLIO if customer.profile == profile}
        return self.partners.filtered(lambda partner: partner.name in names)

    def _open_invoices(self, partners):
        return self.invoices.filtered(
            lambda invoice: invoice.partner_id in partners and invoice.amount_residual
        )

    def test_thirty_customers_with_distinct_histories(self):
        self.assertEqual(len(self.partners), 30)
        profiles = Counter(customer.profile for customer in PORTFOLIO)
        self.assertGreaterEqual(len(profiles), 10)
        self.assertTrue(all(invoice.state == "posted" for invoice in self.invoices))

    def test_history_spans_the_last_twelve_months(self):
        dates = self.invoices.mapped("invoice_date")
        self.assertGreaterEqual(min(dates), self.today - timedelta(days=366))
        self.assertGreaterEqual((self.today - min(dates)).days, 330)
        self.assertLessEqual(max(dates), self.today)
        payments = self.env["account.payment"].search([("partner_id", "in", self.partners.ids)])
        self.assertGreater(len(payments), 200)

    def test_prompt_payers_have_nothing_overdue(self):
        overdue = self._open_invoices(self._partners_of("prompt")).filtered(
            lambda invoice: invoice.invoice_date_due < self.today - timedelta(days=3)
        )
        self.assertFalse(overdue)

    def test_chronic_defaulters_owe_for_months(self):
        for partner in self._partners_of("chronic"):
            oldest_due = min(self._open_invoices(partner).mapped("invoice_date_due"))
            self.assertGreater((self.today - oldest_due).days, 120)

    def test_disputed_invoice_is_excluded_from_follow_up(self):
        disputed = self._open_invoices(self._partners_of("disputed")).filtered("no_followup")
        self.assertEqual(len(disputed), 2)

    def test_payment_plan_is_partly_paid(self):
        for partner in self._partners_of("payment_plan"):
            plan_invoice = self._open_invoices(partner).sorted("amount_total")[-1]
            self.assertEqual(plan_invoice.payment_state, "partial")

    def test_over_limit_customer_has_an_open_quotation(self):
        self.assertTrue(self.company.account_use_credit_limit)
        for partner in self._partners_of("over_limit"):
            partner = partner.with_company(self.company)
            quotation = self.env["sale.order"].search([("partner_id", "=", partner.id)])
            self.assertEqual(quotation.state, "draft")
            self.assertGreater(partner.credit + quotation.amount_total, partner.credit_limit)
            self.assertGreater(partner.credit_limit, 0)

    def test_credit_figures_are_ready_on_first_start(self):
        grades = {partner.credit_grade for partner in self.partners}
        self.assertTrue(all(grades))
        self.assertGreaterEqual(len(grades), 3, "a spread of grades")
        for partner in self._partners_of("chronic"):
            self.assertIn(partner.credit_grade, ("D", "E"))
        for partner in self._partners_of("prompt"):
            self.assertIn(partner.credit_grade, ("A", "B"))

    def test_late_payers_are_charged_interest(self):
        charges = self.env["credit.late.charge"].search([("partner_id", "in", self.partners.ids)])
        self.assertTrue(self._partners_of("chronic") <= charges.partner_id)
        self.assertFalse(self._partners_of("prompt") & charges.partner_id)
        self.assertEqual(set(charges.move_id.mapped("state")), {"posted"})

    def test_credit_note_reduces_an_open_invoice(self):
        partner = self._partners_of("credit_note")
        credit_note = self.env["account.move"].search(
            [("partner_id", "=", partner.id), ("move_type", "=", "out_refund")], order="id"
        )[0]
        self.assertEqual(credit_note.payment_state, "paid")

    def test_unapplied_credit_note_waits_to_be_reconciled(self):
        partner = self._partners_of("credit_note")
        suggestion = self.env["credit.reconcile.suggestion"].search(
            [("partner_id", "=", partner.id)]
        )
        self.assertEqual((suggestion.match, suggestion.covers_invoice), ("amount", True))

    def test_overdue_customers_are_on_the_watchlist(self):
        watched = (
            self.env["credit.risk.warning"]
            .search([("partner_id", "in", self.partners.ids)])
            .partner_id
        )
        self.assertTrue(self._partners_of("chronic") <= watched)
        self.assertFalse(self._partners_of("prompt") & watched)

    def test_a_credit_group_and_an_agency_case_to_show(self):
        group = self.env["credit.group"].search([("name", "=", "Coastal Holdings")])
        self.assertEqual(len(group.member_ids), 2)
        self.assertAlmostEqual(group.exposure, sum(group.member_ids.mapped("credit_exposure")), 2)
        self.assertGreater(group.available, 0, "under its limit: the demo's orders go through")
        case = self.env["credit.agency.case"].search([("partner_id", "in", self.partners.ids)])
        self.assertEqual(case.partner_id, self._partners_of("chronic")[1])
        self.assertEqual(case.state, "placed")
        self.assertGreater(case.amount_placed, 0)

    def test_building_twice_creates_nothing_more(self):
        moves_before = self.env["account.move"].search_count([])
        again = self.env["credit.demo.portfolio"]._build(self.company)
        self.assertEqual(again, self.partners)
        self.assertEqual(self.env["account.move"].search_count([]), moves_before)
