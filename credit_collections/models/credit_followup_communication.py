import json
import logging
from functools import partial

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .concurrent_runs import cron_jobs, run_step

_logger = logging.getLogger(__name__)

# The columns of a communication that ``_queue`` takes from each (follow-up, level):
# ``_followup_values`` and the level.
QUEUED_COLUMNS = ["followup_id", "partner_id", "company_id", "level_id"]
STATEMENT_REPORT = "credit_collections.action_report_followup_statement"
LETTER_REPORT = "credit_collections.action_report_followup_letter"


class CreditFollowupCommunication(models.Model):
    """What one follow-up level did for one customer: the audit trail of the ladder.

    Created *queued* by the decision (in the transaction that moves the customer's level), then
    delivered: the email and SMS are handed to Odoo's mail and SMS queues, the call becomes an
    activity, the letter and the statement PDFs are attached, the hold is set, all in the
    transaction that marks the communication *done*. A crash before that commit leaves it queued
    for the next run; nothing is sent twice because nothing is sent outside that transaction.
    """

    _name = "credit.followup.communication"
    _description = "Follow-up Communication"
    _inherit = ["mail.thread"]
    _mail_post_access = "read"
    _order = "date desc, id desc"
    _rec_name = "level_id"

    followup_id = fields.Many2one(
        "credit.followup", required=True, readonly=True, index=True, ondelete="cascade"
    )
    # The follow-up's, written when the communication is queued (a follow-up never changes
    # customer or company): no related field to recompute per batch of the run.
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    level_id = fields.Many2one(
        "credit.followup.level", required=True, readonly=True, ondelete="restrict"
    )
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    trigger = fields.Selection(
        [("auto", "Escalation run"), ("manual", "Collector")], required=True, readonly=True
    )
    state = fields.Selection(
        [
            ("draft", "Being written"),
            ("queued", "Queued"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="queued",
        required=True,
        readonly=True,
        index=True,
    )
    line_ids = fields.Many2many(
        "account.move.line",
        "credit_followup_communication_line_rel",
        "communication_id",
        "line_id",
        string="Items Covered",
        readonly=True,
    )
    amount_due = fields.Monetary(
        readonly=True, help="Residual of the items covered, when the level was reached."
    )
    attempt_count = fields.Integer(readonly=True)
    error = fields.Text(readonly=True)
    summary = fields.Text(readonly=True, help="What was done, channel by channel.")
    message_id = fields.Many2one("mail.message", string="Email", readonly=True)
    sms_ids = fields.One2many("sms.sms", "credit_communication_id", string="SMS", readonly=True)
    earlier_reminder_count = fields.Integer(
        compute="_compute_earlier_reminder_count",
        help="Communications sent to the customer before this one since it last owed nothing: "
        "letters speak of previous reminders only when there were some.",
    )
    statement_attachment_id = fields.Many2one("ir.attachment", string="Statement", readonly=True)
    letter_attachment_id = fields.Many2one("ir.attachment", string="Demand Letter", readonly=True)

    @api.depends("followup_id.communication_ids.state", "date")
    def _compute_earlier_reminder_count(self):
        for communication in self:
            communication.earlier_reminder_count = len(
                communication.followup_id.communication_ids.filtered(
                    lambda other, this=communication: (
                        other.state == "done"
                        and (other.date, other.id) < (this.date, this._origin.id or 0)
                    )
                )
            )

    @api.model
    def _queue(self, items, trigger, today=None, state="queued"):
        """Queue one communication per (follow-up, level, item ids); returns them.

        ``state="draft"``: written by a collector in the mail composer first, delivered when
        the composer sends it (never by the run).

        One statement for the whole batch of a run: nothing of the ORM's ``create`` is wanted
        here (no chatter entry, no follower, no computed field), and it cost half the
        escalation's time, ``amount_due`` converted record by record.
        """
        if not items:
            return self.browse()
        self.env["account.move.line"].flush_model(["amount_residual"])
        rows = [
            {
                "position": position,
                **self._followup_values(followup),
                "level_id": level.id,
                "line_ids": list(line_ids or []),
            }
            for position, (followup, level, line_ids) in enumerate(items)
        ]
        now = SQL("NOW() AT TIME ZONE 'UTC'")
        values = {
            **{name: SQL.identifier("queued", name) for name in QUEUED_COLUMNS},
            "trigger": SQL("%s", trigger),
            "state": SQL("%s", state),
            "date": SQL("%s", today or fields.Date.context_today(self)),
            "amount_due": SQL(
                "COALESCE((SELECT SUM(line.amount_residual) FROM account_move_line line"
                " WHERE line.id = ANY(queued.line_ids)), 0)"
            ),
            "create_uid": SQL("%s", self.env.uid),
            "create_date": now,
            "write_uid": SQL("%s", self.env.uid),
            "write_date": now,
        }
        values.update(self._column_defaults(values))
        ids = self.env.execute_query(
            SQL(
                """
                WITH queued AS MATERIALIZED (
                    SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb) AS queued(
                        position int, followup_id int, partner_id int, company_id int,
                        level_id int, line_ids int[])
                ),
                inserted AS (
                    INSERT INTO credit_followup_communication (%(columns)s)
                    SELECT %(values)s FROM queued ORDER BY queued.position
                    RETURNING id, followup_id, level_id
                ),
                numbered AS (
                    SELECT inserted.id, queued.position, queued.line_ids
                      FROM inserted
                      JOIN queued ON queued.followup_id = inserted.followup_id
                                 AND queued.level_id = inserted.level_id
                ),
                covered AS (
                    INSERT INTO credit_followup_communication_line_rel (communication_id, line_id)
                    SELECT numbered.id, UNNEST(numbered.line_ids) FROM numbered
                )
                SELECT id FROM numbered ORDER BY position
                """,
                rows=json.dumps(rows),
                columns=SQL(", ").join(map(SQL.identifier, values)),
                values=SQL(", ").join(values.values()),
            )
        )
        self.env["credit.followup"].invalidate_model(["communication_ids"])
        return self.browse(communication_id for (communication_id,) in ids)

    @api.model
    def _followup_values(self, followup):
        """What a communication takes from its follow-up, for good."""
        return {
            "followup_id": followup.id,
            "partner_id": followup.partner_id.id,
            "company_id": followup.company_id.id,
        }

    @api.model
    def _column_defaults(self, given):
        """SQL values of the defaults of the stored fields not ``given``, as ``create`` would
        write them (the layers above add fields with defaults)."""
        names = [
            name
            for name, field in self._fields.items()
            if field.store and field.column_type and name not in given
        ]
        return {
            name: SQL("%s", self._fields[name].convert_to_column_insert(value, self))
            for name, value in self.default_get(names).items()
        }

    def _action_compose(self):
        """The mail composer for this draft: the level's template, the statement attached."""
        self.ensure_one()
        statement, letter = self._documents(with_statement=True)
        self.write({"statement_attachment_id": statement.id, "letter_attachment_id": letter.id})
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Send %(level)s", level=self.level_id.name),
            "res_model": "mail.compose.message",
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "new",
            "context": {
                "default_model": self._name,
                "default_res_ids": self.ids,
                "default_composition_mode": "comment",
                "default_template_id": self.level_id.mail_template_id.id,
                "default_partner_ids": self._recipients("email").ids,
                "default_attachment_ids": (statement | letter).ids,
                "default_subtype_xmlid": "mail.mt_comment",
                "credit_followup_compose": True,
            },
        }

    def _message_post_after_hook(self, message, msg_vals):
        """The composer sent a collector's draft: carry out the level's other channels."""
        result = super()._message_post_after_hook(message, msg_vals)
        if self.env.context.get("credit_followup_compose"):
            for communication in self.filtered(lambda c: c.state == "draft"):
                communication.message_id = message
                communication.followup_id._move_to(communication.level_id)
                communication._deliver()
        return result

    @api.model
    def _cron_deliver(self):
        """A delivery job: every job with this code takes batches of the same queue."""
        self._deliver_queued(self.env["ir.cron"]._commit_progress)
        self.env["sms.sms"]._credit_requeue_failed()

    @api.model
    def _delivery_jobs(self):
        return cron_jobs(self.env, self._name, "model._cron_deliver()")

    @api.model
    def _deliver_queued(self, progress, batch_size=50):
        """Deliver every queued communication, batch by batch (claimed, committed)."""
        delivered = self.browse()
        while batch := run_step(
            self.env, partial(self._claim_and_deliver, batch_size, delivered), progress
        ):
            delivered |= batch
            remaining = self.search_count([("state", "=", "queued")])
            if not progress(len(batch), remaining=remaining):
                break
        return delivered

    @api.model
    def _claim_and_deliver(self, limit, exclude):
        batch = self._claim(limit, exclude)
        batch._deliver()
        return batch

    @api.model
    def _claim(self, limit, exclude):
        """Lock queued communications no other run holds; a failed one waits for the next run."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM credit_followup_communication
                 WHERE state = 'queued' AND id != ALL(%s)
                 ORDER BY id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                exclude.ids,
                limit,
            )
        )
        return self.browse([communication_id for (communication_id,) in rows])

    def _deliver(self):
        """Carry out each communication; one customer's failure never stops the others."""
        statements = self._render_batch(
            STATEMENT_REPORT,
            self.filtered(lambda c: c.level_id.send_email or c.level_id.agency_handoff),
        )
        letters = self._render_batch(LETTER_REPORT, self.filtered("level_id.send_letter"))
        for communication in self:
            try:
                with self.env.cr.savepoint():
                    communication._deliver_one(
                        statements.get(communication.id), letters.get(communication.id)
                    )
            except SerializationFailure:
                raise  # a concurrent worker committed first: the whole batch runs again
            except Exception as error:  # pylint: disable=broad-except
                communication._record_failure(error)

    def _record_failure(self, error):
        self.ensure_one()
        _logger.warning("Follow-up communication %s failed: %s", self.id, error)
        attempts = self.attempt_count + 1
        final = attempts >= self.followup_id.effective_category_id.policy_id.max_attempts
        self.write(
            {
                "attempt_count": attempts,
                "error": str(error),
                "state": "failed" if final else "queued",
            }
        )
        if final:
            self.followup_id.sudo().write({"state": "action"})
            self.followup_id.message_post(
                body=self.env._(
                    "Level %(level)s could not be delivered: %(error)s",
                    level=self.level_id.name,
                    error=error,
                )
            )

    def _render_batch(self, report_xmlid, communications):
        """PDF per communication from one wkhtmltopdf call for the batch, split by Odoo along
        the records' outlines, when it can.

        wkhtmltopdf built on an unpatched Qt (Debian's) cannot render several documents at once,
        and a PDF without one outline per record cannot be split: then each communication
        renders its own in :meth:`_deliver_one`, where a failure is its own.
        """
        reports = self.env["ir.actions.report"].with_context(report_pdf_no_attachment=True)
        if len(communications) < 2 or not reports._renders_several_documents_at_once():
            return {}
        try:
            streams = reports._render_qweb_pdf_prepare_streams(
                report_xmlid, {}, res_ids=communications.ids
            )
        except UserError as error:
            _logger.info("Follow-up PDFs rendered one by one: %s", error)
            return {}
        if False in streams:
            return {}
        return {res_id: stream["stream"].getvalue() for res_id, stream in streams.items()}

    def _render_pdf(self, report_xmlid):
        self.ensure_one()
        reports = self.env["ir.actions.report"].with_context(report_pdf_no_attachment=True)
        streams = reports._render_qweb_pdf_prepare_streams(report_xmlid, {}, res_ids=self.ids)
        return streams[self.id]["stream"].getvalue()

    def _deliver_one(self, statement_pdf, letter_pdf):
        self.ensure_one()
        level, partner = self.level_id, self.partner_id
        attachments, letter = self._documents(
            level.send_email or level.agency_handoff, statement_pdf, letter_pdf
        )
        done = []
        if self.message_id:  # written and sent by a collector in the mail composer
            done.append(
                self.env._("email to %s", ", ".join(self.message_id.partner_ids.mapped("email")))
            )
        elif level.send_email:
            done.append(self._send_email(attachments | letter))
        elif letter:
            partner.message_post(
                body=self.env._("Formal demand letter issued (level %s).", level.name),
                attachment_ids=letter.ids,
            )
            done.append(self.env._("demand letter filed on the customer"))
        if level.send_sms:
            done.append(self._send_sms())
        if level.schedule_call:
            done.append(self._schedule_call())
        if level.agency_handoff:
            done.append(self._hand_off())
        if level.effect != "none":
            done.append(self._apply_effect())
        self.write(
            {
                "state": "done",
                "error": False,
                "attempt_count": self.attempt_count + 1,
                "summary": "\n".join(done),
                "statement_attachment_id": attachments.id,
                "letter_attachment_id": letter.id,
            }
        )
        self.followup_id.message_post(
            body=self.env._("Level %(level)s: %(done)s", level=level.name, done="; ".join(done))
        )

    def _documents(self, with_statement, statement_pdf=None, letter_pdf=None):
        """The statement (if asked) and the level's demand letter, as attachments: rendered
        (unless given) and attached once, reused by a later delivery of the same draft."""
        statement, letter = self.statement_attachment_id, self.letter_attachment_id
        if with_statement and not statement:
            statement = self._attach(
                statement_pdf or self._render_pdf(STATEMENT_REPORT), self.env._("Statement")
            )
        if self.level_id.send_letter and not letter:
            letter = self._attach(
                letter_pdf or self._render_pdf(LETTER_REPORT), self.env._("Demand letter")
            )
        return statement, letter

    def _attach(self, pdf, title):
        if not pdf:
            return self.env["ir.attachment"]
        return self.env["ir.attachment"].create(
            {
                "name": f"{title} - {self.partner_id.name} - {self.date}.pdf",
                "raw": pdf,
                "mimetype": "application/pdf",
                "res_model": "res.partner",
                "res_id": self.partner_id.id,
            }
        )

    def _recipients(self, field):
        """Who the reminder reaches, among those having ``field`` (email, phone), the first
        found of: the customer's follow-up contacts; the covered invoices' own contacts (people
        of the customer, not the customer itself); its invoice addresses that are people; the
        customer. A subsidiary set up as an invoice address is not a person: it receives the
        parent's reminders only as a follow-up contact."""
        customer = self.partner_id
        people = customer.child_ids.filtered(lambda contact: not contact.is_company)
        candidates = [
            customer.child_ids.filtered("credit_followup_contact"),
            self.line_ids.move_id.partner_id.filtered(
                lambda contact: (
                    contact != customer
                    and not contact.is_company
                    and contact.commercial_partner_id == customer
                )
            ),
            people.filtered(lambda contact: contact.type == "invoice"),
            customer,
        ]
        for contacts in candidates:
            if reached := contacts.filtered(field):
                return reached
        return customer.browse()

    def _letter_addressee(self):
        """Whom the letter is addressed to, by the same rule as the other channels: the first
        contact found with a postal address, else the customer."""
        self.ensure_one()
        return self._recipients("street")[:1] or self.partner_id

    def _recipients_summary(self, level):
        """Who a communication of ``level`` reaches, as text (the run's preview)."""
        reached = []
        if level.send_email:
            reached += self._recipients("email").mapped("email") or [self.env._("no email")]
        if level.send_sms:
            reached += self._recipients("phone").mapped("phone") or [self.env._("no phone")]
        if level.agency_handoff and level.agency_partner_id:
            reached.append(level.agency_partner_id.display_name)
        return ", ".join(reached)

    def _send_email(self, attachments):
        recipients = self._recipients("email")
        if not recipients:
            return self.env._("email skipped: the customer has no email address")
        template = self.level_id.mail_template_id
        rendered = template._generate_template(self.ids, ("subject", "body_html", "email_from"))
        values = rendered[self.id]
        message = self.with_context(mail_notify_force_send=False).message_post(
            subject=values.get("subject"),
            body=values.get("body_html"),
            email_from=values.get("email_from") or None,
            partner_ids=recipients.ids,
            attachment_ids=attachments.ids,
            message_type="comment",
            subtype_xmlid="mail.mt_comment",
        )
        self.message_id = message
        return self.env._("email to %s", ", ".join(recipients.mapped("email")))

    def _send_sms(self, template=None):
        """The level's SMS (or ``template``'s) to the customer's phones."""
        recipients = self._recipients("phone")
        if not recipients:
            return self.env._("SMS skipped: the customer has no phone number")
        template = template or self.level_id.sms_template_id
        body = template._render_field("body", self.ids, compute_lang=True)[self.id]
        # Posted on the communication: its company (the message's) picks the SMS provider,
        # gateway and sender, whoever runs the queue.
        message = self._message_sms(body, partner_ids=recipients.ids, put_in_queue=True)
        sms = self.env["sms.sms"].sudo().search([("mail_message_id", "=", message.id)])
        sms.write({"credit_communication_id": self.id, "record_company_id": self.company_id.id})
        return self.env._("SMS to %s", ", ".join(recipients.mapped("phone")))

    def _schedule_call(self):
        collector = self.followup_id._collector()
        self.followup_id.activity_schedule(
            "mail.mail_activity_data_call",
            user_id=collector.id,
            summary=self.env._("Call about overdue invoices (%s)", self.level_id.name),
            note=self.env._(
                "%(amount)s due on %(count)s invoices.",
                amount=self.currency_id.format(self.amount_due),
                count=len(self.line_ids.move_id),
            ),
        )
        return self.env._("call for %s", collector.name)

    def _hand_off(self):
        """The file to the level's agency (a case: see ``credit.agency.case``), and the hand
        over to a Credit Manager."""
        done = []
        if self.level_id.agency_partner_id:
            done.append(self.env["credit.agency.case"].sudo()._place(self)._send_file())
        manager = self.company_id._credit_managers()[:1]
        self.followup_id.activity_schedule(
            "mail.mail_activity_data_todo",
            user_id=(manager or self.env.user).id,
            summary=self.env._("Hand off to the collection agency"),
        )
        done.append(self.env._("hand-off activity for %s", (manager or self.env.user).name))
        self.followup_id.sudo().state = "handed_off"
        return ", ".join(done)

    def _apply_effect(self):
        level = self.level_id
        note = self.env._(
            "%(effect)s by follow-up level %(level)s on %(date)s",
            effect=self.env._("Suspended") if level.effect == "suspend" else self.env._("Held"),
            level=level.name,
            date=self.date,
        )
        self.partner_id.with_company(self.company_id)._credit_set_hold(True, note)
        if level.effect == "suspend":
            self.followup_id.sudo().state = "handed_off"
            return self.env._("account suspended")
        return self.env._("credit hold set")
