from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestEarlyPaymentDiscount(FollowupCommon, HttpCase):
    """An invoice that can still be paid at its payment term's early-payment discount says so
    in the courtesy reminder, the statement and the statement page; one whose discount has
    expired does not."""

    @classmethod
    def _term(cls, discount_days):
        return cls.env["account.payment.term"].create(
            {
                "name": f"2/{discount_days} net 30",
                "early_discount": True,
                "discount_percentage": 2.0,
                "discount_days": discount_days,
                "line_ids": [
                    Command.create({"value": "percent", "value_amount": 100.0, "nb_days": 30})
                ],
            }
        )

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.email = "early@example.com"
        # 24 days ago, due in 6 days: one discount lasts 4 more days, the other is over.
        cls.valid = cls._invoice(
            cls.customer, 1000.0, days_ago=24, invoice_payment_term_id=cls._term(28).id
        )
        cls.expired = cls._invoice(
            cls.customer, 500.0, days_ago=24, invoice_payment_term_id=cls._term(10).id
        )

    def test_statement_and_courtesy_reminder_tell_the_valid_discount_only(self):
        followup = self._followup(self.customer)
        html = self._statement_html(followup)
        self.assertIn("Pay early and save", html)
        start = html.index("Pay early and save")
        block = html[start : html.index("</table>", start)]
        self.assertIn(self.valid.name, block)
        self.assertIn("980.00", block)
        self.assertNotIn(self.expired.name, block)

        self._escalate()
        communication = followup.communication_ids
        self.assertEqual(communication.level_id.offset_days, -7, "a courtesy reminder")
        body = communication.level_id.mail_template_id._render_field(
            "body_html", communication.ids
        )[communication.id]
        self.assertIn("Pay early and save", body)
        self.assertIn(f"{self.valid.name}", body)
        self.assertNotIn(f"{self.expired.name}:", body)

    def test_statement_page_shows_the_discounted_amount(self):
        followup = self._followup(self.customer)
        page = self.url_open(f"/credit/statement/{followup._statement_token()}").text
        page = page.replace("\xa0", " ")
        self.assertEqual(page.count('name="early_discount"'), 1)
        self.assertIn("980.00", page)

    def test_nothing_once_partly_paid(self):
        self._pay(self.valid, 100.0)
        html = self._statement_html(self._followup(self.customer))
        self.assertNotIn("Pay early and save", html)

    def test_kpis_count_the_discounts_taken(self):
        self._pay(self.valid, 980.0)
        self.assertEqual(self.valid.payment_state, "paid", "paid at its early-payment discount")
        kpis = self.env["credit.collection.kpi"]
        kpis._snapshot(self.company, self.today)
        row = kpis.search(
            [
                ("company_id", "=", self.company.id),
                ("month", "=", self.today.replace(day=1)),
                ("slice", "=", "company"),
            ]
        )
        self.assertEqual(row.discounts_taken, 20.0)
