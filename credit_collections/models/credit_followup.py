import json
from datetime import timedelta
from functools import partial

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL, split_every

from ..tools.receivables import (
    COVERED_ITEM,
    OVERDUE_ITEM,
    covered_items_domain,
    open_items_domain,
    overdue_items_domain,
    receivable_items,
)
from .concurrent_runs import cron_jobs, run_step
from .followup_ladders import Ladders

GRADE_PRIORITY = {"A": 1.0, "B": 1.25, "C": 1.5, "D": 2.0, "E": 3.0}
ESCALATION_SHARE_CODE = "model._cron_escalate_share()"
# New follow-ups from which their table's statistics are refreshed at once (see ``_analyze``).
ANALYZE_AFTER_NEW_FOLLOWUPS = 500

# What the desk shows ahead of the run: the figures of the decision, never its level or state.
DESK_COLUMNS = (
    "category_id",
    "policy_id",
    "collector_id",
    "risk_id",
    "overdue_amount",
    "max_days_overdue",
    "priority",
    "state",
)


class CreditFollowup(models.Model):
    """The collections file of one customer (commercial partner) in one company.

    Written by the daily escalation run (below), worked by
    collectors from the follow-up screen. Amounts leave out disputed items (Odoo's
    ``no_followup``); the aging buckets and the grade are the customer's credit figures.
    """

    _name = "credit.followup"
    _description = "Customer Follow-up"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    # Indexed for the foreign key: without it, each credit row deleted scans every follow-up.
    risk_id = fields.Many2one(
        "credit.partner.risk", string="Credit Figures", readonly=True, index="btree_not_null"
    )
    grade = fields.Selection(related="risk_id.grade", string="Risk Grade")
    amount_not_due = fields.Monetary(related="risk_id.amount_not_due")
    amount_late_1_30 = fields.Monetary(related="risk_id.amount_late_1_30")
    amount_late_31_60 = fields.Monetary(related="risk_id.amount_late_31_60")
    amount_late_61_90 = fields.Monetary(related="risk_id.amount_late_61_90")
    amount_late_91_120 = fields.Monetary(related="risk_id.amount_late_91_120")
    amount_late_120_plus = fields.Monetary(related="risk_id.amount_late_120_plus")
    dispute_count = fields.Integer(related="risk_id.dispute_count")
    collector_override_id = fields.Many2one(
        "res.users",
        string="Collector (by hand)",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Set to assign this customer to a collector by hand; empty: the default collector "
        "of its category or ladder.",
    )
    collector_id = fields.Many2one(
        "res.users",
        compute="_compute_collector_id",
        store=True,
        index=True,
        help="Gets the calls to make: the collector set by hand, else the default collector of "
        "the customer's category or ladder; empty: the customer's salesperson.",
    )
    category_id = fields.Many2one(
        "credit.delinquency.category", string="Category (automatic)", readonly=True
    )
    category_override_id = fields.Many2one(
        "credit.delinquency.category",
        tracking=True,
        help="Set to classify this customer by hand; the automatic category is then ignored.",
    )
    policy_id = fields.Many2one(
        "credit.followup.policy",
        string="Ladder",
        compute="_compute_policy_id",
        store=True,
        index=True,
        help="The ladder of the customer's category: the levels it climbs.",
    )
    effective_category_id = fields.Many2one(
        "credit.delinquency.category",
        string="Category",
        compute="_compute_effective_category_id",
    )
    level_id = fields.Many2one(
        "credit.followup.level",
        readonly=True,
        tracking=True,
        index=True,
        help="The highest level reached and acted upon for the customer's open invoices.",
    )
    level_date = fields.Date(string="Level Reached On", readonly=True)
    pending_level_id = fields.Many2one(
        "credit.followup.level",
        string="Manual Level Due",
        readonly=True,
        help="A manual level reached by the invoices: a collector sends it from this screen.",
    )
    next_level_id = fields.Many2one("credit.followup.level", readonly=True)
    next_action_date = fields.Date(string="Next Action", readonly=True, index=True)
    state = fields.Selection(
        [
            ("clear", "Nothing due"),
            ("auto", "Escalating"),
            ("action", "Action needed"),
            ("paused", "Paused"),
            ("handed_off", "Handed off"),
        ],
        default="clear",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    paused_until = fields.Date(
        readonly=True, help="Escalation waits until then: a promise to pay or a payment plan."
    )
    escalate = fields.Boolean(
        readonly=True,
        help="A promise or an instalment was broken: the next run moves one level up at once.",
    )
    overdue_amount = fields.Monetary(
        string="Overdue", readonly=True, help="Overdue receivable, disputed items left out."
    )
    max_days_overdue = fields.Integer(string="Days Overdue", readonly=True)
    expected_days_late = fields.Integer(
        readonly=True,
        help="How late the customer is expected to pay its latest open invoice, in days after "
        "its due date (see the cash-in forecast).",
    )
    priority = fields.Integer(
        readonly=True,
        index=True,
        help="Amount overdue times days overdue (per invoice), weighted by the risk grade, "
        "in thousands.",
    )
    last_run_date = fields.Date(
        readonly=True,
        index=True,
        help="The day the escalation run last decided for this customer: once per day.",
    )
    communication_ids = fields.One2many(
        "credit.followup.communication", "followup_id", string="Communications", readonly=True
    )
    promise_ids = fields.One2many(
        "credit.followup.promise", "followup_id", string="Promises to Pay", readonly=True
    )
    plan_ids = fields.One2many(
        "credit.payment.plan", "followup_id", string="Payment Plans", readonly=True
    )
    credit_hold = fields.Boolean(
        compute="_compute_credit_hold",
        string="On Credit Hold",
        help="The customer's orders are held in this company until a Credit Manager releases it.",
    )
    delivery_problem = fields.Boolean(
        readonly=True,
        index=True,
        help="The last email or SMS sent to the customer bounced or failed: see its "
        "communication and the activity it left.",
    )
    sent_today = fields.Boolean(
        compute="_compute_sent_today",
        help="The level Send Now would act on was already sent today.",
    )
    open_line_ids = fields.Many2many(
        "account.move.line", compute="_compute_open_line_ids", string="Open Items"
    )

    _unique_partner_company = models.Constraint(
        "UNIQUE (partner_id, company_id)", "A customer has one follow-up per company."
    )

    @api.depends("category_id", "category_override_id")
    def _compute_effective_category_id(self):
        for followup in self:
            followup.effective_category_id = followup.category_override_id or followup.category_id

    @api.depends("category_id.policy_id", "category_override_id.policy_id")
    def _compute_policy_id(self):
        for followup in self:
            followup.policy_id = followup.effective_category_id.policy_id

    @api.depends(
        "collector_override_id",
        "category_id.collector_id",
        "category_id.policy_id.collector_id",
        "category_override_id.collector_id",
        "category_override_id.policy_id.collector_id",
    )
    def _compute_collector_id(self):
        for followup in self:
            followup.collector_id = followup._collector_for(followup.effective_category_id)

    @api.depends("partner_id", "company_id")
    def _compute_credit_hold(self):
        for followup in self:
            partner = followup.partner_id.with_company(followup.company_id)
            followup.credit_hold = partner.sudo().credit_hold

    @api.depends(
        "level_id",
        "pending_level_id",
        "next_level_id",
        "next_action_date",
        "communication_ids.state",
    )
    def _compute_sent_today(self):
        today = fields.Date.context_today(self)
        for followup in self:
            level = followup._level_to_send()
            followup.sent_today = any(
                communication.level_id == level
                and communication.date == today
                and communication.state != "draft"
                for communication in followup.communication_ids
            )

    def _compute_open_line_ids(self):
        for followup in self:
            followup.open_line_ids = self.env["account.move.line"].search(
                followup._open_lines_domain(), order="date_maturity, id"
            )

    def _open_lines_domain(self):
        self.ensure_one()
        return open_items_domain() & Domain(
            [
                ("partner_id.commercial_partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
            ]
        )

    @api.depends("partner_id", "company_id")
    def _compute_display_name(self):
        multi_company = len(self.company_id) > 1
        for followup in self:
            name = followup.partner_id.display_name or ""
            followup.display_name = (
                f"{name} ({followup.company_id.name})" if multi_company else name
            )

    # Actions of the follow-up screen

    def action_send_now(self):
        """Act now on the level due (or repeat the current one).

        One customer whose level sends an email: the mail composer opens on it, prefilled from
        the level's template with the statement attached, and the level is carried out when the
        collector sends it. Several customers: carried out at once.
        """
        levels = {followup: followup._level_to_send() for followup in self}
        missing = [
            followup.partner_id.display_name for followup, level in levels.items() if not level
        ]
        if missing:
            raise UserError(
                self.env._(
                    "Nothing is due for %s: no follow-up level has been reached.",
                    ", ".join(missing),
                )
            )
        if len(self) == 1 and levels[self].send_email:
            return self._draft_communication(levels[self])._action_compose()
        communications = self.env["credit.followup.communication"]
        for followup, level in levels.items():
            communications |= followup._queue_communication(level, trigger="manual")
        communications._deliver()
        return self._notify_delivery(communications)

    def _notify_delivery(self, communications):
        """A notification of what was done (or failed), then the screen reloads."""
        failed = communications.filtered(lambda c: c.state != "done")
        lines = [
            self.env._(
                "%(customer)s, %(level)s: %(result)s",
                customer=communication.partner_id.display_name,
                level=communication.level_id.name,
                result=communication.error
                if communication in failed
                else (communication.summary or "").replace("\n", "; "),
            )
            for communication in communications
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else "success",
                "title": self.env._("Not delivered") if failed else self.env._("Sent"),
                "message": "\n".join(lines),
                "sticky": bool(failed),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_record_promise(self):
        self.ensure_one()
        return self._open_new("credit.followup.promise", self.env._("Promise to Pay"))

    def action_create_plan(self):
        self.ensure_one()
        return self._open_new("credit.payment.plan", self.env._("Payment Plan"))

    def action_mark_dispute(self):
        self.ensure_one()
        action = self._open_new("credit.dispute.wizard", self.env._("Mark Dispute"))
        action["context"]["default_move_ids"] = self._overdue_lines().move_id.ids
        return action

    def _open_new(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_followup_id": self.id, "default_partner_id": self.partner_id.id},
        }

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id._get_records_action(name=self.partner_id.display_name)

    def action_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.activity",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "default_user_id": self.env.uid,
            },
        }

    def action_credit_hold(self):
        """Put the customers on credit hold in the follow-up's company (Credit Managers)."""
        for followup in self:
            followup.partner_id.with_company(followup.company_id).write(
                {
                    "credit_hold": True,
                    "credit_hold_note": self.env._(
                        "Put on hold from the follow-up screen (level: %s).",
                        followup.level_id.name or self.env._("none"),
                    ),
                }
            )

    def action_credit_release(self):
        """Lift the customers' credit hold in the follow-up's company (Credit Managers)."""
        for followup in self:
            followup.partner_id.with_company(followup.company_id).write(
                {"credit_hold": False, "credit_hold_note": False}
            )

    def action_print_statement(self):
        self.ensure_one()
        return self.env.ref(
            "credit_collections.action_report_followup_partner_statement"
        ).report_action(self)

    def _letter_addressee(self):
        """Whom the follow-up's letter (printed from the desk) is addressed to: as a
        communication's, over the overdue items."""
        self.ensure_one()
        communications = self.env["credit.followup.communication"]
        letter = communications.new(
            {**communications._followup_values(self), "line_ids": self._overdue_lines().ids}
        )
        return letter._letter_addressee()

    def action_print_letter(self):
        self.ensure_one()
        if not self._overdue_lines():
            raise UserError(
                self.env._(
                    "Nothing is overdue for %s: there is nothing to demand.",
                    self.partner_id.display_name,
                )
            )
        return self.env.ref(
            "credit_collections.action_report_followup_partner_letter"
        ).report_action(self)

    # Business methods

    def _today(self):
        """Today in the user's timezone (for reports)."""
        return fields.Date.context_today(self)

    def _level_to_send(self):
        """The manual level waiting for a collector, else the next level once it is due,
        else the current level (a repeat)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        next_due = self.next_action_date and self.next_action_date <= today
        return self.pending_level_id or (next_due and self.next_level_id) or self.level_id

    def _overdue_lines(self):
        """Open overdue items of the customer (``credit_overdue``: owed, late, not disputed)."""
        if not self:
            return self.env["account.move.line"]
        self.ensure_one()
        today = fields.Date.context_today(self)
        return self.env["account.move.line"].search(
            self._open_lines_domain() & overdue_items_domain(today),
            order="date_maturity, id",
        )

    def _overdue_total(self):
        """What the customer owes today on its overdue, undisputed items (company currency)."""
        return sum(self._overdue_lines().mapped("amount_residual"))

    def _queue_communication(self, level, trigger):
        """Move the customer to ``level`` now and queue what it does (a collector's send)."""
        self.ensure_one()
        self._move_to(level)
        return self.env["credit.followup.communication"]._queue(
            [(self, level, self._covered_lines(level).ids)], trigger
        )

    def _draft_communication(self, level):
        """Today's draft of ``level`` for a collector to write in the composer (reused)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        draft = self.communication_ids.filtered(
            lambda c: c.state == "draft" and c.level_id == level and c.date == today
        )
        return draft[:1] or self.env["credit.followup.communication"]._queue(
            [(self, level, self._covered_lines(level).ids)], "manual", state="draft"
        )

    def _covered_lines(self, level):
        """The items a communication of ``level`` covers (``COVERED_ITEM``, the run's rule)."""
        today = fields.Date.context_today(self)
        return self.env["account.move.line"].search(
            self._open_lines_domain() & covered_items_domain(today, level.offset_days)
        )

    def _move_to(self, level):
        """Put the customer at ``level`` as of today (a collector acts on it)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT id FROM credit_followup WHERE id = %s FOR UPDATE", self.id)
        )  # wait for a run deciding this customer, rather than deciding against it
        today = fields.Date.context_today(self)
        following = level.policy_id.level_ids.filtered(
            lambda other: other.offset_days > level.offset_days
        ).sorted("offset_days")[:1]
        self.sudo().write(
            {
                "level_id": level.id,
                "level_date": today,
                "pending_level_id": False,
                "state": "auto" if self.state in ("action", "clear") else self.state,
                "next_level_id": following.id,
                "next_action_date": following
                and today + timedelta(days=max(level.policy_id.min_days_between, 1)),
            }
        )

    def _update_pause(self):
        """Escalation waits until the last open promise, or the plan's next instalment."""
        today = fields.Date.context_today(self)
        for followup in self:
            dates = followup.promise_ids.filtered(lambda p: p.state == "open").mapped(
                "promise_date"
            )
            dates += [
                plan._next_unpaid_date()
                for plan in followup.plan_ids.filtered(lambda p: p.state == "active")
            ]
            paused_until = max([date for date in dates if date], default=False)
            values = {"paused_until": paused_until}
            if paused_until and paused_until >= today:
                values["state"] = "paused"
            elif followup.state == "paused":
                values["state"] = "auto" if followup.level_id else "clear"
            followup.sudo().write(values)

    def _collector_for(self, category):
        """The collector assigned to this customer when it is in ``category``."""
        self.ensure_one()
        if self.collector_override_id or not category:
            return self.collector_override_id
        return category._default_collector()

    def _last_delivery_status(self):
        """The delivery status of the last communication sent by email or SMS."""
        self.ensure_one()
        sent = self.communication_ids.filtered(lambda c: c.delivery_status != "none")
        return sent.sorted(lambda c: (c.date, c.id))[-1:].delivery_status

    def _collector(self):
        """Who makes the calls: the collector, else the salesperson, else the current user."""
        self.ensure_one()
        return self.collector_id or self.partner_id.user_id or self.env.user

    # The daily escalation run: decide each customer's level, queue what it triggers.
    #
    # The run works in batches of follow-ups claimed with ``FOR UPDATE SKIP LOCKED`` and stamped
    # with the day, each batch committed with the cron's progress: a second run the same day finds
    # nothing to do, a run cut short resumes with the customers it had not reached, and runs in
    # parallel (cron workers, a collector's *Send now*) never decide for the same customer twice.
    # What a decision triggers is queued as ``credit.followup.communication`` records in the same
    # transaction and delivered by the delivery jobs (:meth:`CreditFollowupCommunication.
    # _cron_deliver`), which several cron workers run side by side.
    #
    # The same decisions, simulated without being written, give the run's preview (a dry run)
    # and fill the follow-up screen before the first run: what is shown is what the run does.

    @api.model
    def _cron_escalate(self):
        """Decide, batch by batch, with the other escalation jobs started alongside to take
        their share; the delivery jobs start as soon as the run has queued."""
        for job in self._escalation_share_jobs():
            job._trigger()
        self._cron_escalate_share()

    @api.model
    def _cron_escalate_share(self):
        """One worker of the escalation run (the daily job's own, or a second job it started,
        duplicates too): decides what it claims, then starts the delivery jobs."""
        self._escalate_due(self.env["ir.cron"]._commit_progress)
        for job in self.env["credit.followup.communication"]._delivery_jobs():
            job._trigger()

    def _escalation_share_jobs(self):
        return cron_jobs(self.env, self._name, ESCALATION_SHARE_CODE)

    @api.model
    def _escalate_due(self, progress, batch_size=1000, today=None):
        """Decide for every customer not decided today, in every company, batch by batch.

        ``progress(done, remaining=...)`` is called after each batch (the cron's commits there);
        a falsy answer stops the run. Returns the follow-ups decided by this call. A batch has
        costs of its own, whatever its size (planning the facts' query, reading the ladders,
        the commit): batches of 1,000 rather than 500 decided 3,000 customers 10% faster on
        their first run and 20% faster on an ordinary day (one worker).
        """
        today = today or fields.Date.context_today(self)
        decided = self.browse()
        for company in self.env["res.company"].search([("chart_template", "!=", False)]):
            run_step(self.env, partial(self._ensure_followups, company), progress)
            if not progress(0):  # committed at once: other workers wait on the new follow-ups
                return decided
            # Counted once: what parallel workers decide meanwhile only makes it smaller.
            remaining = self._undecided_count(company, today)
            claim_and_decide = partial(self._claim_and_decide, company, today, batch_size)
            while batch := run_step(self.env, claim_and_decide, progress):
                decided |= batch
                remaining = max(remaining - len(batch), 0)
                if not progress(len(batch), remaining=remaining):
                    return decided
        return decided

    @api.model
    def _ensure_followups(self, company, partner_ids=None):
        """Create the follow-ups of customers with open receivables (concurrency-safe), of
        every customer or of the commercial partners ``partner_ids``.

        Only the missing ones are inserted: an ``ON CONFLICT`` over existing follow-ups would
        wait on those another worker's batch is deciding, then fail on its commit. A worker
        that collides with another's insert is run again (``run_step``), which logs it: Odoo's
        "bad query" error line would alarm for nothing. In the customers' order: two workers
        inserting the same customers in the orders of their scans (PostgreSQL synchronizes
        concurrent scans of a table, so they start at different rows) would each wait on a
        customer the other inserted: a deadlock."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO credit_followup (partner_id, company_id, state, create_uid,
                                             create_date, write_uid, write_date)
                SELECT DISTINCT partner_id, %(company_id)s, 'clear',
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM (%(open_items)s) open_items
                 WHERE amount_residual > 0
                   AND NOT EXISTS (SELECT 1 FROM credit_followup followup
                                    WHERE followup.partner_id = open_items.partner_id
                                      AND followup.company_id = %(company_id)s)
                 ORDER BY partner_id
                ON CONFLICT (partner_id, company_id) DO NOTHING
                """,
                company_id=company.id,
                uid=self.env.uid,
                open_items=receivable_items(company, partner_ids, open_only=True),
            ),
            log_exceptions=False,
        )
        if self.env.cr.rowcount >= ANALYZE_AFTER_NEW_FOLLOWUPS:
            self._analyze()

    def _analyze(self):
        """Statistics of the follow-ups just created, for the planner of the batches that
        read them next: with those of a table still (nearly) empty, it expects one follow-up
        per batch and loops over the batch's items once per customer (40 ms to 560 ms per
        batch of 500, on a first run). Autovacuum would get there, a minute or more later."""
        self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(self._table)))

    @api.model
    def _claim_and_decide(self, company, today, limit):
        batch = self._claim(company, today, limit)
        if batch:
            batch._decide(today)
        return batch

    @api.model
    def _claim(self, company, today, limit):
        """Lock up to ``limit`` follow-ups not decided today that no other run holds. In no
        order: walking the primary key would pass, at each batch, over every row the run has
        already rewritten (their old and new versions), a cost growing with the square of the
        portfolio. A collision with another worker is retried quietly (see
        ``_ensure_followups``)."""
        self.flush_model(["company_id", "last_run_date"])
        self.env.cr.execute(
            SQL(
                """
                SELECT id FROM credit_followup
                 WHERE company_id = %s AND (last_run_date IS NULL OR last_run_date < %s)
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                company.id,
                today,
                limit,
            ),
            log_exceptions=False,
        )
        return self.browse([followup_id for (followup_id,) in self.env.cr.fetchall()])

    @api.model
    def _undecided_count(self, company, today):
        return self.search_count(
            [
                ("company_id", "=", company.id),
                "|",
                ("last_run_date", "=", False),
                ("last_run_date", "<", today),
            ]
        )

    def _decide(self, today):
        """Decide the level of this batch (one company) and queue the communications due."""
        company = self.company_id.ensure_one()
        self.env["credit.followup.promise"]._settle_due(self, today)
        self.env["credit.payment.plan"]._settle_due(self, today)
        self.env.flush_all()
        self.env["credit.partner.risk"]._refresh_unless_fresh(company, self.partner_id.ids, today)
        facts = {row["followup_id"]: row for row in self._facts(company, today)}
        ladders = Ladders(self.env)
        values, to_queue = [], []
        for followup in self:
            row_values, level = followup._decision(facts[followup.id], today, ladders)
            values.append(row_values)
            if level:
                to_queue.append((followup, level, facts[followup.id]["line_ids"]))
        before = {followup.id: (followup.level_id, followup.state) for followup in self}
        # Queued first, while the follow-ups' customers and companies are still in the cache.
        self.env["credit.followup.communication"]._queue(to_queue, trigger="auto", today=today)
        self._write_decisions(values, today)
        communicated = self.browse([followup.id for followup, _level, _lines in to_queue])
        (self - communicated)._log_escalations(before)
        self._ask_to_reconcile(facts)

    def _decision(self, facts, today, ladders):
        """The new state of this follow-up, and the level to act upon now (or None).

        The customer climbs its ladder one level at a time (skippable levels aside), at most
        one level per ``min_days_between`` days, towards the highest level its items reached.
        ``ladders``: the batch's ``Ladders``.
        """
        self.ensure_one()
        ladder = ladders[facts["category_id"]]
        policy, levels = ladder.policy, ladder.levels
        current = self.level_id if self.level_id in levels else self.env["credit.followup.level"]
        target = self._target_level(facts, ladder, current)
        wait_until = (
            self.level_date + timedelta(days=policy.min_days_between)
            if current and self.level_date and not self.escalate
            else None
        )
        values = {
            "id": self.id,
            "category_id": ladder.category.id or None,
            "policy_id": policy.id or None,
            "collector_id": self._collector_for(ladder.category).id or None,
            **self._figure_values(facts),
            "level_id": current.id or None,
            "level_date": self.level_date or None,
            "pending_level_id": None,
            "state": "auto",
            "escalate": False,
        }
        act = None
        if not target:
            values.update(level_id=None, level_date=None, state="clear")
        elif self.paused_until and self.paused_until >= today:
            values["state"] = "paused"
            values["escalate"] = self.escalate
        elif self.state == "handed_off" and current:
            values["state"] = "handed_off"
        elif not current or target.offset_days > current.offset_days:
            if wait_until and wait_until > today:
                pass  # too soon after the last communication: the next run decides again
            elif target.trigger == "manual":
                values.update(pending_level_id=target.id, state="action")
            else:
                values.update(level_id=target.id, level_date=today)
                act = target
        elif target.offset_days < current.offset_days:
            values.update(level_id=target.id)  # paid down: a new escalation starts from here
        values.update(self._next_action(values, ladder, target, facts, today))
        if values["state"] == "paused":
            values["next_action_date"] = self.paused_until + timedelta(days=1)
        return values, act

    def _target_level(self, facts, ladder, current):
        """The level to climb to: the next step towards the highest level the items reached
        (the level above the current one when a collector asked to escalate)."""
        target = self.env["credit.followup.level"].browse(facts["level_id"])
        if self.escalate and target:
            above = ladder.above[current.id]
            if current and above and above[0].offset_days > target.offset_days:
                target = above[0]
        if target and (not current or target.offset_days > current.offset_days):
            target = ladder.levels._next_step(current, target)
        return target

    @staticmethod
    def _figure_values(facts):
        """The follow-up's figures from its facts: what it owes, how late, its priority."""
        return {
            "risk_id": facts["risk_id"],
            "overdue_amount": facts["overdue"] or 0.0,
            "max_days_overdue": max(facts["max_days"] or 0, 0),
            "expected_days_late": facts["expected_days_late"] or 0,
            "priority": round(
                (facts["weighted"] or 0.0) * GRADE_PRIORITY.get(facts["grade"], 1.5) / 1000
            ),
        }

    @api.model
    def _cron_refresh_marked(self):
        """Every minute: the customers whose ledger changed, their credit figures and then their
        follow-up figures (the ladder's levels are the daily run's)."""
        self.env["credit.partner.risk"]._refresh_marked(
            self.env["ir.cron"]._commit_progress, after_batch=self._refresh_figures
        )

    @api.model
    def _refresh_figures(self, company, partner_ids, today=None):
        """Rewrite the figures of these customers' follow-ups in ``company``, nothing else."""
        today = today or fields.Date.context_today(self)
        followups = self.search(
            [("company_id", "=", company.id), ("partner_id", "in", partner_ids)]
        )
        if not followups:
            return
        values = [
            {"id": row["followup_id"], **self._figure_values(row)}
            for row in followups._facts(company, today)
        ]
        followups._write_decisions(values, today, decided=False)

    def _next_action(self, values, ladder, target, facts, today):
        """The next level on the ladder and the day it may be reached at the earliest."""
        following = ladder.above[values["level_id"] or False]
        if not (following and target):
            return {"next_level_id": following[:1].id or None, "next_action_date": None}
        oldest_due = today - timedelta(days=facts["max_days"] or 0)
        earliest = [
            oldest_due + timedelta(days=following[0].offset_days),
            today + timedelta(days=1),
        ]
        if values["level_date"]:
            earliest.append(values["level_date"] + timedelta(days=ladder.policy.min_days_between))
        return {"next_level_id": following[0].id, "next_action_date": max(earliest)}

    def _log_escalations(self, before):
        """One note per customer whose level or state the run changed, in one batch (the run
        writes with SQL, untracked). A change that queues a communication is not noted: the
        communication records it, and its delivery notes what was sent."""
        states = dict(self._fields["state"]._description_selection(self.env))
        bodies = {}
        for followup in self:
            level, state = before[followup.id]
            if (level, state) != (followup.level_id, followup.state):
                bodies[followup.id] = self.env._(
                    "Follow-up run: level %(old_level)s → %(level)s, %(old_state)s → %(state)s.",
                    old_level=level.name or self.env._("none"),
                    level=followup.level_id.name or self.env._("none"),
                    old_state=states[state],
                    state=states[followup.state],
                )
        if bodies:
            self.browse(list(bodies))._message_log_batch(bodies)

    def _write_decisions(self, values, today, decided=True):
        """One UPDATE for the batch; ``last_run_date`` marks the customers decided today
        (unless ``decided`` is false: figures written ahead of the run)."""
        columns = [column for column in values[0] if column != "id"]
        if decided:
            values = [dict(row, last_run_date=today) for row in values]
            columns.append("last_run_date")
        self.env.cr.execute(
            SQL(
                """
                UPDATE credit_followup followup
                   SET %(assignments)s,
                       write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                  FROM (SELECT * FROM jsonb_to_recordset(%(rows)s::jsonb) AS row(%(types)s)) AS new
                 WHERE followup.id = new.id
                """,
                assignments=SQL(", ").join(
                    SQL("%s = new.%s", SQL.identifier(column), SQL.identifier(column))
                    for column in columns
                ),
                uid=self.env.uid,
                rows=json.dumps(values, default=str),
                types=SQL(", ").join(
                    SQL("%s %s", SQL.identifier(column), SQL(self._column_type(column)))
                    for column in ["id", *columns]
                ),
            )
        )
        self.invalidate_recordset()

    def _column_type(self, column):
        return "int" if column == "id" else self._fields[column].column_type[1]

    def _facts(self, company, today):
        """Per follow-up: category, reached level, overdue figures and the items to cover."""
        return self.env.execute_query_dict(
            SQL(
                """
                WITH batch AS (
                    SELECT followup.id, followup.partner_id, risk.id AS risk_id, risk.grade,
                           COALESCE(followup.category_override_id, %(classify)s) AS category_id
                      FROM credit_followup followup
                      LEFT JOIN credit_partner_risk risk
                             ON risk.partner_id = followup.partner_id
                            AND risk.company_id = followup.company_id
                     WHERE followup.id = ANY(%(ids)s)
                ),
                -- Materialized: inline, the planner expects one suggestion and scans the whole
                -- batch once per credit (24 ms for a batch of 1,000, against 8 ms).
                suggestion AS MATERIALIZED (%(suggestions)s),
                reconcilable AS (  -- an invoice a credit settles in full: neither is dunned
                    SELECT DISTINCT ON (suggestion.invoice_line_id) batch.id AS followup_id,
                           suggestion.invoice_line_id, suggestion.credit_line_id
                      FROM batch
                      JOIN suggestion ON suggestion.partner_id = batch.partner_id
                     WHERE suggestion.covers_invoice
                     ORDER BY suggestion.invoice_line_id, suggestion.credit_line_id
                ),
                items AS (
                    SELECT batch.id AS followup_id, open_items.id AS line_id,
                           open_items.amount_residual, open_items.no_followup,
                           %(today)s - open_items.date_due AS days_late
                      FROM batch
                      JOIN (%(open_items)s) open_items ON open_items.partner_id = batch.partner_id
                     WHERE NOT COALESCE(open_items.no_followup, FALSE)  -- disputes are not dunned
                       AND open_items.id NOT IN (SELECT invoice_line_id FROM reconcilable
                                                 UNION ALL
                                                 SELECT credit_line_id FROM reconcilable)
                ),
                to_reconcile AS (
                    SELECT followup_id, ARRAY_AGG(invoice_line_id) AS line_ids
                      FROM reconcilable
                     GROUP BY followup_id
                ),
                totals AS (
                    SELECT followup_id,
                           COALESCE(SUM(amount_residual) FILTER (WHERE amount_residual < 0), 0)
                               AS credits,
                           SUM(amount_residual) FILTER (WHERE %(overdue_item)s) AS overdue,
                           MAX(days_late) FILTER (WHERE amount_residual > 0) AS max_days,
                           SUM(amount_residual * days_late) FILTER (WHERE %(overdue_item)s)
                               AS weighted
                      FROM items
                     GROUP BY followup_id
                ),
                expected AS (  -- the cash-in forecast, written with the customers' figures
                    SELECT forecast.partner_id, MAX(forecast.predicted_days_late) AS days_late
                      FROM credit_invoice_forecast forecast
                     WHERE forecast.company_id = %(company_id)s
                       AND forecast.partner_id = ANY(%(partner_ids)s)
                     GROUP BY forecast.partner_id
                ),
                %(level_ctes)s
                SELECT batch.id AS followup_id, batch.category_id, batch.risk_id, batch.grade,
                       reached.level_id, totals.overdue, totals.max_days, totals.weighted,
                       covered.line_ids, expected.days_late AS expected_days_late,
                       to_reconcile.line_ids AS reconcile_line_ids
                  FROM batch
                  LEFT JOIN to_reconcile ON to_reconcile.followup_id = batch.id
                  LEFT JOIN expected ON expected.partner_id = batch.partner_id
                  LEFT JOIN totals ON totals.followup_id = batch.id
                  LEFT JOIN reached ON reached.followup_id = batch.id
                  LEFT JOIN covered ON covered.followup_id = batch.id
                """,
                classify=self._category_case(company),
                ids=self.ids,
                company_id=company.id,
                partner_ids=self.partner_id.ids,
                today=today,
                open_items=receivable_items(company, self.partner_id.ids, open_only=True),
                overdue_item=OVERDUE_ITEM,
                level_ctes=self._level_ctes(),
                suggestions=self.env["credit.reconcile.suggestion"]._query(
                    company, self.partner_id.ids
                ),
            )
        )

    @api.model
    def _category_case(self, company):
        """SQL over ``credit_followup`` and its customer's risk: the first delinquency
        category of ``company`` (or shared) whose rule matches, in sequence."""
        categories = self.env["credit.delinquency.category"].search(
            [("company_id", "in", [False, company.id])]
        )
        if not categories:
            return SQL("NULL::int")
        return SQL(
            "CASE %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", category._match_sql(), category.id)
                for category in categories
            ),
        )

    @staticmethod
    def _level_ctes():
        """SQL CTEs over ``batch``, ``items`` and ``totals``: per follow-up, the highest level of
        its ladder its items reached (what they owe, less the unapplied credits, positive and at
        least the level's minimum) and the items a communication of that level covers."""
        return SQL(
            """
            due AS (
                SELECT batch.id AS followup_id, level.id AS level_id, level.offset_days,
                       level.min_amount, SUM(items.amount_residual) AS amount
                  FROM batch
                  JOIN credit_delinquency_category category ON category.id = batch.category_id
                  JOIN credit_followup_level level ON level.policy_id = category.policy_id
                  JOIN items ON items.followup_id = batch.id
                            AND items.amount_residual > 0
                            AND items.days_late >= level.offset_days
                 GROUP BY batch.id, level.id, level.offset_days, level.min_amount
            ),
            reached AS (
                SELECT DISTINCT ON (due.followup_id) due.followup_id, due.level_id,
                       due.offset_days
                  FROM due
                  JOIN totals ON totals.followup_id = due.followup_id
                 WHERE due.amount + totals.credits > 0
                   AND due.amount + totals.credits >= COALESCE(due.min_amount, 0)
                 ORDER BY due.followup_id, due.offset_days DESC
            ),
            covered AS (  -- what a communication covers: the overdue items, or those due soon
                SELECT items.followup_id, ARRAY_AGG(items.line_id ORDER BY items.line_id)
                           AS line_ids
                  FROM items
                  JOIN reached ON reached.followup_id = items.followup_id
                 WHERE %s
                 GROUP BY items.followup_id
            )
            """,
            COVERED_ITEM,
        )

    # The run simulated: its preview, and the screen before the first run

    @api.model
    def _simulate(self, companies, today, batch_size=500):
        """Yield ``(follow-up, values, level to act on, facts)`` for every customer the run
        would decide today in ``companies``; nothing is written but missing follow-ups."""
        for company in companies.filtered("chart_template"):
            self._ensure_followups(company)
            undecided = self.search(
                [
                    ("company_id", "=", company.id),
                    "|",
                    ("last_run_date", "=", False),
                    ("last_run_date", "<", today),
                ]
            )
            ladders = Ladders(self.env)
            for batch in split_every(batch_size, undecided.ids, self.browse):
                facts = {row["followup_id"]: row for row in batch._facts(company, today)}
                for followup in batch:
                    values, level = followup._decision(facts[followup.id], today, ladders)
                    yield followup, values, level, facts[followup.id]

    @api.model
    def _preview(self, companies, today=None):
        """What a run would do today, per customer: a list of dicts (see the run wizard)."""
        today = today or fields.Date.context_today(self)
        Level = self.env["credit.followup.level"]
        rows = []
        for followup, values, level, facts in self._simulate(companies, today):
            pending = Level.browse(values["pending_level_id"])
            if not (level or pending):
                continue
            covered = self.env["account.move.line"].browse(facts["line_ids"] or [])
            communications = self.env["credit.followup.communication"]
            communication = communications.new(
                {**communications._followup_values(followup), "level_id": (level or pending).id}
            )
            rows.append(
                {
                    "followup_id": followup.id,
                    "level_id": (level or pending).id,
                    "manual": bool(pending),
                    "channels": ", ".join((level or pending)._actions()),
                    "amount_due": sum(covered.mapped("amount_residual")),
                    "recipients": communication._recipients_summary(level or pending),
                }
            )
        return rows

    @api.model
    def _refresh_desk(self, companies=None, today=None):
        """Fill the follow-up screen ahead of the run: figures, and each customer with a level
        due is shown as needing action today. Nothing is sent, no level is moved."""
        today = today or fields.Date.context_today(self)
        companies = companies or self.env["res.company"].search([("chart_template", "!=", False)])
        values = []
        for _followup, decision, level, _facts in self._simulate(companies, today):
            upcoming = (level and level.id) or decision["pending_level_id"]
            row = {column: decision[column] for column in ("id", *DESK_COLUMNS)}
            row["next_level_id"] = upcoming or decision["next_level_id"]
            row["next_action_date"] = today if upcoming else decision["next_action_date"]
            values.append(row)
        if values:
            self.browse([row["id"] for row in values])._write_decisions(
                values, today, decided=False
            )
