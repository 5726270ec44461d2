"""Benchmark of the credit check that sale-order confirmation runs.

Run it on the database of ``bench_risk_recompute.py``, after that script generated its portfolio
(customers ``BENCH-...`` whose histories range from a couple of invoices to several hundred)::

    .venv/bin/python benchmarks/bench_sale_confirm.py --db bench_risk

It takes the customers with the shortest and the longest histories (``--orders`` / 2 of each),
creates one quotation for each, and measures per order, in wall time and SQL queries:

- plain confirmation: ``sale.order.action_confirm`` with the addon's overrides of the
  confirmation passed through (no credit check, no figures updated), the other installed
  modules' as usual;
- the credit check alone: ``_credit_check()``, what ``credit_collections`` adds to a confirmation,
  first with the customers' figures stale (it recomputes them, then applies the rules), then
  with them fresh (as after the nightly run: it reads the stored rows), from cold caches, then
  with the order, its company and currency read first (as the confirmation reads them anyway);
- the whole confirmation through the addon;
- both confirmations again for all the orders at once (a mass confirmation), where the addon
  recomputes the customers' figures in one statement.

Everything happens in a transaction that is rolled back: the database is left as it was. When
OCA's ``sale_financial_risk`` is installed in the database (``--oca-addons-path``), its check,
``evaluate_risk_message``, is timed on the same quotations with cold caches.
"""

import argparse
import statistics
import sys
import time
from contextlib import ExitStack, contextmanager
from unittest.mock import patch

from bench_risk_recompute import DEFAULT_CONF, customers_by_history, run_rolled_back

from odoo import Command


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database of bench_risk_recompute.py")
    parser.add_argument("--conf", default=str(DEFAULT_CONF), help="Odoo configuration file")
    parser.add_argument("--orders", type=int, default=100, help="quotations to confirm")
    parser.add_argument("--oca-addons-path", help="directory holding sale_financial_risk")
    return parser.parse_args()


def shortest_and_longest(env, company, count):
    """``count`` (customer id, receivable lines) with the shortest histories, then the longest."""
    rows = customers_by_history(env, company)[::-1]
    if len(rows) < 2 * count:
        sys.exit(f"only {len(rows)} benchmark customers: run bench_risk_recompute.py first")
    return rows[:count], rows[-count:]


def create_quotations(env, partner_ids):
    product = env["product.product"].create({"name": "Benchmark goods", "list_price": 10.0})
    return env["sale.order"].create(
        [
            {
                "partner_id": partner_id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 1})],
            }
            for partner_id in partner_ids
        ]
    )


# The addon's overrides on the confirmation path, passed through for the plain confirmation.
CONFIRMATION_OVERRIDES = (
    "action_confirm",
    "_action_confirm",
    "write",
    "_confirmation_error_message",
)


@contextmanager
def overrides_passed_through(cls, names):
    """``cls``'s overrides of ``names`` call their super only: Odoo as it is without them."""

    def passed_through(name):
        def method(self, *args, **kwargs):
            return getattr(super(cls, self), name)(*args, **kwargs)

        return method

    with ExitStack() as stack:
        for name in names:
            stack.enter_context(patch.object(cls, name, passed_through(name)))
        yield


def without_credit_overrides():
    """Odoo's confirmation as it is without the addon."""
    from odoo.addons.credit_collections.models.sale_order import SaleOrder as CreditSaleOrder

    return overrides_passed_through(CreditSaleOrder, CONFIRMATION_OVERRIDES)


def plain_confirm(orders):
    with without_credit_overrides():
        orders.action_confirm()


def measure(env, orders, step, prepare=None):
    """Run ``step(order)`` on each order with cold caches, after ``prepare(order)`` if given:
    (ms per order, queries per order)."""
    timings, queries = [], []
    for order in orders:
        env.invalidate_all()
        if prepare:
            prepare(order)
        before = env.cr.sql_log_count
        start = time.perf_counter()
        step(order)
        env.flush_all()
        timings.append((time.perf_counter() - start) * 1000)
        queries.append(env.cr.sql_log_count - before)
    return timings, queries


def measure_interleaved(env, orders, steps):
    """Each order confirmed by one of ``steps`` in turn (the first order by the first step,
    and so on), so that the machine's drift weighs on every step alike: for each step,
    (ms per order, queries per order)."""
    results = [([], []) for _step in steps]
    for index, order in enumerate(orders):
        timings, queries = measure(env, order, steps[index % len(steps)])
        results[index % len(steps)][0].extend(timings)
        results[index % len(steps)][1].extend(queries)
    return results


