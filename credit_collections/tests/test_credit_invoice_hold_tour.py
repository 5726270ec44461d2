from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditInvoiceHoldTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: an accountant's posting is held, a Credit Manager releases it."""

    def test_accountant_held_manager_releases(self):
        self.company.account_use_credit_limit = True
        self.env["credit.risk.policy"]._for_company(self.company).invoice_hold_mode = "block"
        self.customer.credit_limit = 1000.0
        accountant = self._new_user("cc_tour_accountant", "account.group_account_invoice")
        invoice = self._invoice(self.customer, 2500.0, post=False)
        url = f"/odoo/action-account.action_move_out_invoice_type/{invoice.id}"

        self.start_tour(url, "credit_invoice_hold_accountant", login=accountant.login)
        self.assertTrue(invoice.credit_hold)
        self.assertEqual(invoice.state, "draft")

        self.start_tour(url, "credit_invoice_hold_manager", login=self.credit_manager.login)
        self.assertEqual(invoice.state, "posted")
        self.assertEqual(invoice.credit_released_by_id, self.credit_manager)
