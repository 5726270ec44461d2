import json
from datetime import timedelta
from functools import partial

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from ..tools.receivables import COVERED_ITEM, OVERDUE_ITEM, receivable_items
from .concurrent_runs import run_step
from .credit_followup import GRADE_PRIORITY

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
    """The daily escalation run: decide each customer's level, queue what it triggers.

    The run works in batches of follow-ups claimed with ``FOR UPDATE SKIP LOCKED`` and stamped
    with the day, each batch committed with the cron's progress: a second run the same day finds
    nothing to do, a run cut short resumes with the customers it had not reached, and runs in
    parallel (cron workers, a collector's *Send now*) never decide for the same customer twice.
    What a decision triggers is queued as ``credit.followup.communication`` records in the same
    transaction and delivered by :meth:`CreditFollowupCommunication._deliver_queued`.

    The same decisions, simulated without being written, give the run's preview (a dry run)
    and fill the follow-up screen before the first run: what is shown is what the run does.
    """

    _inherit = "credit.followup"

    @api.model
    def _cron_escalate(self):
        progress = self.env["ir.cron"]._commit_progress
        self._escalate_due(progress)
        self.env["credit.followup.communication"]._deliver_queued(progress)
        self.env["sms.sms"]._credit_requeue_failed()

    @api.model
    def _escalate_due(self, progress, batch_size=500, today=None):
        """Decide for every customer not decided today, in every company, batch by batch.

        ``progress(done, remaining=...)`` is called after each batch (the cron's commits there);
        a falsy answer stops the run. Returns the follow-ups decided by this call.
        """
        today = today or fields.Date.context_today(self)
        decided = self.browse()
        for company in self.env["res.company"].search([("chart_template", "!=", False)]):
            run_step(self.env, partial(self._ensure_followups, company), progress)
            claim_and_decide = partial(self._claim_and_decide, company, today, batch_size)
            while batch := run_step(self.env, claim_and_decide, progress):
                decided |= batch
                if not progress(len(batch), remaining=self._undecided_count(company, today)):
                    return decided
        return decided

    @api.model
    def _ensure_followups(self, company):
        """Create the follow-ups of customers with open receivables (concurrency-safe)."""
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
                ON CONFLICT (partner_id, company_id) DO NOTHING
                """,
                company_id=company.id,
                uid=self.env.uid,
                open_items=receivable_items(company.id, open_only=True),
            )
        )

    @api.model
    def _claim_and_decide(self, company, today, limit):
        batch = self._claim(company, today, limit)
        if batch:
            batch._decide(today)
        return batch

    @api.model
    def _claim(self, company, today, limit):
        """Lock up to ``limit`` follow-ups not decided today that no other run holds."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id FROM credit_followup
                 WHERE company_id = %s AND (last_run_date IS NULL OR last_run_date < %s)
                 ORDER BY id
                 LIMIT %s
                   FOR UPDATE SKIP LOCKED
                """,
                company.id,
                today,
                limit,
            )
        )
        return self.browse([followup_id for (followup_id,) in rows])

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
        values, to_queue = [], []
        for followup in self:
            row_values, level = followup._decision(facts[followup.id], today)
            values.append(row_values)
            if level:
                to_queue.append((followup, level, facts[followup.id]["line_ids"]))
        before = {followup.id: (followup.level_id, followup.state) for followup in self}
        self._write_decisions(values, today)
        self._log_escalations(before)
        communications = self.env["credit.followup.communication"]
        communications._queue(to_queue, trigger="auto", today=today)

    def _decision(self, facts, today):
        """The new state of this follow-up, and the level to act upon now (or None).

        The customer climbs its ladder one level at a time (skippable levels aside), at most
        one level per ``min_days_between`` days, towards the highest level its items reached.
        """
        self.ensure_one()
        Level = self.env["credit.followup.level"]
        target = Level.browse(facts["level_id"])
        category = self.env["credit.delinquency.category"].browse(facts["category_id"])
        policy = category.policy_id
        levels = policy.level_ids.sorted("offset_days")
        current = self.level_id if self.level_id in levels else Level
        if self.escalate and target:
            above = levels.filtered(lambda level: level.offset_days > current.offset_days)
            if current and above and above[0].offset_days > target.offset_days:
                target = above[0]
        if target and (not current or target.offset_days > current.offset_days):
            target = policy._next_step(current, target)
        wait_until = (
            self.level_date + timedelta(days=policy.min_days_between)
            if current and self.level_date and not self.escalate
            else None
        )
        values = {
            "id": self.id,
            "category_id": category.id or None,
            "policy_id": policy.id or None,
            "collector_id": self._collector_for(category).id or None,
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
        values.update(self._next_action(values, levels, target, facts, today))
        if values["state"] == "paused":
            values["next_action_date"] = self.paused_until + timedelta(days=1)
        return values, act

    @staticmethod
    def _figure_values(facts):
        """The follow-up's figures from its facts: what it owes, how late, its priority."""
        return {
            "risk_id": facts["risk_id"],
            "overdue_amount": facts["overdue"] or 0.0,
            "max_days_overdue": max(facts["max_days"] or 0, 0),
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

    def _next_action(self, values, levels, target, facts, today):
        """The next level on the ladder and the day it may be reached at the earliest."""
        reached = self.env["credit.followup.level"].browse(values["level_id"])
        following = levels.filtered(lambda level: level.offset_days > reached.offset_days)
        if not (following and target):
            return {"next_level_id": following[:1].id or None, "next_action_date": None}
        policy = levels.policy_id
        oldest_due = today - timedelta(days=facts["max_days"] or 0)
        earliest = [
            oldest_due + timedelta(days=following[0].offset_days),
            today + timedelta(days=1),
        ]
        if values["level_date"]:
            earliest.append(values["level_date"] + timedelta(days=policy.min_days_between))
        return {"next_level_id": following[0].id, "next_action_date": max(earliest)}

    def _log_escalations(self, before):
        """One note per customer whose level or state the run changed, in one batch: the
        follow-up's history shows every escalation (the run writes with SQL, untracked)."""
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
        categories = self.env["credit.delinquency.category"].search(
            [("company_id", "in", [False, company.id])]
        )
        classify = (
            SQL(
                "CASE %s END",
                SQL(" ").join(
                    SQL("WHEN %s THEN %s", category._match_sql(), category.id)
                    for category in categories
                ),
            )
            if categories
            else SQL("NULL::int")
        )
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
                items AS (
                    SELECT batch.id AS followup_id, open_items.id AS line_id,
                           open_items.amount_residual, open_items.no_followup,
                           %(today)s - open_items.date_due AS days_late
                      FROM batch
                      JOIN (%(open_items)s) open_items ON open_items.partner_id = batch.partner_id
                     WHERE NOT COALESCE(open_items.no_followup, FALSE)  -- disputes are not dunned
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
                     WHERE %(covered_item)s
                     GROUP BY items.followup_id
                )
                SELECT batch.id AS followup_id, batch.category_id, batch.risk_id, batch.grade,
                       reached.level_id, totals.overdue, totals.max_days, totals.weighted,
                       covered.line_ids
                  FROM batch
                  LEFT JOIN totals ON totals.followup_id = batch.id
                  LEFT JOIN reached ON reached.followup_id = batch.id
                  LEFT JOIN covered ON covered.followup_id = batch.id
                """,
                classify=classify,
                ids=self.ids,
                today=today,
                open_items=receivable_items(company.id, self.partner_id.ids, open_only=True),
                overdue_item=OVERDUE_ITEM,
                covered_item=COVERED_ITEM,
            )
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
            for batch in split_every(batch_size, undecided.ids, self.browse):
                facts = {row["followup_id"]: row for row in batch._facts(company, today)}
                for followup in batch:
                    values, level = followup._decision(facts[followup.id], today)
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
            communication = self.env["credit.followup.communication"].new(
                {"followup_id": followup.id, "level_id": (level or pending).id}
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
