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
        provider = self._demo_provider()
        customer = self.env["res.partner"].create({"name": "Paying Customer", "is_company": True})
        late = self._invoice(customer, 700.0, days_ago=40)
        recent = self._invoice(customer, 300.5, days_ago=10)
        left = self._invoice(customer, 45.0, days_ago=2)
        self.env["credit.followup"]._ensure_followups(self.company)
        followup = self.env["credit.followup"].search([("partner_id", "=", customer.id)])
        self.start_tour(
            f"/credit/statement/{followup._statement_token()}", "credit_portal_statement_pay"
        )
        transaction = (late | recent).transaction_ids
        self.assertEqual(transaction.provider_id, provider)
        self.assertEqual((transaction.state, transaction.amount), ("done", 1000.5))
        self.assertEqual((late | recent).mapped("amount_residual"), [0.0, 0.0])
        self.assertEqual(left.amount_residual, 45.0)

    def _demo_provider(self):
        """Odoo's demo provider in the test company (``test.sh`` installs ``payment_demo``)."""
        demo = self.env.ref("payment.payment_provider_demo").sudo()  # of the main company
        self.assertEqual(demo.code, "demo", "payment_demo must be installed in the database")
        return demo.copy(
            {
                "company_id": self.company.id,
                "state": "test",
                "is_published": True,
                "journal_id": self.company_data["default_journal_bank"].id,
            }
        )
