from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import HttpCase, JsonRpcException, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestPortalStatementPayment(CreditCollectionsCommon, HttpCase):
    """From the statement's link, without a login, the customer pays the invoices it ticks
    (or all) in one online payment, through Odoo's payment form and transactions; a link
    pays nothing of another customer, and the amount is what the invoices owe."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.late = cls._invoice(cls.customer, 700.0, days_ago=40)
        cls.recent = cls._invoice(cls.customer, 300.25, days_ago=10)
        cls.third = cls._invoice(cls.customer, 50.0, days_ago=5)
        stranger = cls.env["res.partner"].create({"name": "Stranger Ltd", "is_company": True})
        cls.strangers_invoice = cls._invoice(stranger, 999.0, days_ago=40)
        cls.env["credit.followup"]._ensure_followups(cls.company)
        cls.followup = cls.env["credit.followup"].search(
            [("partner_id", "=", cls.customer.id), ("company_id", "=", cls.company.id)]
        )
        cls.provider = cls._online_provider()
        card = cls.env.ref("payment.payment_method_card")
        cls.provider.write({"is_published": True, "payment_method_ids": [Command.link(card.id)]})
        card.active = True  # a method with a provider to support it
        cls.token = cls.followup._statement_token()

    def _pay_page(self, query):
        return self.url_open(f"/credit/statement/{self.token}/pay?{query}")

    def _transaction(self, invoice_ids, amount):
        return self.make_jsonrpc_request(
            f"/credit/statement/{self.token}/transaction/{invoice_ids}",
            {
                "provider_id": self.provider.id,
                "payment_method_id": self.env.ref("payment.payment_method_unknown").id,
                "token_id": None,
                "amount": amount,
                "flow": "redirect",
                "tokenization_requested": False,
                "landing_route": f"/credit/statement/{self.token}",
            },
        )

    def test_the_statement_offers_to_pay_several_invoices(self):
        page = self.url_open(f"/credit/statement/{self.token}").text
        for invoice in self.late | self.recent | self.third:
            self.assertRegex(page, rf'name="invoice_ids"[^>]* value="{invoice.id}"')
        self.assertIn("Pay selected invoices", page)
        self.assertIn("Pay all open invoices", page)

    def test_customer_pays_two_invoices_in_one_payment(self):
        page = self._pay_page(f"invoice_ids={self.late.id}&invoice_ids={self.recent.id}")
        self.assertEqual(page.status_code, 200)
        text = page.text.replace("\xa0", " ")
        self.assertIn("1,000.25", text, "the total of the two")
        self.assertIn(f"/transaction/{self.late.id},{self.recent.id}", text)
        self.assertNotIn(self.third.name, text)
        values = self._transaction(f"{self.late.id},{self.recent.id}", amount=1.0)
        transaction = self.env["payment.transaction"].search(
            [("reference", "=", values["reference"])]
        )
        self.assertEqual(transaction.amount, 1000.25, "what they owe, not what the page sent")
        self.assertEqual(transaction.invoice_ids, self.late | self.recent)
        self.assertEqual(transaction.partner_id, self.customer)
        transaction._set_done()
        transaction._post_process()
        self.assertEqual(self.late.amount_residual, 0.0)
        self.assertEqual(self.recent.amount_residual, 0.0)
        self.assertEqual(self.third.amount_residual, 50.0)

    def test_pay_all_takes_every_open_invoice(self):
        text = self._pay_page("all=1").text.replace("\xa0", " ")
        self.assertIn("1,050.25", text)
        self.assertIn(f"/transaction/{self.late.id},{self.recent.id},{self.third.id}", text)

    def test_a_link_pays_nothing_of_another_customer(self):
        text = self._pay_page(f"invoice_ids={self.strangers_invoice.id}").text
        self.assertIn("Only the open invoices of this statement can be paid", text)
        self.assertIn("Choose the invoices to pay", self._pay_page("").text)
        with self.assertRaises(JsonRpcException) as caught:
            self._transaction(f"{self.late.id},{self.strangers_invoice.id}", amount=1699.0)
        self.assertEqual(caught.exception.args[0], "odoo.exceptions.UserError")
        self.assertFalse(self.strangers_invoice.transaction_ids)
        self.assertEqual(self.url_open("/credit/statement/forged/pay?all=1").status_code, 404)

    def test_one_currency_at_a_time(self):
        euro = self.env.ref("base.EUR")
        euro.active = True
        in_euro = self._invoice(self.customer, 80.0, days_ago=3, currency_id=euro.id)
        with self.assertRaisesRegex(UserError, "one currency at a time"):
            self.followup._portal_invoices_to_pay((self.late | in_euro).ids)
        self.assertIn("one currency at a time", self._pay_page("all=1").text)
