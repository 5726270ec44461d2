import time

from odoo.tests import tagged

from .common import FollowupCommon
from .http_stub import StubServer


@tagged("post_install", "-at_install")
class TestSmsHttpGateway(FollowupCommon):
    """Reminder SMS through the generic HTTP gateway, against a stub server on 127.0.0.1."""

    def setUp(self):
        super().setUp()
        self._allow_jumps()  # an 8-day-late invoice reaches the SMS level at once
        self.server = self.enterContext(StubServer())
        self.company.write(
            {
                "sms_provider": "http_gateway",
                "sms_gateway_url": f"{self.server.url}/send",
                "sms_gateway_token": "gateway-secret",
                "sms_gateway_sender": "ACME",
                "sms_gateway_timeout": 1,
                "sms_gateway_max_attempts": 3,
            }
        )
        self.customer = self._customer("Mobile", phone="+32 470 12 34 56")

    def _sms(self):
        sms = (
            self.env["sms.sms"]
            .sudo()
            .create(
                {
                    "number": "+32470123456",
                    "body": "Please pay",
                    "partner_id": self.customer.id,
                    "record_company_id": self.company.id,
                }
            )
        )
        sms.send(unlink_sent=False)
        return sms

    def test_success_posts_the_message_with_the_token(self):
        self.server.replies["/send"] = (200, {"id": "abc"}, 0)
        sms = self._sms()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(
            self.server.posted,
            [{"from": "ACME", "to": "+32470123456", "text": "Please pay", "reference": sms.uuid}],
        )
        self.assertEqual(self.server.requests[0][1]["Authorization"], "Bearer gateway-secret")

    def test_server_errors_are_retried(self):
        self.server.replies["/send"] = [(503, {}, 0), (500, {}, 0), (200, {}, 0)]
        sms = self._sms()
        self.assertEqual(sms.state, "pending")
        self.assertEqual(len(self.server.posted), 3)

    def test_rejected_number_is_recorded(self):
        self.server.replies["/send"] = (422, {"error": "bad number"}, 0)
        sms = self._sms()
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_number_format")
        self.assertEqual(len(self.server.posted), 1, "not retried: it would fail again")

    def test_a_trickled_error_reply_is_cut_off(self):
        def trickle(stream):  # 30 s of error text, a byte a second
            for _second in range(30):
                stream.write(b"x")
                stream.flush()
                time.sleep(1)

        self.company.sms_gateway_max_attempts = 1
        self.server.replies["/send"] = (503, trickle, 0)
        start = time.monotonic()
        sms = self._sms()
        self.assertLess(time.monotonic() - start, 4)
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_server"))

    def test_timeout_is_a_server_error_requeued_by_the_follow_up(self):
        self.company.sms_gateway_max_attempts = 1
        self.server.replies["/send"] = (200, {}, 11)  # the test harness waits at least 10 s
        self._invoice(self.customer, 100.0, days_ago=8)
        followup = self._followup(self.customer)
        self._escalate()
        self._deliver()
        sms = (
            self.env["sms.sms"]
            .sudo()
            .search([("credit_communication_id.followup_id", "=", followup.id)])
        )
        sms.send(unlink_sent=False)
        self.assertEqual(sms.state, "error")
        self.assertEqual(sms.failure_type, "sms_server")
        self.env["sms.sms"]._credit_requeue_failed()
        self.assertEqual(sms.state, "outgoing", "queued again for Odoo's SMS cron")
        self.assertEqual(sms.credit_retry_count, 1)

    def test_each_company_sends_through_its_own_gateway(self):
        """A customer shared by two companies: each company's reminder leaves through that
        company's gateway and sender, from one batch of Odoo's SMS queue."""
        self.server.replies["/send"] = (200, {}, 0)
        self.server.replies["/other"] = (200, {}, 0)
        self.other_company.write(
            {
                "sms_provider": "http_gateway",
                "sms_gateway_url": f"{self.server.url}/other",
                "sms_gateway_sender": "OTHER",
            }
        )
        self._invoice(self.customer, 100.0, days_ago=8)
        self._invoice(self.customer, 100.0, days_ago=8, company=self.other_company)
        self._followup(self.customer)
        self._followup(self.customer, company=self.other_company)
        self._escalate()
        self._deliver(batch_size=1)
        # What Odoo's SMS queue (``_process_queue``) does with a batch, without its commit.
        queued = self.env["sms.sms"].sudo().search([("state", "=", "outgoing")])
        queued._send(unlink_sent=False)
        sent = sorted(
            (path, request["from"])
            for (path, _headers), request in zip(
                self.server.requests, self.server.posted, strict=True
            )
        )
        self.assertEqual(sent, [("/other", "OTHER"), ("/send", "ACME")])

    def test_a_failed_sms_is_a_delivery_problem(self):
        self.server.replies["/send"] = (422, {"error": "bad number"}, 0)
        self._invoice(self.customer, 100.0, days_ago=8)
        followup = self._followup(self.customer)
        self._escalate()
        self._deliver()
        communication = followup.communication_ids
        communication.sms_ids.send(unlink_sent=False)
        self.env.cr.flush()  # the commit's hooks
        self.assertEqual(communication.delivery_status, "problem")
        self.assertIn("SMS gateway answered 422", communication.delivery_problem)
        self.assertTrue(followup.delivery_problem)
