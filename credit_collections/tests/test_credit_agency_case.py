import io

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools.pdf import PdfFileReader

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestCreditAgencyCase(FollowupCommon):
    """The hand-off level places a customer's overdue items with the agency: a case records
    what was placed, what the customer pays since (recovered) and the agency's 20 % fee on
    it; it closes when all is paid; a Credit Manager recalls it with a reason."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agency = cls.env["res.partner"].create(
            {"name": "Recovery Partners", "is_company": True, "email": "cases@recovery.test"}
        )
        cls.levels[60].write({"agency_partner_id": cls.agency.id, "agency_fee_rate": 20.0})

    def setUp(self):
        super().setUp()
        self._allow_jumps()
        self.customer_handed = self._customer("Handed")
        self.first = self._invoice(self.customer_handed, 1000.0, days_ago=65)
        self.second = self._invoice(self.customer_handed, 500.0, days_ago=61)
        self.followup = self._followup(self.customer_handed)
        self._escalate()
        self._deliver()
        self.case = self.env["credit.agency.case"].search(
            [("partner_id", "=", self.customer_handed.id)]
        )

    def test_the_hand_off_places_the_overdue_items(self):
        self.assertEqual(len(self.case), 1)
        self.assertEqual(self.case.agency_id, self.agency)
        self.assertEqual(self.case.line_ids.move_id, self.first | self.second)
        self.assertEqual(self.case.amount_placed, 1500.0)
        self.assertEqual((self.case.state, self.case.amount_recovered), ("placed", 0.0))
        self.assertEqual(self.case.communication_id, self.followup.communication_ids)
        self.assertIn(
            "case opened, file sent to Recovery Partners", self.case.communication_id.summary
        )

    def test_the_agency_gets_one_file_with_exactly_the_customers_documents(self):
        stranger = self._customer("Stranger")
        strangers_invoice = self._invoice(stranger, 777.0, days_ago=70)
        file = self.case.case_file_id
        self.assertEqual((file.res_model, file.res_id), (self.case._name, self.case.id))
        reader = PdfFileReader(io.BytesIO(file.raw), strict=False)
        text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
        self.assertIn("Collection file: Handed", text)
        self.assertIn("Statement of Account", text)
        for invoice in self.first | self.second:
            self.assertGreaterEqual(text.count(invoice.name), 2, "in the statement and itself")
        self.assertNotIn(strangers_invoice.name, text)
        self.assertNotIn("Stranger", text)
        sent = self.case.message_ids.filtered(lambda m: m.attachment_ids == file)
        self.assertEqual(sent.partner_ids, self.agency)

    def test_payments_after_placement_are_recovered_with_the_agencys_fee(self):
        self._pay(self.first, 600.0)
        self.assertEqual(self.case.amount_recovered, 600.0)
        self.assertEqual(self.case.amount_open, 900.0)
        self.assertEqual(self.case.fee_due, 120.0)
        self.assertEqual(self.case.state, "recovering")
        self._pay(self.first, 400.0)
        self._pay(self.second, 500.0)
        self.assertEqual((self.case.amount_recovered, self.case.fee_due), (1500.0, 300.0))
        self.assertEqual(self.case.state, "closed")

    def test_a_credit_manager_recalls_a_case_with_a_reason_the_agency_is_told(self):
        case = self.case.with_user(self.credit_manager)
        with self.assertRaisesRegex(UserError, "reason for the recall"):
            case.action_recall()
        case.recall_reason = "Settled directly with us"
        case.action_recall()
        self.assertEqual(case.state, "recalled")
        message = case.message_ids.filtered(lambda m: "Case recalled" in (m.body or ""))
        self.assertIn(self.agency, message.partner_ids)
        self.assertIn("Settled directly with us", message.body)
        with self.assertRaisesRegex(UserError, "already closed or recalled"):
            case.action_recall()

    def test_who_reads_and_who_recalls(self):
        self.assertTrue(self.case.with_user(self.collections_user).amount_placed)
        with self.assertRaises(AccessError):
            self.case.with_user(self.collections_user).recall_reason = "Not mine to say"
        with self.assertRaises(AccessError):
            self.case.with_user(self.salesperson).read(["amount_placed"])
