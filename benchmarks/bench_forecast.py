"""Benchmark of the payment forecasts' refresh (``credit.invoice.forecast._refresh``).

Run it on the database of ``bench_risk_recompute.py``::

    .venv/bin/python benchmarks/bench_forecast.py --db bench_risk [--batch-size 2000]

It rewrites the forecasts of every customer with figures, batch by batch as the nightly run does,
and prints the open items forecast, the seconds, the items per second and the slowest batch.
Everything is rolled back.
"""

import argparse
import time

from bench_risk_recompute import DEFAULT_CONF, run_rolled_back

from odoo import fields
from odoo.tools import SQL, split_every


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database of bench_risk_recompute.py")
    parser.add_argument("--conf", default=str(DEFAULT_CONF), help="Odoo configuration file")
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.set_defaults(oca_addons_path=None)
    return parser.parse_args()


def run(env, args):
    forecasts = env["credit.invoice.forecast"]
    today = fields.Date.context_today(forecasts)
    for company in env["res.company"].search([("chart_template", "!=", False)]):
        rows = env.execute_query(
            SQL("SELECT partner_id FROM credit_partner_risk WHERE company_id = %s", company.id)
        )
        batches = list(split_every(args.batch_size, [partner_id for (partner_id,) in rows], list))
        if not batches:
            continue
        timings = []
        start = time.perf_counter()
        for batch in batches:
            batch_start = time.perf_counter()
            forecasts._refresh(company, batch, today)
            timings.append(time.perf_counter() - batch_start)
        elapsed = time.perf_counter() - start
        count = forecasts.search_count([("company_id", "=", company.id)])
        print(
            f"{company.name}: {len(rows)} customers, {count} open items forecast in "
            f"{elapsed:.2f} s ({count / elapsed:,.0f} items/s), {len(batches)} batches, "
            f"slowest {max(timings):.2f} s"
        )


def main():
    run_rolled_back(parse_args(), run)


if __name__ == "__main__":
    main()
