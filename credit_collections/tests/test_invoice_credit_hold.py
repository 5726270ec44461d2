from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestInvoiceCreditHold(CreditCollectionsCommon):
    """Customer with a 5,000 limit and 3,000 open; a draft invoice of 2,500 takes the exposure
    to 5,500: posting it is what the policy's invoice mode decides."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.policy = cls.env["credit.risk.policy"]._for_company(cls.company)
        cls.policy.hold_grade = False
        cls.customer.credit_limit = 5000.0
        cls._invoice(cls.customer, 3000.0)
        cls.accountant = cls._new_user("cc_accountant", "account.group_account_invoice")

    def _draft(self, amount=2500.0, partner=None):
        return self._invoice(partner or self.customer, amount, post=False).with_user(
            self.accountant
        )

    def test_allow_posts_without_a_word(self):
        self.assertEqual(self.policy.invoice_hold_mode, "allow", "the default")
        invoice = self._draft()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(any("credit rules" in body for body in invoice.message_ids.mapped("body")))

    def test_warn_posts_and_logs_the_reasons(self):
        self.policy.invoice_hold_mode = "warn"
        invoice = self._draft()
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.credit_hold)
        self.assertIn(
            "The exposure ($&nbsp;5,500.00) exceeds the credit limit of $&nbsp;5,000.00 by "
            "$&nbsp;500.00.",
            invoice.message_ids[0].body,
        )

    def test_block_holds_until_a_credit_manager_releases_once(self):
        self.policy.invoice_hold_mode = "block"
        invoice = self._draft()
        result = invoice.action_post()
        self.assertEqual(result["tag"], "display_notification")
        self.assertEqual(invoice.state, "draft")
        self.assertTrue(invoice.credit_hold)
        self.assertIn("exceeds the credit limit", invoice.credit_hold_reasons)
        invoice.action_credit_request_release()
        with self.assertRaises(AccessError):
            invoice._credit_release("I know them")
        with self.assertRaises(AccessError):
            self.env["credit.hold.release.wizard"].with_user(self.accountant).create(
                {"res_model": "account.move", "res_id": invoice.id, "reason": "I know them"}
            )

        wizard = (
            self.env["credit.hold.release.wizard"]
            .with_user(self.credit_manager)
            .create({"res_model": "account.move", "res_id": invoice.id, "reason": "Paid cash"})
        )
        self.assertIn("exceeds the credit limit", wizard.hold_reasons)
        wizard.action_release()
        self.assertFalse(invoice.credit_hold)
        self.assertIn("Credit hold released", invoice.message_ids[0].body)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertTrue(invoice.credit_release_consumed)

        invoice.button_draft()
        invoice.action_post()
        self.assertEqual(invoice.state, "draft", "the release covered one posting")
        self.assertTrue(invoice.credit_hold)

    def test_block_holds_on_every_posting_path(self):
        self.policy.invoice_hold_mode = "block"
        for post in (
            lambda invoice: invoice._post(soft=False),
            lambda invoice: invoice.write({"state": "posted"}),
        ):
            invoice = self._draft()
            with self.subTest(post=post), self.assertRaisesRegex(UserError, "exceeds the credit"):
                post(invoice)
            self.assertEqual(invoice.state, "draft")

    def test_block_lets_a_clean_customer_through(self):
        self.policy.invoice_hold_mode = "block"
        clean = self.env["res.partner"].create({"name": "Clean", "is_company": True})
        invoice = self._draft(partner=clean)
        self.assertIs(invoice.action_post(), False)
        self.assertEqual(invoice.state, "posted")

    def test_held_invoice_passes_once_the_customer_pays(self):
        self.policy.invoice_hold_mode = "block"
        invoice = self._draft()
        invoice.action_post()
        self.assertTrue(invoice.credit_hold)
        open_invoice = self.env["account.move"].search(
            [("partner_id", "=", self.customer.id), ("state", "=", "posted")]
        )
        self._pay(open_invoice, 1000.0)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertFalse(invoice.credit_hold)

    def test_each_company_posts_by_its_own_policy(self):
        self.policy.invoice_hold_mode = "block"
        other = self.env["credit.risk.policy"]._for_company(self.other_company)
        other.invoice_hold_mode = "warn"
        self.customer.with_company(self.other_company).credit_hold = True
        invoice = self._invoice(self.customer, 100.0, post=False, company=self.other_company)
        invoice.action_post()
        self.assertEqual(invoice.state, "posted")
        self.assertIn("is on credit hold", invoice.message_ids[0].body)