def single_confirmations(env):
    """The confirmations compared, by name: Odoo's own (every credit check off), through
    this addon, and through OCA's ``sale_financial_risk`` when it is installed."""
    paths = {
        "plain confirmation": lambda order: plain_confirm(order.with_context(bypass_risk=True)),
        "confirmation with check": lambda order: order.with_context(
            bypass_risk=True
        ).action_confirm(),
    }
    if oca_installed(env):
        paths["confirmation with OCA sale_financial_risk"] = plain_confirm
    return paths


def report_added(label, paths, results):
    """What each credit check adds to the plain confirmation, medians against medians."""
    (plain_times, plain_queries), *others = results
    for name, (timings, queries) in zip(list(paths)[1:], others, strict=True):
        print(
            f"{label}: {name} adds "
            f"{statistics.median(timings) - statistics.median(plain_times):+.1f} ms (median), "
            f"{statistics.median(queries) - statistics.median(plain_queries):+.0f} queries"
        )


def measure_batch(env, orders, step):
    """Run ``step(orders)`` once, caches cold at the start: per-order ms and queries."""
    env.invalidate_all()
    before = env.cr.sql_log_count
    start = time.perf_counter()
    step(orders)
    env.flush_all()
    elapsed = (time.perf_counter() - start) * 1000
    return [elapsed / len(orders)], [(env.cr.sql_log_count - before) / len(orders)]


def read_as_confirmation_does(order):
    """What any confirmation reads of the order, its company and currency: what the check
    adds to a confirmation is then what it costs alone."""
    order._credit_amount_company_currency()
    order.company_id.account_use_credit_limit  # noqa: B018


def report(label, timings, queries, unit="order"):
    line = f"{label}: {statistics.mean(timings):.1f} ms/{unit}"
    if len(timings) > 1:
        line += f" (median {statistics.median(timings):.1f}, max {max(timings):.1f})"
    line += f", queries/{unit} {statistics.mean(queries):.1f}"
    if len(queries) > 1:
        line += f" (min {min(queries)}, max {max(queries)})"
    print(line)


def run(env, args):
    company = env.company
    company.account_use_credit_limit = True
    # Every rule runs, none holds: the benchmark measures the check, not the hold.
    env["credit.risk.policy"]._for_company(company).write(
        {"hold_overdue_days": 100_000, "hold_worst_grade": "E", "kyc_free_exposure": 10**9}
    )
    short, long_ = shortest_and_longest(env, company, args.orders // 2)
    print(
        f"customers: {len(short)} with {short[0][1]}-{short[-1][1]} receivable lines, "
        f"{len(long_)} with {long_[0][1]}-{long_[-1][1]}"
    )
    for label, rows in (("short histories", short), ("long histories", long_)):
        partner_ids = [partner_id for partner_id, _lines in rows]
        # Limits high enough for every order to pass: the whole check runs, nothing is held.
        env["res.partner"].browse(partner_ids).write({"credit_limit": 10_000_000})
        orders = create_quotations(env, partner_ids)
        # As after a payment or a posted invoice: the customers marked stale (committed marks).
        env["credit.partner.risk"]._mark_stale({company.id: partner_ids})
        env.cr.flush()  # the pre-commit hooks write the marks, as a commit would
        report(
            f"{label}: credit check, figures stale",
            *measure(env, orders, lambda o: o._credit_check()),
        )
        # As after the minute's refresh of the marked customers: fresh rows.
        env["credit.partner.risk"]._refresh_marked(lambda *args, **kwargs: True)
        report(
            f"{label}: credit check, figures fresh",
            *measure(env, orders, lambda o: o._credit_check()),
        )
        report(
            f"{label}: credit check, figures fresh, order read",
            *measure(env, orders, lambda o: o._credit_check(), prepare=read_as_confirmation_does),
        )
        if oca_installed(env):
            report(
                f"{label}: OCA sale_financial_risk check",
                *measure(
                    env,
                    orders,
                    lambda o: o.evaluate_risk_message(o.partner_invoice_id.commercial_partner_id),
                ),
            )
        # One order at a time, as from the form, each path in turn.
        paths = single_confirmations(env)
        results = measure_interleaved(env, orders, list(paths.values()))
        for name, (timings, queries) in zip(paths, results, strict=True):
            report(f"{label}: {name}", timings, queries)
        report_added(label, paths, results)
        # All at once, as a mass confirmation, each path on orders of its own.
        for name, confirm in paths.items():
            batch = create_quotations(env, partner_ids)
            report(f"{label}: batch {name}", *measure_batch(env, batch, confirm))
            orders |= batch
        assert all(order.state == "sale" for order in orders), "an order was not confirmed"


def oca_installed(env):
    module = env["ir.module.module"].search([("name", "=", "sale_financial_risk")])
    return module.state == "installed"


def main():
    run_rolled_back(parse_args(), run)


if __name__ == "__main__":
    main()
