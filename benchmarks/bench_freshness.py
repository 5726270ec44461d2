"""Benchmark of fresh credit figures: what marking costs a payment, and how soon it shows.

Run it on the benchmark database of ``bench_risk_recompute.py`` (see ``README.rst``)::

    .venv/bin/python benchmarks/bench_freshness.py --db bench_risk [--payments 1000]

It posts ``2 * --invoices`` new invoices, then pays ``2 * --payments`` open invoices, of distinct
``BENCH-`` customers, each in four quarters: with the addon's marking switched off (plain Odoo),
on, on, off, so that a drift over the run cancels out, and prints the seconds and SQL queries per
posted invoice and per payment of each, the commit included (the marks are written by a
pre-commit hook). Then it times the refresh of the customers marked by the payments,
batch by batch and committed, as the frequent cron does, and checks that every paid customer's
open amount equals the sum of its open receivable items. The payments are committed: each run
pays other invoices.
"""

import argparse
import sys
import time
from contextlib import contextmanager
from unittest.mock import patch

from bench_risk_recompute import DEFAULT_CONF, REF_PREFIX, open_registry, pay

import odoo
from odoo import Command, fields
from odoo.tools import SQL


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="the benchmark database")
    parser.add_argument("--conf", default=str(DEFAULT_CONF), help="Odoo configuration file")
    parser.add_argument("--payments", type=int, default=1000, help="payments in each half")
    parser.add_argument("--invoices", type=int, default=500, help="posted invoices in each half")
    parser.add_argument("--batch-size", type=int, default=500, help="refresh batch size")
    args = parser.parse_args()
    args.oca_addons_path = None
    return args


def open_invoices(env, count):
    """Open invoices of ``count`` distinct BENCH- customers (one each), oldest first."""
    rows = env.execute_query(
        SQL(
            """
            SELECT DISTINCT ON (move.partner_id) move.id
              FROM account_move move
              JOIN res_partner partner ON partner.id = move.partner_id
             WHERE partner.ref LIKE %s
               AND move.move_type = 'out_invoice'
               AND move.state = 'posted'
               AND move.payment_state = 'not_paid'
             ORDER BY move.partner_id, move.invoice_date
             LIMIT %s
            """,
            f"{REF_PREFIX}%",
            count,
        )
    )
    return env["account.move"].browse([move_id for (move_id,) in rows])


@contextmanager
def marking_timed(env, spent):
    """The addon's marking, its own time summed in ``spent``: the cost of marking, measured
    inside, where the difference of two timed runs is lost in their noise."""
    moves, risks = type(env["account.move"]), type(env["credit.partner.risk"])
    collect, write = moves._credit_mark_stale, risks._write_marks

    def timed(method):
        def wrapper(self):
            start = time.perf_counter()
            try:
                return method(self)
            finally:
                spent[method.__name__] = spent.get(method.__name__, 0.0) + (
                    time.perf_counter() - start
                )

        return wrapper

    with (
        patch.object(moves, "_credit_mark_stale", timed(collect)),
        patch.object(risks, "_write_marks", timed(write)),
    ):
        yield


@contextmanager
def marking_off(env):
    """Plain Odoo: the addon's marks are not collected."""
    with patch.object(
        type(env["credit.partner.risk"]), "_mark_stale", lambda self, by_company: None
    ):
        yield


def timed_commit(env, work, count):
    """Run ``work()`` and commit: seconds and queries per each of its ``count`` documents."""
    queries = env.cr.sql_log_count
    start = time.perf_counter()
    work()
    env.cr.commit()  # the pre-commit hook writes the marks here
    seconds = time.perf_counter() - start
    return seconds / count, (env.cr.sql_log_count - queries) / count


def draft_invoices(env, partners, today):
    """One draft invoice (one line, no tax) per customer, committed: what the next step posts."""
    drafts = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": today,
                "invoice_line_ids": [
                    Command.create(
                        {"name": "Bench goods", "quantity": 1, "price_unit": 100.0, "tax_ids": []}
                    )
                ],
            }
            for partner in partners
        ]
    )
    env.cr.commit()
    return drafts


