import logging

from markupsafe import Markup

from odoo import api, fields, models

from .credit_followup_communication import LETTER_REPORT

_logger = logging.getLogger(__name__)

CHANGED_DELIVERIES = "credit_collections.changed_deliveries"

# Odoo's statuses of a notification (``mail.notification``), email and SMS alike.
DELIVERED = ("sent", "pending")  # handed to the mail server / accepted by the SMS provider
PROBLEMS = ("bounce", "exception", "canceled")  # bounced, failed for good, blacklisted


class CreditFollowupCommunication(models.Model):
    """What became of a communication's email and SMS, from Odoo's own delivery tracking.

    The email and the SMS of a communication are messages posted on it; each recipient gets a
    ``mail.notification`` that Odoo's mail and SMS queues, bounce handling and blacklist keep up
    to date. Their statuses make the communication's delivery status. A delivery problem is
    put before the collector (an activity on the follow-up, the follow-up flagged for the
    *Delivery problems* filter) and, if the ladder says so, the customer is reached another way
    (an SMS, or a letter to post), once.
    """

    _inherit = "credit.followup.communication"

    delivery_status = fields.Selection(
        [
            ("none", "No Email or SMS"),
            ("sending", "Sending"),
            ("delivered", "Delivered"),
            ("problem", "Delivery Problem"),
        ],
        default="none",
        readonly=True,
        index=True,
        help="Delivered: the mail server took the email, the SMS provider accepted the SMS. "
        "Delivery problem: an email bounced or failed, an address is blacklisted, an SMS failed "
        "for good.",
    )
    delivery_problem = fields.Text(readonly=True, help="What went wrong, recipient by recipient.")
    fallback_done = fields.Boolean(readonly=True, copy=False)

    @api.model
    def _delivery_changed(self, messages):
        """Odoo changed the notifications of ``messages``: their communications are updated at
        commit, once their statuses are final (the mail queue passes through a transient
        failure while it sends)."""
        ids = messages.filtered(lambda message: message.model == self._name).mapped("res_id")
        if not ids:
            return
        pending = self.env.cr.precommit.data.get(CHANGED_DELIVERIES)
        if pending is None:
            pending = self.env.cr.precommit.data[CHANGED_DELIVERIES] = set()
            self.env.cr.precommit.add(self._update_changed_deliveries)
        pending.update(ids)

    @api.model
    def _update_changed_deliveries(self):
        ids = self.env.cr.precommit.data.pop(CHANGED_DELIVERIES, set())
        self.sudo().browse(ids).exists()._update_delivery()

    def _update_delivery(self):
        """The delivery status of each communication from its notifications; a new problem is
        acted upon."""
        notifications = self.env["mail.notification"].search(
            [
                ("mail_message_id.model", "=", self._name),
                ("mail_message_id.res_id", "in", self.ids),
                ("notification_type", "in", ("email", "sms")),
            ]
        )
        by_communication = notifications.grouped(lambda notif: notif.mail_message_id.res_id)
        for communication in self:
            notifs = by_communication.get(communication.id, notifications.browse())
            status = self._status_of(set(notifs.mapped("notification_status")))
            if status != communication.delivery_status:
                communication.delivery_status = status
                if status == "problem":
                    communication._on_delivery_problem(notifs)
        for followup in self.followup_id:
            followup.delivery_problem = followup._last_delivery_status() == "problem"

    @staticmethod
    def _status_of(statuses):
        if not statuses:
            return "none"
        if statuses & set(PROBLEMS):
            return "problem"
        return "delivered" if statuses <= set(DELIVERED) else "sending"

    def _on_delivery_problem(self, notifications):
        self.ensure_one()
        problem = "\n".join(
            self._failure_text(notif)
            for notif in notifications
            if notif.notification_status in PROBLEMS
        )
        done = self._safe_fall_back() if not self.fallback_done else ""
        self.write({"delivery_problem": problem, "fallback_done": True})
        followup = self.followup_id
        followup.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=followup._collector().id,
            summary=self.env._("Reminder not delivered (%s)", self.level_id.name),
            note=Markup("<br/>").join([*problem.split("\n"), *filter(None, [done])]),
        )
        self.message_post(
            body=self.env._(
                "Delivery problem: %(problem)s. %(done)s", problem=problem, done=done or ""
            )
        )

    @staticmethod
    def _failure_text(notification):
        failure_types = dict(
            notification._fields["failure_type"]._description_selection(notification.env)
        )
        reason = (
            notification.failure_reason
            or failure_types.get(notification.failure_type)
            or notification.notification_status
        )
        return f"{notification.res_partner_id.display_name or notification.sms_number}: {reason}"

    def _safe_fall_back(self):
        """The fallback, without ever failing the transaction that found the problem (the mail
        or SMS queue's, at its commit: a failure there would send its batch again)."""
        self.env.flush_all()
        try:
            with self.env.cr.savepoint(flush=False):
                done = self._fall_back()
                self.env.flush_all()
        except Exception as error:  # pylint: disable=broad-except
            _logger.exception("Follow-up communication %s: fallback failed", self.id)
            self.env.invalidate_all(flush=False)
            return self.env._("Fallback failed: %s", error)
        return done

    def _fall_back(self):
        """Reach the customer another way, as the ladder says: what was done."""
        fallback = self.level_id.policy_id.delivery_fallback
        if fallback == "sms" and not self.level_id.send_sms:
            template = self.level_id.sms_template_id or self.env.ref(
                "credit_collections.sms_template_followup_reminder"
            )
            return self.env._("Fallback: %s", self._send_sms(template))
        if fallback == "letter":
            if not self.letter_attachment_id:
                self.letter_attachment_id = self._attach(
                    self._render_pdf(LETTER_REPORT), self.env._("Demand letter")
                )
            return self.env._("Fallback: a letter to post is attached to the communication")
        return ""
