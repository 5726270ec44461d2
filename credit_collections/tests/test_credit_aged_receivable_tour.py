from datetime import timedelta

from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditAgedReceivableTour(CreditCollectionsCommon, HttpCase):
    """A Credit Manager reads last month's aged receivables and drills down to the invoice; a
    salesperson is not offered them."""

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
