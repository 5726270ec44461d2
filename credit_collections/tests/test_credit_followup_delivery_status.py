from datetime import timedelta
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupDeliveryStatus(FollowupCommon, MockEmail):
    """A communication's delivery status comes from Odoo's own tracking of its email and SMS
    (mail queue, bounces, SMS provider); a problem reaches the collector and, per ladder, the
    customer another way."""

    def setUp(self):
        super().setUp()
        self._allow_jumps()

    def _first_reminder(self, customer):
        """The first reminder (email only) of ``customer``, delivered, its email through
        Odoo's mail queue."""
        self._invoice(customer, 100.0, days_ago=3)
        followup = self._followup(customer)
        followup.collector_override_id = self.collections_user
        self._escalate()
        self._deliver(batch_size=1)
        self.env.cr.flush()
        communication = followup.communication_ids
        self.assertEqual(communication.level_id, self.levels[1])
        self.assertEqual(communication.delivery_status, "sending", "queued is not delivered")
        self._send_mails(communication)
        return followup, communication

    def _send_mails(self, communication):
        """What Odoo's mail queue does with the communication's email (an SMTP server mocked)."""
        mails = (
            self.env["mail.mail"]
            .sudo()
            .search([("mail_message_id", "=", communication.message_id.id)])
        )
        with self.mock_mail_gateway():
            mails.send()
        self.env.cr.flush()  # the commit's hooks: statuses are read once final

    def test_delivered_email(self):
        followup, communication = self._first_reminder(self._customer("Reachable"))
        self.assertEqual(communication.delivery_status, "delivered")
        self.assertFalse(followup.delivery_problem)
        self.assertNotIn("not delivered", " ".join(followup.activity_ids.mapped("summary")))

    def test_failed_email_reaches_the_collector_and_falls_back_to_sms(self):
        customer = self._customer("Unreachable", phone="+32 470 00 00 09")
        customer.email = "no address here"
        followup, communication = self._first_reminder(customer)
        self.assertEqual(communication.delivery_status, "problem")
        self.assertIn("Unreachable", communication.delivery_problem)
        self.assertTrue(followup.delivery_problem)
        self.assertEqual(
            self.env["credit.followup"].search([("delivery_problem", "=", True)]), followup
        )
        activity = followup.activity_ids
        self.assertEqual(activity.user_id, self.collections_user)
        self.assertIn("not delivered", activity.summary)
        sms = (
            self.env["sms.sms"].sudo().search([("credit_communication_id", "=", communication.id)])
        )
        self.assertEqual(sms.number.replace(" ", ""), "+32470000009", "falls back to an SMS")
        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(communication.delivery_status, "problem", "the email still failed")

    def test_bounce_falls_back_to_a_letter_once(self):
        self.standard.delivery_fallback = "letter"
        customer = self._customer("Bouncing")
        followup, communication = self._first_reminder(customer)
        self.assertEqual(communication.delivery_status, "delivered")
        self._bounce(communication.message_id, customer)
        self.assertEqual(communication.delivery_status, "problem")
        self.assertTrue(communication.letter_attachment_id, "a letter to post")
        self.assertTrue(followup.delivery_problem)
        # A later reminder delivered clears the flag.
        self._invoice(customer, 50.0, days_ago=9)
        self._escalate(today=self.today + timedelta(days=1))
        self._deliver(batch_size=1)
        later = followup.communication_ids - communication
        self.assertEqual(later.level_id, self.levels[7])
        self._send_mails(later)
        self.assertEqual(later.delivery_status, "delivered")
        self.assertFalse(followup.delivery_problem)

    def _bounce(self, message, partner):
        """What Odoo's mail gateway does with a bounce of ``message`` for ``partner``."""
        self.env["mail.thread"]._routing_handle_bounce(
            False,
            {
                "bounced_email": partner.email_normalized,
                "bounced_partner": partner,
                "bounced_msg_ids": [message.message_id],
                "bounced_message": message,
                "body": "550 5.1.1 Mailbox does not exist",
                "email_from": "MAILER-DAEMON@example.com",
                "to": message.reply_to or "",
                "message_id": "<bounce-1@example.com>",
            },
        )
        self.env.cr.flush()

    def test_a_failing_fallback_never_fails_the_queue(self):
        """The letter cannot be rendered: the problem is still recorded and the collector told,
        and the mail queue's transaction goes on."""
        self.standard.delivery_fallback = "letter"
        customer = self._customer("Unprintable")
        followup, communication = self._first_reminder(customer)
        broken_renderer = patch.object(
            type(communication), "_render_pdf", side_effect=UserError("wkhtmltopdf is missing")
        )
        with broken_renderer:
            self._bounce(communication.message_id, customer)
        self.assertEqual(communication.delivery_status, "problem")
        self.assertTrue(followup.delivery_problem)
        self.assertIn("Fallback failed", followup.activity_ids.note)
        self.assertFalse(communication.letter_attachment_id)
