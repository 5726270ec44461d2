from odoo.tests import HttpCase, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestCreditAgencyCaseTour(FollowupCommon, HttpCase):
    """In a real browser: the collector reads the agency cases and their graph; a Credit
    Manager recalls one with a reason; a salesperson has no menu."""

    def setUp(self):
        super().setUp()
        self._allow_jumps()
        agency = self.env["res.partner"].create({"name": "Tour Agency", "is_company": True})
        self.levels[60].write({"agency_partner_id": agency.id, "agency_fee_rate": 20.0})
        customer = self._customer("Handed Tour")
        invoice = self._invoice(customer, 1500.0, days_ago=65)
        self._followup(customer)
        self._escalate()
        self._deliver()
        self._pay(invoice, 600.0)
        self.case = self.env["credit.agency.case"].search([("partner_id", "=", customer.id)])

    def test_collector_reads_the_cases(self):
        self.start_tour(
            "/odoo/action-credit_collections.credit_agency_case_action",
            "credit_agency_case_collector",
            login=self.collections_user.login,
        )

    def test_credit_manager_recalls_a_case(self):
        self.start_tour(
            "/odoo/action-credit_collections.credit_agency_case_action",
            "credit_agency_case_recall",
            login=self.credit_manager.login,
        )
        self.assertEqual(self.case.state, "recalled")
        self.assertEqual(self.case.recall_reason, "Settled directly with us")

    def test_salesperson_has_no_agency_menu(self):
        menu = self.env.ref("credit_collections.menu_credit_agency_case")
        self.assertNotIn(
            menu.id, self.env["ir.ui.menu"].with_user(self.salesperson)._visible_menu_ids()
        )