def compare(env, what, quarters, work):
    """Time ``work(quarter)`` over four quarters, plain, marked, marked, plain; print per
    document the time and queries of each and the marking's own time."""
    timings = {"plain": [], "marked": []}
    spent = {}
    for label, quarter in zip(("plain", "marked", "marked", "plain"), quarters, strict=True):
        switch = marking_off(env) if label == "plain" else marking_timed(env, spent)
        with switch:
            timings[label].append(timed_commit(env, lambda q=quarter: work(q), len(quarter)))
    (plain_seconds, plain_queries), (marked_seconds, marked_queries) = (
        [sum(values) / len(values) for values in zip(*timings[label], strict=True)]
        for label in ("plain", "marked")
    )
    count = sum(len(quarter) for quarter in quarters[1:3])
    print(f"{what}: {count} per half, one per customer, plain, marked, marked, plain")
    print(f"  plain Odoo: {plain_seconds * 1000:.2f} ms and {plain_queries:.2f} queries each")
    print(f"  with marks: {marked_seconds * 1000:.2f} ms and {marked_queries:.2f} queries each")
    print(
        f"  difference: {(marked_seconds - plain_seconds) * 1000:+.2f} ms and "
        f"{marked_queries - plain_queries:+.2f} queries each (timing noise included)"
    )
    print(
        "  marking, measured inside: "
        + ", ".join(f"{name} {seconds / count * 1000:.3f} ms" for name, seconds in spent.items())
        + " each"
    )


def quarters_of(records, half):
    return [records[index * half : (index + 1) * half] for index in range(4)]


def check_fresh(env, company, partner_ids):
    """Customers whose stored open amount differs from their open receivable items."""
    rows = env.execute_query(
        SQL(
            """
            SELECT risk.partner_id
              FROM credit_partner_risk risk
              LEFT JOIN (
                  SELECT partner.commercial_partner_id AS partner_id,
                         SUM(line.amount_residual) AS open_amount
                    FROM account_move_line line
                    JOIN account_account account ON account.id = line.account_id
                    JOIN res_partner partner ON partner.id = line.partner_id
                   WHERE line.company_id = %(company)s
                     AND account.account_type = 'asset_receivable'
                     AND line.parent_state = 'posted'
                     AND NOT line.reconciled
                   GROUP BY partner.commercial_partner_id
              ) ledger ON ledger.partner_id = risk.partner_id
             WHERE risk.company_id = %(company)s
               AND risk.partner_id = ANY(%(partners)s)
               AND ROUND(risk.open_amount, 2) != ROUND(COALESCE(ledger.open_amount, 0), 2)
            """,
            company=company.id,
            partners=partner_ids,
        )
    )
    return [partner_id for (partner_id,) in rows]


def run(env, args):
    company = env.company
    today = fields.Date.context_today(env["res.partner"])
    invoices = open_invoices(env, 2 * args.payments)
    if len(invoices) < 2 * args.payments:
        sys.exit(f"only {len(invoices)} open invoices of distinct customers: generate more")
    drafts = draft_invoices(env, invoices.partner_id[: 2 * args.invoices], today)
    compare(
        env, "posted invoices", quarters_of(drafts, args.invoices // 2), lambda q: q.action_post()
    )
    quarters = quarters_of(invoices, args.payments // 2)
    marked = quarters[1] | quarters[2]
    risks = env["credit.partner.risk"]
    risks._refresh(company, invoices.partner_id.ids, today)  # figures as of before the payments
    env.cr.commit()
    compare(
        env,
        "payments",
        quarters,
        lambda q: pay(env, [(invoice, invoice.amount_residual) for invoice in q], today),
    )

    stale = check_fresh(env, company, marked.partner_id.ids)
    print(f"stale before the refresh: {len(stale)} of {len(marked)} paid customers")
    batches = []

    def progress(done, remaining=None):
        env.cr.commit()
        batches.append((done, remaining))
        return True

    start = time.perf_counter()
    refreshed = risks._refresh_marked(progress, batch_size=args.batch_size)
    seconds = time.perf_counter() - start
    print(
        f"refresh of the marked: {len(refreshed)} customers in {len(batches)} batches, "
        f"{seconds:.2f} s (until every paid customer is fresh)"
    )
    stale = check_fresh(env, company, marked.partner_id.ids)
    print(f"stale after the refresh: {len(stale)}")
    return 1 if stale else 0


def main():
    args = parse_args()
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        sys.exit(run(env, args))


if __name__ == "__main__":
    main()
