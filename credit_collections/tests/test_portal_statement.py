import re
from datetime import datetime, timedelta

from freezegun import freeze_time

from odoo.tests import HttpCase, tagged
from odoo.tools import hash_sign

from ..models.credit_followup_portal import STATEMENT_SCOPE
from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestPortalStatement(CreditCollectionsCommon, HttpCase):
    """A reminder's link opens the customer's statement without a login: its own open items
    only, no credit figures; the customer promises to pay or disputes an invoice there."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.late = cls._invoice(cls.customer, 700.0, days_ago=40)
        cls.recent = cls._invoice(cls.customer, 300.0, days_ago=10)
        cls.stranger = cls.env["res.partner"].create({"name": "Stranger Ltd", "is_company": True})
        cls.strangers_invoice = cls._invoice(cls.stranger, 999.0, days_ago=40)
        cls.env["credit.followup"]._ensure_followups(cls.company)
        cls.followup = cls.env["credit.followup"].search(
            [("partner_id", "=", cls.customer.id), ("company_id", "=", cls.company.id)]
        )
        cls.followup.collector_id = cls.collections_user
        cls.customer.credit_limit = 4321.0

    def _url(self, token=None):
        return f"/credit/statement/{token or self.followup._statement_token()}"

    def _post(self, path, data, files=None):
        page = self.url_open(self._url()).text
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        return self.url_open(self._url() + path, data={**data, "csrf_token": csrf}, files=files)

    def test_the_link_opens_the_customers_own_statement_and_no_credit_figures(self):
        response = self.url_open(self._url())
        self.assertEqual(response.status_code, 200)
        page = response.text.replace("\xa0", " ")
        self.assertIn(self.late.name, page)
        self.assertIn(self.recent.name, page)
        self.assertIn("1,000.00", page, "the total due")
        self.assertIn(self.late.get_portal_url().split("?")[0], page, "pay through Odoo's page")
        self.assertNotIn(self.strangers_invoice.name, page)
        for internal in ("4,321.00", "Risk", "Grade", "score"):
            self.assertNotIn(internal, page)

    def test_the_statement_ages_what_is_open_on_its_page_and_pdf(self):
        page = self.url_open(self._url()).text.replace("\xa0", " ")
        for document in (page, self._statement_html(self.followup)):
            aging = re.search(r'<table[^>]*name="aging".*?</table>', document, re.S).group(0)
            self.assertIn("31-60", aging)
            # not due, 1-30, 31-60, 61-90, 91-120, 120+: the recent invoice, then the late one
            self.assertEqual(
                re.findall(r'oe_currency_value">([\d,.]+)<', aging),
                ["0.00", "300.00", "700.00", "0.00", "0.00", "0.00"],
            )

    def test_forged_tampered_foreign_or_expired_links_open_nothing(self):
        token = self.followup._statement_token()
        tampered = token[:-2] + ("AA" if token[-2:] != "AA" else "BB")
        other_scope = hash_sign(self.env, "another.scope", [self.followup.id], timedelta(days=1))
        expired = hash_sign(
            self.env, STATEMENT_SCOPE, [self.followup.id], datetime.now() - timedelta(seconds=1)
        )
        for bad in (tampered, other_scope, expired, "not-a-token"):
            with self.subTest(bad=bad):
                self.assertEqual(self.url_open(self._url(bad)).status_code, 404)

    def test_link_lasts_the_policy_days(self):
        self.env["credit.risk.policy"]._for_company(self.company).portal_link_days = 2
        token = self.followup._statement_token()
        self.assertTrue(self.env["credit.followup"]._from_statement_token(token))
        with freeze_time(datetime.now() + timedelta(days=2, minutes=1)):
            self.assertFalse(self.env["credit.followup"]._from_statement_token(token))

    def test_customer_promises_to_pay_and_the_collector_is_told(self):
        date = self.today + timedelta(days=10)
        response = self._post("/promise", {"promise_date": str(date), "amount": "700"})
        self.assertIn("your promise to pay is recorded", response.text)
        promise = self.env["credit.followup.promise"].search(
            [("followup_id", "=", self.followup.id)]
        )
        self.assertEqual((promise.promise_date, promise.amount), (date, 700.0))
        activity = self.followup.activity_ids.filtered(
            lambda a: a.summary == "Promise to pay online"
        )
        self.assertEqual(activity.user_id, self.collections_user)

    def test_promise_beyond_the_policy_or_above_what_is_due_is_refused(self):
        too_far = self.today + timedelta(days=31)
        response = self._post("/promise", {"promise_date": str(too_far), "amount": "100"})
        self.assertIn("within the next 30 days", response.text)
        too_much = self.today + timedelta(days=5)
        response = self._post("/promise", {"promise_date": str(too_much), "amount": "5000"})
        self.assertIn("more than what is overdue", response.text)
        response = self._post("/promise", {"promise_date": str(too_much), "amount": "-5"})
        self.assertIn("Enter the amount you will pay", response.text)
        response = self._post("/promise", {"promise_date": "soon", "amount": "x"})
        self.assertIn("Enter a date and an amount", response.text)
        self.assertFalse(
            self.env["credit.followup.promise"].search([("followup_id", "=", self.followup.id)])
        )

    def test_customer_disputes_an_invoice_with_a_document(self):
        response = self._post(
            "/dispute",
            {"invoice_id": str(self.late.id), "reason": "Goods arrived damaged"},
            files={"attachment": ("photo.txt", b"a photo", "text/plain")},
        )
        self.assertIn("the invoice is set aside", response.text)
        self.assertIn("Goods arrived damaged", self.late.credit_dispute_reason)
        self.assertTrue(self.late.line_ids.filtered("date_maturity").no_followup)
        attachment = self.env["ir.attachment"].search(
            [("res_model", "=", "account.move"), ("res_id", "=", self.late.id)]
        )
        self.assertEqual(attachment.raw, b"a photo")
        self.assertTrue(
            self.followup.activity_ids.filtered(lambda a: a.summary == "Dispute online")
        )

    def test_a_link_disputes_nothing_of_another_customer(self):
        response = self._post(
            "/dispute", {"invoice_id": str(self.strangers_invoice.id), "reason": "Not mine"}
        )
        self.assertIn("This invoice is not open on your account", response.text)
        self.assertFalse(self.strangers_invoice.credit_dispute_reason)

    def test_reminders_carry_the_link(self):
        level = self.env.ref("credit_collections.mail_template_followup_reminder")
        communication = self.env["credit.followup.communication"]._queue(
            [(self.followup, self.env["credit.followup.level"].search([], limit=1), [])], "manual"
        )
        body = level._render_field("body_html", communication.ids)[communication.id]
        token = re.search(r"/credit/statement/([\w-]+)", body).group(1)
        self.assertEqual(self.env["credit.followup"]._from_statement_token(token), self.followup)
        sms = self.env.ref("credit_collections.sms_template_followup_reminder")
        self.assertIn(
            "/credit/statement/", sms._render_field("body", communication.ids)[communication.id]
        )

    def test_the_statement_downloads_as_pdf(self):
        response = self.url_open(self._url() + "/pdf")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        # Odoo renders reports as HTML under test: the statement's text is there to read.
        self.assertIn(b"Statement of Account", response.content)
        self.assertIn(self.late.name.encode(), response.content)
        self.assertNotIn(self.strangers_invoice.name.encode(), response.content)

    def test_a_portal_user_opens_its_own_statement_from_its_portal(self):
        for partner, invoice, other in (
            (self.customer, self.late, self.strangers_invoice),
            (self.stranger, self.strangers_invoice, self.late),
        ):
            with self.subTest(customer=partner.name):
                contact = self.env["res.partner"].create(
                    {"name": f"Buyer at {partner.name}", "parent_id": partner.id}
                )
                user = self._portal_user(contact)
                self.authenticate(user.login, user.login)
                home = self.url_open("/my/home").text
                self.assertIn("/my/credit/statement", home)
                page = self.url_open("/my/credit/statement").text
                self.assertIn(invoice.name, page)
                self.assertNotIn(other.name, page)

    def test_portal_users_of_two_companies_see_their_company_only(self):
        """One customer billed by two companies: each company's portal user sees that
        company's statement, not the other's."""
        self._invoice(self.customer, 555.0, days_ago=20, company=self.other_company)
        for company, shown, hidden in (
            (self.company, "700.00", "555.00"),
            (self.other_company, "555.00", "700.00"),
        ):
            with self.subTest(company=company.name):
                contact = self.env["res.partner"].create(
                    {"name": f"Buyer for {company.name}", "parent_id": self.customer.id}
                )
                user = self._portal_user(contact, company)
                self.authenticate(user.login, user.login)
                page = self.url_open("/my/credit/statement").text
                self.assertIn(company.name, page)
                self.assertIn(shown, page)
                self.assertNotIn(hidden, page)

    def _portal_user(self, contact, company=None):
        company = company or self.company
        return self.env["res.users"].create(
            {
                "login": f"portal-{contact.id}",
                "password": f"portal-{contact.id}",
                "partner_id": contact.id,
                "company_id": company.id,
                "company_ids": [(6, 0, company.ids)],
                "group_ids": [(6, 0, [self.env.ref("base.group_portal").id])],
            }
        )
