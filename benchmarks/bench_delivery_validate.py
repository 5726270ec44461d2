"""Benchmark of the credit check that validating a delivery runs (``credit_collections_stock``).

Run it on the database of ``bench_risk_recompute.py``, with ``credit_collections_stock``
installed (``-i credit_collections_stock``)::

    .venv/bin/python benchmarks/bench_delivery_validate.py --db bench_risk [--deliveries 100]

It confirms one order for each of ``--deliveries`` customers (half with the shortest histories,
half with the longest), refreshes their figures as the minute's cron would, and measures per
delivery, in wall time and SQL queries, from cold caches:

- the credit check alone: ``_credit_check()`` on the delivery, fresh figures;
- plain validation: ``button_validate`` with the bridge's overrides passed through (Odoo
  without the delivery check), on half of the deliveries;
- validation with the check, on the other half.

Everything happens in a transaction that is rolled back: the database is left as it was.
"""

import argparse

from bench_risk_recompute import DEFAULT_CONF, run_rolled_back
from bench_sale_confirm import (
    create_quotations,
    measure,
    overrides_passed_through,
    report,
    shortest_and_longest,
)

# The bridge's overrides on the validation path, passed through for the plain validation.
VALIDATION_OVERRIDES = ("button_validate", "_action_done")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database of bench_risk_recompute.py")
    parser.add_argument("--conf", default=str(DEFAULT_CONF), help="Odoo configuration file")
    parser.add_argument("--deliveries", type=int, default=100, help="deliveries to validate")
    parser.set_defaults(oca_addons_path=None)  # no OCA peer checks deliveries
    return parser.parse_args()


def without_delivery_check():
    """Odoo's validation as it is without the bridge."""
    from odoo.addons.credit_collections_stock.models.stock_picking import StockPicking

    return overrides_passed_through(StockPicking, VALIDATION_OVERRIDES)


def plain_validate(picking):
    with without_delivery_check():
        picking.button_validate()


def deliveries_to_validate(env, partner_ids):
    """One confirmed order per customer; its delivery with every quantity picked."""
    orders = create_quotations(env, partner_ids)
    orders.action_confirm()
    pickings = orders.picking_ids
    for move in pickings.move_ids:
        move.quantity = move.product_uom_qty
    pickings.move_ids.picked = True
    return pickings


def run(env, args):
    if "credit_collections_stock" not in env.registry._init_modules:
        raise SystemExit("install credit_collections_stock in the database first")
    company = env.company
    company.account_use_credit_limit = True
    # Every rule runs, none holds: the benchmark measures the check, not the hold.
    env["credit.risk.policy"]._for_company(company).write(
        {"hold_overdue_days": 100_000, "hold_worst_grade": "E", "kyc_free_exposure": 10**9}
    )
    short, long_ = shortest_and_longest(env, company, args.deliveries // 2)
    for label, rows in (("short histories", short), ("long histories", long_)):
        partner_ids = [partner_id for partner_id, _lines in rows]
        env["res.partner"].browse(partner_ids).write({"credit_limit": 10_000_000})
        pickings = deliveries_to_validate(env, partner_ids)
        env["credit.partner.risk"]._refresh_marked(lambda *args, **kwargs: True)
        report(
            f"{label}: credit check alone, figures fresh",
            *measure(env, pickings, lambda picking: picking._credit_check()),
            unit="delivery",
        )
        plain = pickings[: len(pickings) // 2]
        report(f"{label}: plain validation", *measure(env, plain, plain_validate), unit="delivery")
        report(
            f"{label}: validation with check",
            *measure(env, pickings - plain, lambda picking: picking.button_validate()),
            unit="delivery",
        )
        assert all(picking.state == "done" for picking in pickings), "a delivery was not done"


def main():
    run_rolled_back(parse_args(), run)


if __name__ == "__main__":
    main()
