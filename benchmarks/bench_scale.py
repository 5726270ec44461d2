"""The nightly run at two (or more) portfolio sizes, side by side: does its cost follow the
portfolio, customer for customer?

Generate each database first with ``bench_risk_recompute.py`` (say 10,000 and 100,000 customers,
10 invoices each), then::

    .venv/bin/python benchmarks/bench_scale.py --db bench_10k --db bench_100k [--workers 2]

On each database, from the same code in the same run, it times the nightly recompute
(``_refresh_stale`` from an empty table) and the escalation decisions (``_escalate_due`` from no
follow-up), with one worker then with ``--workers`` (a cursor each, as that many cron jobs),
and reads a middle batch's two statements under ``EXPLAIN (ANALYZE, BUFFERS)``: the risk upsert
and the forecast. It prints a table: a column per database, its costs per 1,000 customers, per
receivable line and per batch, and, last, the ratio of the last database's cost to the first's
(1.0 is flat). The databases keep the figures and follow-ups of the last run.
"""

import argparse
import sys
import time

import bench_followup_run as followup_run
import bench_risk_recompute as portfolio

import odoo
from odoo import fields
from odoo.modules.registry import Registry
from odoo.tools import SQL, config


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--db", action="append", required=True, help="a database of bench_risk_recompute.py"
    )
    parser.add_argument("--conf", default=str(portfolio.DEFAULT_CONF))
    parser.add_argument("--workers", type=int, default=2, help="cron jobs of each kind at once")
    parser.add_argument("--batch-size", type=int, default=2000, help="of the recompute")
    parser.add_argument("--decide-batch-size", type=int, default=1000, help="of the escalation")
    return parser.parse_args()


def measure(registry, args):
    """The figures of one database: ``{label: value}``, in the order they are printed."""
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        today = fields.Date.context_today(env["credit.partner.risk"])
        sizes = portfolio.portfolio_figures(env, company)
        customers, lines = sizes["customers"], sizes["receivable_lines"]
        figures = {"customers": customers, "receivable lines": lines}

        recompute = portfolio.time_recompute(env, args.batch_size).total_seconds
        cr.commit()
        shared, _shares = portfolio.time_shared_recompute(registry, args.workers, args.batch_size)
        figures.update(per_thousand("recompute", recompute, shared, customers, args.workers))
        figures["recompute µs per line, 1 worker"] = recompute / lines * 1e6
        figures.update(batch_plans(env, company, today, args.batch_size))

        decided, decide = time_decisions(env, args)
        figures["customers decided"] = decided
        shared = time_shared_decisions(env, args)
        figures.update(per_thousand("decisions", decide, shared, decided, args.workers))
        return figures


def per_thousand(label, alone, shared, customers, workers):
    return {
        f"{label} s, 1 worker": alone,
        f"{label} s, {workers} workers": shared,
        f"{label} s per 1,000, 1 worker": alone / customers * 1000,
        f"{label} s per 1,000, {workers} workers": shared / customers * 1000,
    }


def time_decisions(env, args):
    followup_run.reset(env)
    start = time.perf_counter()
    decided = env["credit.followup"]._escalate_due(
        followup_run.Progress(env.cr), batch_size=args.decide_batch_size
    )
    return len(decided), time.perf_counter() - start


def time_shared_decisions(env, args):
    followup_run.reset(env)
    start = time.perf_counter()
    followup_run.decide_in_parallel(env.registry, args.workers, args.decide_batch_size)
    seconds = time.perf_counter() - start
    env.cr.commit()  # a fresh snapshot, after the workers' commits
    return seconds


def batch_plans(env, company, today, batch_size):
    """Buffers and milliseconds of a middle batch's upsert and forecast, rolled back."""
    customers = portfolio.customers_by_history(env, company)
    middle = len(customers) // 2
    batch = [partner_id for partner_id, _lines in customers[middle : middle + batch_size]]
    forecasts = env["credit.invoice.forecast"]
    queries = {
        "upsert": env["credit.partner.risk"]._refresh_query(company, batch, today),
        "forecast": forecasts._forecast_query(company, batch, today),
    }
    figures = {}
    for label, query in queries.items():
        buffers, milliseconds = explain(env, query)
        figures[f"{label} of a middle batch, buffers"] = buffers
        figures[f"{label} of a middle batch, ms"] = milliseconds
    return figures


def explain(env, query):
    """The shared buffers (hit and read) and execution milliseconds of ``query``, rolled back."""
    with env.cr.savepoint(flush=False) as savepoint:
        plan = env.execute_query(SQL("EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s", query))[0][0]
        savepoint.rollback()
    top = plan[0]["Plan"]
    buffers = top.get("Shared Hit Blocks", 0) + top.get("Shared Read Blocks", 0)
    return buffers, plan[0]["Execution Time"]


def print_side_by_side(databases, results):
    labels = list(results[0])
    width = max(map(len, labels)) + 2
    print("".ljust(width) + "".join(db.rjust(14) for db in databases) + "last/first".rjust(12))
    for label in labels:
        values = [result[label] for result in results]
        ratio = values[-1] / values[0] if values[0] else float("nan")
        print(label.ljust(width) + "".join(map(cell, values)) + f"{ratio:12.2f}")


def cell(value):
    return f"{value:14,d}" if isinstance(value, int) else f"{value:14,.3f}"


def main():
    args = parse_args()
    config.parse_config(["-c", args.conf, "--log-level", "warn"], setup_logging=True)
    results = []
    for db in args.db:
        results.append(measure(Registry(db), args))
        print(f"{db}: measured", flush=True)
    print_side_by_side(args.db, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
