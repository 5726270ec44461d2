"""Benchmark of the aged receivables at a past date (``credit.aged.receivable``).

Run it on a database that has ``credit_collections`` installed (see ``README.rst``)::

    .venv/bin/python benchmarks/bench_aged_receivable.py --db bench_aging \
        --partners 40000 --invoices-per-partner 10

The first run generates the portfolio with ``bench_risk_recompute.py``'s generator (invoices
over the last twelve months, most paid, some late, some partly paid, credit notes). For the end
of each of the last ``--months`` months, it counts the receivable items open that day and times,
from cold Odoo caches and warm PostgreSQL buffers, what the screens ask of the report: the pivot
(open amount by customer and aging bucket, ``_read_group``), the graph by salesperson and
bucket, and the first page of the list. It checks the report's total against an independent
sum: each open item's balance less the partial reconciliations dated on or before the day,
grouped in Python.
"""

import argparse
import sys
import time
from collections import defaultdict
from datetime import timedelta

from bench_risk_recompute import DEFAULT_CONF, ensure_portfolio, open_registry

import odoo
from odoo import fields
from odoo.tools import SQL


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True, help="database with credit_collections installed")
    parser.add_argument("--conf", default=str(DEFAULT_CONF), help="Odoo configuration file")
    parser.add_argument("--partners", type=int, default=40000, help="customers to generate")
    parser.add_argument("--invoices-per-partner", type=int, default=10, help="on average")
    parser.add_argument("--months", type=int, default=4, help="month ends to report on")
    parser.add_argument("--rounds", type=int, default=3, help="timed runs of each query")
    args = parser.parse_args()
    args.oca_addons_path = None
    return args


def month_ends(today, count):
    end = today.replace(day=1) - timedelta(days=1)
    for _month in range(count):
        yield end
        end = end.replace(day=1) - timedelta(days=1)


def independent_total(env, company, as_of):
    """Open amount on ``as_of`` from the raw tables, netted in Python."""
    residuals = defaultdict(float)
    rows = env.execute_query(
        SQL(
            """
            SELECT line.id, line.balance
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
             WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
               AND account.account_type = 'asset_receivable' AND line.date <= %(as_of)s
               AND line.partner_id IS NOT NULL
            """,
            company=company.id,
            as_of=as_of,
        )
    )
    for line_id, balance in rows:
        residuals[line_id] = balance
    parts = env.execute_query(
        SQL(
            "SELECT debit_move_id, credit_move_id, amount FROM account_partial_reconcile"
            " WHERE company_id = %s AND max_date <= %s",
            company.id,
            as_of,
        )
    )
    for debit_id, credit_id, amount in parts:
        if debit_id in residuals:
            residuals[debit_id] -= amount
        if credit_id in residuals:
            residuals[credit_id] += amount
    open_items = [value for value in residuals.values() if round(value, 2)]
    return len(open_items), round(sum(open_items), 2)


def timed(env, rounds, call):
    seconds = []
    for _round in range(rounds):
        env.invalidate_all()
        start = time.perf_counter()
        result = call()
        seconds.append(time.perf_counter() - start)
    return result, min(seconds), max(seconds)


def bench_day(env, company, as_of, rounds):
    report = env["credit.aged.receivable"].with_context(
        credit_as_of=fields.Date.to_string(as_of), allowed_company_ids=company.ids
    )
    pivot, pivot_min, pivot_max = timed(
        env,
        rounds,
        lambda: report._read_group([], ["partner_id", "bucket"], ["amount_residual:sum"]),
    )
    _graph, graph_min, graph_max = timed(
        env, rounds, lambda: report._read_group([], ["user_id", "bucket"], ["amount_residual:sum"])
    )
    _page, list_min, list_max = timed(
        env, rounds, lambda: report.search_fetch([], ["partner_id", "amount_residual"], limit=80)
    )
    [(count, total)] = report._read_group([], [], ["__count", "amount_residual:sum"])
    expected_count, expected_total = independent_total(env, company, as_of)
    status = "OK" if (count, round(total, 2)) == (expected_count, expected_total) else "MISMATCH"
    print(
        f"{as_of}: {count} open items, {len({row[0] for row in pivot})} customers, "
        f"total {total:,.2f} ({status}: independent {expected_count} items, "
        f"{expected_total:,.2f}); pivot {pivot_min:.2f}-{pivot_max:.2f} s, "
        f"graph {graph_min:.2f}-{graph_max:.2f} s, list page {list_min:.2f}-{list_max:.2f} s"
    )
    return status == "OK"


def main():
    args = parse_args()
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        today = fields.Date.context_today(env["credit.partner.risk"])
        ensure_portfolio(env, args, today)
        company = env.company
        ok = [bench_day(env, company, day, args.rounds) for day in month_ends(today, args.months)]
    return 0 if all(ok) else 1


if __name__ == "__main__":
    sys.exit(main())
