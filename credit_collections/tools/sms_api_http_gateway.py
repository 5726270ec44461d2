import logging
import time

import requests

from odoo.addons.sms.tools.sms_api import SmsApiBase

from .http_reply import ReplyRefused, read_capped

_logger = logging.getLogger(__name__)

RETRY_PAUSE = 0.5  # seconds, times the attempt number


class SmsApiHttpGateway(SmsApiBase):
    """Send SMS through a generic HTTP gateway (the company's ``sms_provider`` choice).

    One ``POST`` per number to the company's gateway URL, JSON
    ``{"from": sender, "to": number, "text": body, "reference": uuid}``, with the token as
    ``Authorization: Bearer``. Timeouts, connection errors, 429 and 5xx answers are retried up to
    the company's attempts; what still fails is returned as a failure with its reason, so that
    Odoo records it on the ``sms.sms`` (never raised: the sending batch goes on).
    """

    PROVIDER_TO_SMS_FAILURE_TYPE = SmsApiBase.PROVIDER_TO_SMS_FAILURE_TYPE | {
        "gateway_rejected": "sms_acc",
    }

    def _send_sms_batch(self, messages, delivery_reports_url=False):
        company = (self.company or self.env.company).sudo()
        results = []
        with requests.Session() as session:
            for message in messages:
                for number in message.get("numbers") or []:
                    state, reason = self._post(
                        session,
                        company,
                        number["number"],
                        message.get("content") or "",
                        number["uuid"],
                    )
                    results.append(
                        {"uuid": number["uuid"], "state": state, "failure_reason": reason}
                    )
        return results

    @staticmethod
    def _error_text(response, timeout):
        """The first 200 characters of an error reply, read within ``timeout``."""
        try:
            text = read_capped(response, 200, time.monotonic() + timeout, truncate=True)
        except ReplyRefused:
            return "(no full answer in time)"
        return text.decode(errors="replace")

    def _post(self, session, company, number, body, uuid):
        """Send one SMS; returns (state, failure reason) in the terms of ``sms.sms``."""
        if not company.sms_gateway_url:
            return "server_error", self.env._("No SMS gateway URL is set for %s.", company.name)
        payload = {
            "from": company.sms_gateway_sender or "",
            "to": number,
            "text": body,
            "reference": uuid,
        }
        headers = (
            {"Authorization": f"Bearer {company.sms_gateway_token}"}
            if (company.sms_gateway_token)
            else {}
        )
        attempts = max(company.sms_gateway_max_attempts, 1)
        reason = ""
        timeout = company.sms_gateway_timeout or 10
        for attempt in range(1, attempts + 1):
            try:
                with session.post(
                    company.sms_gateway_url,
                    json=payload,
                    headers=headers,
                    timeout=timeout,
                    stream=True,  # the body is read only for an error's text, capped
                ) as response:
                    if response.ok:
                        return "success", False
                    reason = self.env._(
                        "SMS gateway answered %(status)s: %(text)s",
                        status=response.status_code,
                        text=self._error_text(response, timeout),
                    )
            except requests.RequestException as error:
                reason = self.env._("SMS gateway unreachable: %s", error)
            else:
                if response.status_code in (400, 404, 422):
                    return "wrong_number_format", reason
                if response.status_code in (401, 403):
                    return "gateway_rejected", reason
                if response.status_code != 429 and response.status_code < 500:
                    return "server_error", reason
            _logger.info("SMS gateway attempt %s/%s failed: %s", attempt, attempts, reason)
            if attempt < attempts:
                time.sleep(RETRY_PAUSE * attempt)
        return "server_error", reason
