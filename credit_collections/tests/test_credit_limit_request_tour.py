from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditLimitRequestTour(CreditCollectionsCommon, HttpCase):
    """A salesperson asks for a limit from the customer; a Credit Manager decides it."""

    def test_salesperson_requests_manager_approves_salesperson_is_told(self):
        self.company.account_use_credit_limit = True
        customer = self.env["res.partner"].create(
            {"name": "Limit Customer", "is_company": True, "credit_limit": 1000.0}
        )
        self._invoice(customer, 250.0, days_ago=3)
        self._refreshed_risk(customer)
        self.start_tour(
            f"/odoo/res.partner/{customer.id}",
            "credit_limit_request_salesperson",
            login=self.salesperson.login,
        )
        request = self.env["credit.limit.request"].search([("partner_id", "=", customer.id)])
        self.assertEqual(request.requested_limit, 5000.0)
        self.assertEqual(request.requested_by_id, self.salesperson)
        self.assertIn(self.credit_manager, request.activity_ids.user_id)

        self.start_tour(
            f"/odoo/action-credit_collections.credit_limit_request_action/{request.id}",
            "credit_limit_request_manager",
            login=self.credit_manager.login,
        )
        self.assertEqual(customer.with_company(self.company).credit_limit, 5000.0)
        self.assertFalse(request.activity_ids, "decided: the managers' activities are done")
        told = request.message_ids.filtered(
            lambda message: self.salesperson.partner_id in message.partner_ids
        )
        self.assertIn("Approved by", told.body)
