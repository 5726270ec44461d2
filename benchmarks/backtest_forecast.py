"""Backtest of the predicted payment dates (``credit_collections/tools/forecast.py``).

For a cut-off date D, the forecast learns from the ledger as it stood at the end of D (the
invoices settled by then), predicts the invoices open at D, and is compared with the dates on
which those invoices were actually settled afterwards (those still open today are left out)::

    .venv/bin/python benchmarks/backtest_forecast.py --db credit_collections_demo \
        [--cutoff 2026-09-01] [--cutoffs 3]

It prints, per cut-off: the invoices scored, then for the forecast and two baselines the mean
absolute error in days and the share predicted within 7 days. The baselines are the due date and
the due date plus the customer's own average delay (no blending, no shrinking); like the
forecast, each predicts an invoice already past its date for the day after the cut-off. The
last line is the forecast's error against the due date's.

Read only: nothing is written.
"""

import argparse
from datetime import date, timedelta

from bench_risk_recompute import DEFAULT_CONF, run_rolled_back

from odoo.tools import SQL


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--conf", default=str(DEFAULT_CONF), help="Odoo configuration file")
    parser.add_argument("--cutoff", type=date.fromisoformat, help="default: 120 days ago")
    parser.add_argument("--cutoffs", type=int, default=1, help="cut-offs, 30 days apart")
    parser.set_defaults(oca_addons_path=None)
    return parser.parse_args()


def scores(env, company, cutoff):
    """``(count, {method: (mean absolute error, share within 7 days)})`` at ``cutoff``."""
    from odoo.addons.credit_collections.tools.forecast import invoice_forecasts, portfolio_prior

    forecasts = invoice_forecasts(company, cutoff, portfolio_prior(company, cutoff))
    day_after = SQL("%s::date + 1", cutoff)
    methods = {
        "forecast": SQL("forecast.predicted_date"),
        "due date": SQL("GREATEST(forecast.date_due, %s)", day_after),
        "customer's average delay": SQL(
            "GREATEST(forecast.date_due + ROUND(COALESCE(forecast.customer_days_late, 0))::int,"
            " %s)",
            day_after,
        ),
    }
    [row] = env.execute_query(
        SQL(
            """
            WITH forecast AS (%(forecasts)s),
            settled AS (
                SELECT part.debit_move_id AS line_id, MAX(part.max_date) AS paid_on
                  FROM account_partial_reconcile part
                  JOIN account_move_line line ON line.id = part.debit_move_id
                 WHERE line.reconciled AND line.company_id = %(company_id)s
                 GROUP BY part.debit_move_id
                HAVING MAX(part.max_date) > %(cutoff)s
            )
            SELECT COUNT(*), %(aggregates)s
              FROM forecast JOIN settled ON settled.line_id = forecast.line_id
            """,
            forecasts=forecasts,
            company_id=company.id,
            cutoff=cutoff,
            aggregates=SQL(", ").join(
                SQL(
                    "AVG(ABS(settled.paid_on - %(p)s)), "
                    "AVG((ABS(settled.paid_on - %(p)s) <= 7)::int)",
                    p=predicted,
                )
                for predicted in methods.values()
            ),
        )
    )
    count, *figures = row
    return count, {
        name: (figures[2 * index], figures[2 * index + 1]) for index, name in enumerate(methods)
    }


def prior(env, company, cutoff):
    """The portfolio's delay and credibility constant, as learnt at ``cutoff``."""
    from odoo.addons.credit_collections.tools.forecast import portfolio_prior

    [row] = env.execute_query(portfolio_prior(company, cutoff))
    return row


def run(env, args):
    first = args.cutoff or date.today() - timedelta(days=120)
    for company in env["res.company"].search([("chart_template", "!=", False)]):
        for step in range(args.cutoffs):
            cutoff = first - timedelta(days=30 * step)
            count, results = scores(env, company, cutoff)
            print(f"{company.name}, cut-off {cutoff}: {count} invoices open then, paid since")
            days_late, shrink = prior(env, company, cutoff)
            print(
                f"  portfolio then: {days_late:.1f} days late, credibility constant k {shrink:.2f}"
            )
            if not count:
                continue
            for name, (error, within) in results.items():
                print(f"  {name}: MAE {error:.1f} days, within 7 days {within:.0%}")
            gain = 1 - results["forecast"][0] / results["due date"][0]
            print(f"  forecast against the due date: {gain:.0%} lower error")


def main():
    run_rolled_back(parse_args(), run)


if __name__ == "__main__":
    main()
