"""Benchmark of the daily follow-up escalation run on a large portfolio of overdue invoices.

Run it on a database that has ``credit_collections`` installed (see ``README.rst``)::

    .venv/bin/python benchmarks/bench_followup_run.py --db bench_followup

The first run generates the portfolio with ``bench_risk_recompute.py``'s generator, with a mix
of 10% paid, 10% partly paid and 80% open invoices, so that 10,000 customers with 6 invoices each
owe about 50,000 overdue invoices. Then, for each round, every follow-up and communication is
deleted and the run is timed in its two phases, each batch committed as by the cron:

- *decide*: ``_escalate_due`` — figures refreshed, customers classified, levels decided and
  the communications queued (the issue's target: 60 s for the portfolio);
- *deliver*: ``_deliver_queued`` on the first ``--deliver`` queued communications only —
  statement and letter PDFs (one wkhtmltopdf call per batch), emails and SMS queued, call
  activities, holds — to give the delivery throughput; with ``--delivery-workers N``, N threads
  with a cursor each share the queue, as N delivery cron jobs do.

Then it runs the escalation again the same day (nothing to decide), and on the next day, after
that night's refresh of the figures: the cost of an ordinary day.

With OCA's ``account_credit_control`` installed and ``--oca-addons-path``, its run on the same
portfolio and day is timed after each round, rolled back.
"""

import argparse
import math
import sys
import threading
import time
from datetime import timedelta

import bench_risk_recompute as portfolio

import odoo
from odoo import fields
from odoo.tools import SQL, split_every

from odoo.addons.base.models.ir_actions_report import _wkhtml


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database with credit_collections installed")
    parser.add_argument("--conf", default=str(portfolio.DEFAULT_CONF))
    parser.add_argument("--partners", type=int, default=10000)
    parser.add_argument("--invoices-per-partner", type=int, default=6)
    parser.add_argument("--batch-size", type=int, default=1000, help="the cron's")
    parser.add_argument("--deliver", type=int, default=200, help="communications to deliver")
    parser.add_argument("--delivery-workers", type=int, default=1, help="delivery jobs at once")
    parser.add_argument("--decide-workers", type=int, default=1, help="escalation jobs at once")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--oca-addons-path", default="")
    return parser.parse_args()


class Progress(portfolio.Progress):
    """The cron's ``progress``: commits each batch and records its size, queries and time."""

    def summary(self, label):
        """Its time counts every commit; a commit of nothing done (the escalation's new
        follow-ups) is not a batch."""
        seconds = sum(batch[2] for batch in self.batches)
        batches = [batch for batch in self.batches if batch[0]]
        done = sum(batch[0] for batch in batches)
        queries = [batch[1] for batch in batches]
        rate = done / seconds if seconds else 0
        print(
            f"{label}: {done} in {seconds:.1f} s ({rate:.0f}/s), {len(batches)} batches, "
            f"queries per batch {min(queries, default=0)}-{max(queries, default=0)}"
        )


def overdue_figures(env, company, today):
    [(customers, invoices, amount)] = env.execute_query(
        SQL(
            """
            SELECT COUNT(DISTINCT line.partner_id), COUNT(*), SUM(line.amount_residual)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
             WHERE line.company_id = %s AND account.account_type = 'asset_receivable'
               AND line.parent_state = 'posted' AND NOT line.reconciled
               AND line.amount_residual > 0 AND line.date_maturity < %s
            """,
            company.id,
            today,
        )
    )
    print(f"overdue: {invoices} overdue items of {customers} customers, {amount:,.2f} in all")


