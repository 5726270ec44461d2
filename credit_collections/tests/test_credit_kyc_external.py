import json
import time

from odoo.tests import tagged

from .common import CreditCollectionsCommon
from .http_stub import StubServer

VAT = "BE0477472701"


@tagged("post_install", "-at_install")
class TestKycExternalChecks(CreditCollectionsCommon):
    """VIES and credit bureau checks against a server of the test's own on 127.0.0.1."""

    def setUp(self):
        super().setUp()
        self.server = self.enterContext(StubServer())
        self.policy = self.env["credit.risk.policy"]._for_company(self.company)
        self.policy.write(
            {
                "vies_url": f"{self.server.url}/vies",
                "bureau_url": f"{self.server.url}/bureau",
                "bureau_token": "secret-token",
                "bureau_score_path": "data.score",
                "check_timeout": 1,
                "check_max_attempts": 3,
            }
        )
        self.customer.country_id = self.env.ref("base.be")
        self.customer.vat = VAT
        self.vies = self._item("vies")
        self.bureau = self._item("bureau")

    def _item(self, check_type):
        return self.env["credit.kyc.item"].create(
            {"partner_id": self.customer.id, "name": check_type, "check_type": check_type}
        )

    def _reply(self, path, body, status=200, delay=0):
        self.server.replies[path] = (status, body, delay)

    def test_vies_confirms_a_valid_number(self):
        self._reply("/vies/ms/BE/vat/0477472701", {"isValid": True, "name": "ACME SA"})
        self.vies.with_user(self.collections_user).action_run_check()
        self.assertEqual(self.vies.state, "verified")
        self.assertEqual(self.vies.value, VAT)
        self.assertIn("ACME SA", self.vies.note)

    def test_vies_rejects_an_invalid_number(self):
        self._reply("/vies/ms/BE/vat/0477472701", {"isValid": False})
        self.vies.action_run_check()
        self.assertEqual(self.vies.state, "rejected")

    def test_bureau_score_feeds_the_risk_score(self):
        self._reply("/bureau", {"data": {"score": 40}})
        self.bureau.action_run_check()
        self.assertEqual((self.bureau.state, self.bureau.external_score), ("verified", 40.0))
        path, headers = self.server.requests[-1]
        self.assertEqual(path, f"/bureau?id={VAT}")
        self.assertEqual(headers["Authorization"], "Bearer secret-token")
        risk = self._refreshed_risk(self.customer)
        internal = 100 - self.policy.weight_newness  # a new account, nothing else
        self.assertEqual(risk.external_score, 40.0)
        self.assertEqual(risk.score, round(0.7 * internal + 0.3 * 40))

    def test_failures_are_recorded_and_retried_not_raised(self):
        failures = [
            ({"error": "down"}, 503, 0, "HTTP 503"),
            (b"<html>not json</html>", 200, 0, "did not answer JSON"),
            ({"data": {}}, 200, 0, "has no 'data.score'"),
            ({"data": {"score": 140}}, 200, 0, "not a score from 0 to 100"),
            # Odoo's test harness raises timeouts under 10 s to 10 s: answer after 11 s.
            ({"data": {"score": 50}}, 200, 11, "no answer"),
        ]
        for attempt, (body, status, delay, message) in enumerate(failures, start=1):
            with self.subTest(message=message):
                self._reply("/bureau", body, status, delay)
                self.bureau.action_run_check()
                self.assertEqual(self.bureau.state, "check_failed")
                self.assertIn(message, self.bureau.note)
                self.assertEqual(self.bureau.check_attempts, attempt)
        self.assertIn("External check failed", self.bureau.message_ids[0].body)

    def test_replies_are_capped_in_time_size_and_depth(self):
        def trickle(stream):  # a valid reply, one byte every 0.3 s: 7 s in all
            for byte in json.dumps({"data": {"score": 50}}).encode():
                stream.write(bytes([byte]))
                stream.flush()
                time.sleep(0.3)

        def endless(stream):  # 100 MB, announced by no Content-Length
            for _chunk in range(100 * 1024):
                stream.write(b" " * 1024)

        failures = [
            (trickle, "no full answer", 3.0),
            (endless, "more than 65536 bytes", 3.0),
            (b"[" * 20_000 + b"]" * 20_000, "nested too deeply", 3.0),
        ]
        for body, message, seconds in failures:
            with self.subTest(message=message):
                self._reply("/bureau", body)
                start = time.monotonic()
                self.bureau.action_run_check()
                self.assertLess(time.monotonic() - start, seconds)
                self.assertEqual(self.bureau.state, "check_failed")
                self.assertIn(message, self.bureau.note)

    def test_reassessment_retries_failed_checks_up_to_the_attempts(self):
        self._reply("/bureau", {"error": "down"}, 500)
        self.bureau.action_run_check()
        items = self.env["credit.kyc.item"]
        items._reassess(progress=lambda done: True)
        self.assertEqual(self.bureau.check_attempts, 2)
        self._reply("/bureau", {"data": {"score": 80}})
        items._reassess(progress=lambda done: True)
        self.assertEqual(self.bureau.state, "verified")
        self.assertEqual(self.bureau.check_attempts, 0)

        self._reply("/bureau", {"error": "down"}, 500)
        self.bureau.action_run_check()
        self.bureau.sudo().check_attempts = self.policy.check_max_attempts
        requests_before = len(self.server.requests)
        items._reassess(progress=lambda done: True)
        self.assertEqual(len(self.server.requests), requests_before, "no attempt left")

    def test_unreachable_service_and_missing_vat(self):
        self.policy.vies_url = "http://127.0.0.1:9/vies"  # nothing listens on the discard port
        self.vies.action_run_check()
        self.assertIn("could not be reached", self.vies.note)
        self.customer.vat = False
        self.bureau.action_run_check()
        self.assertIn("no VAT number", self.bureau.note)
        self.customer.with_context(no_vat_validation=True).vat = "BE0477472702"  # bad checksum
        self.bureau.action_run_check()
        self.assertEqual(self.bureau.state, "check_failed")
        self.assertIn("not a valid EU VAT number", self.bureau.note)
