from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestPortalStatementTour(CreditCollectionsCommon, HttpCase):
    """In a real browser, without a login: the customer opens its reminder's link, promises to
    pay one invoice and disputes the other; or ticks two invoices and pays them at once."""

    def test_customer_promises_and_disputes_from_the_link(self):
        customer = self.env["res.partner"].create({"name": "Portal Customer", "is_company": True})
        late = self._invoice(customer, 700.0, days_ago=40)
        disputed = self._invoice(customer, 300.0, days_ago=10)
        self.env["credit.followup"]._ensure_followups(self.company)
        followup = self.env["credit.followup"].search([("partner_id", "=", customer.id)])
        self.start_tour(
            f"/credit/statement/{followup._statement_token()}", "credit_portal_statement"
        )
        promise = self.env["credit.followup.promise"].search([("followup_id", "=", followup.id)])
        self.assertEqual(promise.amount, 700.0)
        self.assertFalse(late.credit_dispute_reason)
        self.assertIn("Wrong quantity delivered", disputed.credit_dispute_reason)

    def test_customer_pays_two_invoices_at_once_from_the_link(self):
        provider = self._online_provider()
        card = self.env.ref("payment.payment_method_card")
        provider.write({"is_published": True, "payment_method_ids": [Command.link(card.id)]})
        card.active = True
        customer = self.env["res.partner"].create({"name": "Paying Customer", "is_company": True})
        self._invoice(customer, 700.0, days_ago=40)
        self._invoice(customer, 300.5, days_ago=10)
        self._invoice(customer, 45.0, days_ago=2)
        self.env["credit.followup"]._ensure_followups(self.company)
        followup = self.env["credit.followup"].search([("partner_id", "=", customer.id)])
        self.start_tour(
            f"/credit/statement/{followup._statement_token()}", "credit_portal_statement_pay"
        )