def reset(env):
    """No follow-up yet, as on the day of the first run (the tables emptied as a new install
    has them: no statistics), and the customers marked stale refreshed, as the minutely job
    leaves them (the benchmark's server runs no cron): a run would refresh them again each
    time."""
    env.cr.execute(SQL("TRUNCATE credit_followup, credit_followup_communication CASCADE"))
    env.cr.execute(SQL("DELETE FROM mail_activity WHERE res_model = 'credit.followup'"))
    env.cr.execute(SQL("UPDATE res_partner SET credit_hold = NULL WHERE credit_hold IS NOT NULL"))
    env["credit.partner.risk"]._refresh_marked(lambda *args, **kwargs: True)
    env.cr.commit()
    env.invalidate_all()
    vacuum(env.cr.dbname, REWRITTEN_TABLES)


# What a round rewrites: each round starts from them vacuumed and analyzed, as autovacuum
# leaves them between two nights (a server may run without it: then every round would read
# more dead rows than the last).
REWRITTEN_TABLES = [
    "mail_activity",
    "res_partner",
    "credit_partner_risk",
    "credit_invoice_forecast",
]


def vacuum(dbname, tables):
    with odoo.sql_db.db_connect(dbname).cursor() as cr:
        cr._cnx.autocommit = True  # VACUUM runs outside a transaction
        cr.execute(SQL("VACUUM ANALYZE %s", SQL(", ").join(map(SQL.identifier, tables))))


def time_round(env, args, today):
    reset(env)
    start = time.perf_counter()
    shares = decide(env, args, summary="decide batches")
    decide_seconds = time.perf_counter() - start
    if args.decide_workers > 1:
        print(f"decided by each of {args.decide_workers} workers: {', '.join(map(str, shares))}")
    queued = env["credit.followup.communication"].search_count([("state", "=", "queued")])
    levels = env["credit.followup.communication"]._read_group([], ["level_id"], ["__count"])
    print(
        f"decide: {sum(shares)} customers decided, {queued} communications queued in "
        f"{decide_seconds:.2f} s (target 60 s)"
    )
    print("queued by level: " + ", ".join(f"{level.name} {count}" for level, count in levels))
    start = time.perf_counter()
    done = deliver_in_parallel(env.registry, args.delivery_workers, args.deliver)
    seconds = time.perf_counter() - start
    env.cr.commit()  # a fresh snapshot, which sees what the workers committed
    build = _wkhtml()
    print(
        f"deliver: {done} communications by {args.delivery_workers} worker(s) in {seconds:.1f} s "
        f"({done / seconds:.1f}/s) -> {queued / (done / seconds) / 60:.0f} min for all {queued} "
        f"at this rate; wkhtmltopdf {build.version} "
        f"{'on patched Qt' if build.is_patched_qt else 'on unpatched Qt'} at {build.bin}"
    )
    second = Progress(env.cr)
    start = time.perf_counter()
    again = env["credit.followup"]._escalate_due(second, batch_size=args.batch_size)
    print(f"second run the same day: {len(again)} decided in {time.perf_counter() - start:.2f} s")
    time_next_day(env, args, today + timedelta(days=1))
    refresh_figures(env, today)  # as the next round's run expects them


def refresh_figures(env, day):
    """Every follow-up's figures computed on ``day``, as that day's nightly run leaves them."""
    risks = env["credit.partner.risk"]
    for company in env["res.company"].search([("chart_template", "!=", False)]):
        partner_ids = env["credit.followup"].search([("company_id", "=", company.id)]).partner_id
        for batch in split_every(2000, partner_ids.ids):
            risks._refresh(company, batch, day)
    env.cr.commit()


def time_next_day(env, args, day):
    """The run of the next day, after that night's refresh of the figures: what a day costs
    once every customer has its follow-up (most climb no level that day)."""
    refresh_figures(env, day)
    start = time.perf_counter()
    decided = sum(decide(env, args, day))
    seconds = time.perf_counter() - start
    queued = env["credit.followup.communication"].search_count([("date", "=", day)])
    print(f"next day: {decided} decided in {seconds:.2f} s, {queued} communications queued")


