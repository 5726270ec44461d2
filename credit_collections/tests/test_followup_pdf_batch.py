import io
from unittest.mock import patch

from odoo.tests import HttpCase, tagged
from odoo.tools.pdf import PdfFileReader

from odoo.addons.base.models.ir_actions_report import _wkhtml

from ..models import ir_actions_report
from ..models.credit_followup_communication import LETTER_REPORT, STATEMENT_REPORT
from .common import FollowupCommon

LETTERHEAD = "1 Letterhead Lane"


def pages_text(pdf):
    return [page.extract_text() for page in PdfFileReader(io.BytesIO(pdf)).pages]


@tagged("post_install", "-at_install")
class TestFollowupPdfBatch(FollowupCommon):
    """A batch's PDFs come from one wkhtmltopdf call, split per communication: each customer's
    file holds exactly its own pages, each page under the company's letterhead."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.street = LETTERHEAD
        # wkhtmltopdf loads the layout's stylesheets from the test's HTTP server, as in production
        cls.env["ir.config_parameter"].set_param("report.url", HttpCase.base_url())
        # Three formal demands; the second customer's statement and letter run over a page.
        cls.names = ["Alpha Batch", "Bravo Batch", "Charlie Batch"]
        cls.customers = [
            cls.env["res.partner"].create({"name": name, "email": f"{name[:5]}@example.com"})
            for name in cls.names
        ]
        for customer, invoices in zip(cls.customers, (1, 45, 2), strict=True):
            for number in range(invoices):
                cls._invoice(customer, 100.0 + number, days_ago=35)

    def _formal_demands(self):
        self._allow_jumps()
        for customer in self.customers:
            self._followup(customer)
        self._escalate()
        communications = self.env["credit.followup.communication"].search(
            [("partner_id", "in", [customer.id for customer in self.customers])], order="id"
        )
        self.assertEqual(len(communications), 3)
        self.assertTrue(all(communications.level_id.mapped("send_letter")))
        return communications

    def test_the_set_up_renders_with_patched_qt(self):
        self.assertTrue(
            _wkhtml().is_patched_qt,
            f"wkhtmltopdf {_wkhtml().version} at {_wkhtml().bin} is not built on patched Qt: "
            "letters would go out without letterhead (tools/setup.sh installs a patched build)",
        )

    def test_each_customer_gets_exactly_its_own_pages_under_the_letterhead(self):
        communications = self._formal_demands()
        for report in (STATEMENT_REPORT, LETTER_REPORT):
            batch = communications._render_batch(report, communications)
            self.assertEqual(set(batch), set(communications.ids), report)
            for communication, name in zip(communications, self.names, strict=True):
                with self.subTest(report=report, customer=name):
                    pages = pages_text(batch[communication.id])
                    alone = pages_text(communication._render_pdf(report))
                    self.assertEqual(len(pages), len(alone), "the pages it has rendered alone")
                    self.assertIn(name, pages[0])
                    others = [other for other in self.names if other != name]
                    for page in pages:
                        self.assertIn(LETTERHEAD, page, "the letterhead on every page")
                        self.assertFalse([other for other in others if other in page])
        self.assertGreater(len(pages_text(batch[communications[1].id])), 1)

    def test_a_build_on_unpatched_qt_renders_one_by_one_and_says_so(self):
        communications = self._formal_demands()
        unpatched = _wkhtml()._replace(is_patched_qt=False, version="0.12.6")
        ir_actions_report._log_slow_path.cache_clear()
        with (
            patch.object(ir_actions_report, "_wkhtml", return_value=unpatched),
            self.assertLogs(ir_actions_report.__name__, "WARNING") as logs,
        ):
            self.assertEqual(communications._render_batch(LETTER_REPORT, communications), {})
            self.assertEqual(communications._render_batch(STATEMENT_REPORT, communications), {})
        self.assertEqual(len(logs.output), 1, "said once")
        self.assertIn("without the letterhead", logs.output[0])
        ir_actions_report._log_slow_path.cache_clear()
