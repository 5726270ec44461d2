import re

from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestFollowupContact(CreditCollectionsCommon):
    """Who a reminder reaches: the follow-up contact, else the invoice's own contact, else an
    invoice address that is a person, else the customer; never a subsidiary set up as an
    invoice address unless it is the follow-up contact."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.parent = cls.env["res.partner"].create(
            {
                "name": "Parent Group",
                "is_company": True,
                "email": "ap@parent.test",
                "phone": "+1 555 0100",
            }
        )
        cls.subsidiary = cls.env["res.partner"].create(
            {
                "name": "Subsidiary Ltd",
                "is_company": True,
                "parent_id": cls.parent.id,
                "type": "invoice",
                "email": "ap@subsidiary.test",
            }
        )
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Buyer", "parent_id": cls.parent.id, "email": "buyer@parent.test"}
        )
        cls.accounts = cls.env["res.partner"].create(
            {
                "name": "Accounts Payable",
                "parent_id": cls.parent.id,
                "type": "invoice",
                "email": "invoices@parent.test",
            }
        )

    def _communication(self, invoice):
        self.env["credit.followup"]._ensure_followups(self.company)
        followup = self.env["credit.followup"].search([("partner_id", "=", self.parent.id)])
        level = self.env["credit.followup.level"].search([], limit=1)
        lines = invoice.line_ids.filtered("date_maturity")
        return self.env["credit.followup.communication"]._queue(
            [(followup, level, lines.ids)], "manual"
        )

    def _reached(self, invoice, field="email"):
        return self._communication(invoice)._recipients(field).mapped(field)

    def _letter_address(self, report, records):
        html = self.env["ir.actions.report"]._render_qweb_html(report, records.ids)[0].decode()
        return re.findall(r"<address.*?</address>", html, re.S)[-1]  # the company's first

    def test_the_letter_is_addressed_as_the_reminders_are(self):
        invoice = self._invoice(self.parent, 100.0, days_ago=40)
        communication = self._communication(invoice)
        letters = (
            ("credit_collections.action_report_followup_letter", communication),
            ("credit_collections.action_report_followup_partner_letter", communication.followup_id),
        )
        for report, records in letters:
            with self.subTest(report=report):
                self.assertIn("Parent Group", self._letter_address(report, records))
        self.buyer.write({"credit_followup_contact": True, "street": "1 Payables Road"})
        for report, records in letters:
            with self.subTest(report=report, contact="follow-up"):
                address = self._letter_address(report, records)
                self.assertIn("Buyer", address)
                self.assertIn("1 Payables Road", address)

    def test_the_invoices_own_contact_before_the_invoice_address(self):
        invoice = self._invoice(self.buyer, 100.0, days_ago=40)
        self.assertEqual(self._reached(invoice), ["buyer@parent.test"])

    def test_an_invoice_address_that_is_a_person_when_the_invoice_is_the_customers(self):
        invoice = self._invoice(self.parent, 100.0, days_ago=40)
        self.assertEqual(self._reached(invoice), ["invoices@parent.test"])

    def test_a_subsidiary_invoice_address_is_not_reached(self):
        self.accounts.type = "contact"
        invoice = self._invoice(self.parent, 100.0, days_ago=40)
        self.assertEqual(self._reached(invoice), ["ap@parent.test"], "the customer itself")

    def test_the_follow_up_contact_first_even_a_subsidiary(self):
        self.subsidiary.credit_followup_contact = True
        invoice = self._invoice(self.buyer, 100.0, days_ago=40)
        self.assertEqual(self._reached(invoice), ["ap@subsidiary.test"])

    def test_sms_goes_to_the_first_who_has_a_phone(self):
        self.buyer.credit_followup_contact = True  # no phone
        invoice = self._invoice(self.parent, 100.0, days_ago=40)
        self.assertEqual(self._reached(invoice, "phone"), ["+1 555 0100"])
        self.env["res.partner"].create(
            {
                "name": "Collections Desk",
                "parent_id": self.parent.id,
                "phone": "+1 555 0199",
                "credit_followup_contact": True,
            }
        )
        self.assertEqual(self._reached(invoice, "phone"), ["+1 555 0199"])


@tagged("post_install", "-at_install")
class TestFollowupContactTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a collector marks a follow-up contact; a salesperson has no box."""

    def test_collector_marks_and_salesperson_does_not_see(self):
        parent = self.env["res.partner"].create({"name": "Parent Group", "is_company": True})
        contact = self.env["res.partner"].create({"name": "AP Desk", "parent_id": parent.id})
        url = f"/odoo/res.partner/{contact.id}"
        self.start_tour(url, "credit_followup_contact_collector", login=self.collections_user.login)
        self.assertTrue(contact.credit_followup_contact)
        self.start_tour(url, "credit_followup_contact_salesperson", login=self.salesperson.login)