def decide(env, args, today=None, summary=None):
    """The escalation run of ``today`` by ``--decide-workers`` workers: how many customers each
    decided; with one, its batches are reported under ``summary``."""
    if args.decide_workers > 1:
        env.cr.commit()
        shares = decide_in_parallel(env.registry, args.decide_workers, args.batch_size, today)
        env.cr.commit()  # a fresh snapshot, which sees what the workers committed
        return shares
    progress = Progress(env.cr)
    decided = env["credit.followup"]._escalate_due(progress, args.batch_size, today)
    if summary:
        progress.summary(summary)
    return [len(decided)]


OCA_MODULE = "account_credit_control"


def oca_state(env, args):
    """Why OCA's ``account_credit_control`` cannot be compared, or None when it can."""
    if not args.oca_addons_path:
        return "no --oca-addons-path given"
    module = env["ir.module.module"].search([("name", "=", OCA_MODULE)])
    if module.state != "installed":
        return f"module {OCA_MODULE} is not installed in {args.db} (install it with odoo-bin -i)"
    return None


def time_oca_run(env, args, today):
    """OCA's credit control run on the same portfolio and day, from no previous run, as its
    *Run* button does: its three-level policy of the company over the receivable accounts.
    Rolled back: the timed run is its line generation; it sends nothing either."""
    if reason := oca_state(env, args):
        print(f"OCA {OCA_MODULE}: skipped, {reason}")
        return
    policy = env.company.credit_policy_id
    policy.account_ids = env["account.account"].search(
        [("account_type", "=", "asset_receivable"), ("company_ids", "in", env.company.ids)]
    )
    env.cr.execute(SQL("DELETE FROM credit_control_line; DELETE FROM credit_control_run"))
    env.invalidate_all()
    run = env["credit.control.run"].create({"date": today, "policy_ids": policy.ids})
    env.flush_all()
    queries, start = env.cr.sql_log_count, time.perf_counter()
    lines = run._generate_credit_lines()
    env.flush_all()
    seconds = time.perf_counter() - start
    print(
        f"OCA {OCA_MODULE}: {len(lines)} credit control lines for "
        f"{len(lines.partner_id)} customers in {seconds:.1f} s, "
        f"{env.cr.sql_log_count - queries} queries (its run: lines, no communication yet)"
    )
    env.cr.rollback()
    env.invalidate_all()


def decide_in_parallel(registry, workers, batch_size, today=None):
    """``workers`` threads run the escalation together, each with its own cursor (as that many
    escalation cron jobs): how many customers each decided."""
    shares = []

    def work():
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            decided = env["credit.followup"]._escalate_due(Progress(cr), batch_size, today)
            shares.append(len(decided))

    threads = [threading.Thread(target=work) for _worker in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return shares


def deliver_in_parallel(registry, workers, limit):
    """``workers`` threads deliver the queue together, each with its own cursor and batches
    of 50, until ``limit`` communications are delivered in all: how many were."""
    budgets = []

    def work():
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            budget = DeliveryBudget(Progress(cr), math.ceil(limit / workers))
            budgets.append(budget)
            env["credit.followup.communication"]._deliver_queued(budget, batch_size=50)

    threads = [threading.Thread(target=work) for _worker in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(budget.done for budget in budgets)


class DeliveryBudget:
    """Stops the delivery after ``limit`` communications (the rest stays queued)."""

    def __init__(self, progress, limit):
        self.progress, self.limit, self.done = progress, limit, 0

    def __call__(self, done, remaining=None):
        self.progress(done, remaining)
        self.done += done
        return self.done < self.limit


def main():
    args = parse_args()
    portfolio.MIX.update(paid=0.1, paid_or_partial=0.2)
    registry = portfolio.open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        today = fields.Date.context_today(env["credit.followup"])
        portfolio.ensure_portfolio(env, args, today)
        overdue_figures(env, env.company, today)
        for _round in range(args.rounds):
            time_round(env, args, today)
            time_oca_run(env, args, today)
    return 0


if __name__ == "__main__":
    sys.exit(main())
