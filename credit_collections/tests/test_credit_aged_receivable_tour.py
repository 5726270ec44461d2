from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditAgedReceivableTour(CreditCollectionsCommon, HttpCase):
    """The manager's view: a Credit Manager reads last month's aged receivables, drills down to
    the invoice, reads the collection KPIs; a salesperson is offered neither, but reads a
    customer's score history."""

    def test_manager_drills_down_salesperson_not_offered(self):
        month_end = self.today.replace(day=1) - timedelta(days=1)
        customer = self.env["res.partner"].create({"name": "Aging Customer", "is_company": True})
        invoice = self._invoice(customer, 1000.0, days_ago=(self.today - month_end).days + 100)
        self._pay(invoice, 1000.0)
        self.start_tour(
            "/odoo/action-credit_collections.credit_partner_risk_action",
            "credit_aged_receivable_manager",
            login=self.credit_manager.login,
        )
        self.start_tour(
            "/odoo/action-credit_collections.credit_partner_risk_action",
            "credit_aged_receivable_salesperson",
            login=self.salesperson.login,
        )

    def test_manager_reads_kpis_salesperson_score_history(self):
        month_end = self.today.replace(day=1) - timedelta(days=1)
        customer = self.env["res.partner"].create({"name": "KPI Customer", "is_company": True})
        self._invoice(customer, 1000.0, days_ago=(self.today - month_end).days + 10)
        self.env["credit.collection.kpi"]._snapshot(self.company, self.today)
        self._refreshed_risk(customer)
        self.start_tour(
            "/odoo/action-credit_collections.credit_partner_risk_action",
            "credit_collection_kpi_manager",
            login=self.credit_manager.login,
        )
        self.start_tour(
            f"/odoo/res.partner/{customer.id}",
            "credit_score_history_salesperson",
            login=self.salesperson.login,
        )
