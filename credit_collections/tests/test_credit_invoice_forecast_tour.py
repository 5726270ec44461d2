from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditInvoiceForecastTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a collector reads the cash-in forecast; a salesperson has no menu."""

    def test_collector_reads_the_forecast(self):
        customer = self.env["res.partner"].create({"name": "Forecast Customer", "is_company": True})
        self._invoice(customer, 750.0)
        self._refreshed_risk(customer)
        self.start_tour(
            "/odoo/action-credit_collections.credit_invoice_forecast_action",
            "credit_invoice_forecast_collector",
            login=self.collections_user.login,
        )

    def test_collector_finds_the_invoices_under_a_payment_plan(self):
        names = ("Planned Customer", "Unplanned Customer")
        planned, unplanned = self.env["res.partner"].create(
            [{"name": name, "is_company": True} for name in names]
        )
        for customer in planned | unplanned:
            self._invoice(customer, 600.0, days_ago=20)
        self.env["credit.followup"]._ensure_followups(self.company)
        followup = self.env["credit.followup"].search(
            [("partner_id", "=", planned.id), ("company_id", "=", self.company.id)]
        )
        self.env["credit.payment.plan"].create({"followup_id": followup.id, "instalment_count": 3})
        self._refreshed_risk(planned)
        self._refreshed_risk(unplanned)
        self.start_tour(
            "/odoo/action-credit_collections.credit_invoice_forecast_action?view_type=list",
            "credit_invoice_forecast_plan",
            login=self.collections_user.login,
        )

    def test_collector_reads_why_a_large_invoice_is_expected_late(self):
        customer = self.env["res.partner"].create({"name": "Large Customer", "is_company": True})
        self._paid_history(customer, [0] * 6, amount=100.0)
        self._paid_history(customer, [30] * 3, amount=1000.0)
        self._invoice(customer, 1800.0)
        self._refreshed_risk(customer)
        self.start_tour(
            "/odoo/action-credit_collections.credit_invoice_forecast_action",
            "credit_invoice_forecast_large",
            login=self.collections_user.login,
        )

    def test_salesperson_has_no_forecast_menu(self):
        menu = self.env.ref("credit_collections.menu_credit_invoice_forecast")
        menus = self.env["ir.ui.menu"]
        self.assertIn(menu.id, menus.with_user(self.collections_user)._visible_menu_ids())
        self.assertNotIn(menu.id, menus.with_user(self.salesperson)._visible_menu_ids())
