"""Benchmark of opening a customer: the partner form's read with and without the credit figures.

Run it on the database of ``bench_risk_recompute.py``, after that script generated its portfolio::

    .venv/bin/python benchmarks/bench_partner_form.py --db bench_risk

It builds the read the web client sends when it opens a customer (``web_read`` with the form
view's fields, subfields of its inline lists included), as a Credit Manager (not the superuser:
record rules apply), for the customers with the shortest and the longest histories. Per customer,
from cold caches, it times the read of the plain form (the form without the credit
addons' views), then of what these views add, and counts their SQL queries.
The customers' figures are fresh, as after the nightly run. When OCA's ``account_financial_risk``
is installed in the database (``--oca-addons-path``), its fields count as the OCA part of the form.

Everything happens in a transaction that is rolled back.
"""

import argparse
import statistics
import time

from bench_risk_recompute import DEFAULT_CONF, OCA_MODULE, run_rolled_back
from bench_sale_confirm import shortest_and_longest
from lxml import etree

CREDIT_MODULES = ("credit_collections", OCA_MODULE)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database of bench_risk_recompute.py")
    parser.add_argument("--conf", default=str(DEFAULT_CONF), help="Odoo configuration file")
    parser.add_argument("--customers", type=int, default=60, help="customers to open")
    parser.add_argument("--oca-addons-path", help="directory holding account_financial_risk")
    return parser.parse_args()


def form_spec(env):
    """The ``web_read`` specification of the partner form, as the web client builds it."""
    partners = env["res.partner"]
    view = partners.get_views([(False, "form")])["views"]["form"]
    return node_spec(partners, etree.fromstring(view["arch"]))


def node_spec(model, node):
    spec = {}
    for field_node in node.iter("field"):
        if any(parent.tag == "field" for parent in field_node.iterancestors()):
            continue  # a subview's field: its own model's spec below
        field = model._fields[field_node.get("name")]
        spec[field.name] = field_spec(model, field, field_node)
    return spec


def field_spec(model, field, node):
    if field.type == "many2one":
        return {"fields": {"display_name": {}}}
    if field.type in ("one2many", "many2many"):
        sublist = node.find("list")
        comodel = model.env[field.comodel_name]
        return {"fields": node_spec(comodel, sublist) if sublist is not None else {}}
    return {}


def plain_spec(env):
    """The specification of the form without the credit addons' views of it."""
    views = env["ir.model.data"].search(
        [("module", "in", CREDIT_MODULES), ("model", "=", "ir.ui.view")]
    )
    credit_views = (
        env["ir.ui.view"]
        .browse(views.mapped("res_id"))
        .filtered(lambda view: view.model == "res.partner" and view.type == "form")
    )
    credit_views.sudo().active = False
    spec = form_spec(env)
    credit_views.sudo().active = True
    return spec


def measure(env, partner_ids, plain, credit):
    """Read each customer's plain form, then the credit part, from cold caches: (ms per
    customer, queries per customer) of each."""
    figures = {"plain": ([], []), "credit": ([], [])}
    for partner_id in partner_ids:
        env.invalidate_all()  # records cold; the registry's caches warm, as in a server
        partner = env["res.partner"].browse(partner_id)
        for part, spec in (("plain", plain), ("credit", credit)):
            before = env.cr.sql_log_count
            start = time.perf_counter()
            partner.web_read(spec)
            figures[part][0].append((time.perf_counter() - start) * 1000)
            figures[part][1].append(env.cr.sql_log_count - before)
    return figures


def report(label, timings, queries):
    print(
        f"{label}: median {statistics.median(timings):.1f} ms (max {max(timings):.1f}), "
        f"queries {statistics.median(queries):.0f} (min {min(queries)}, max {max(queries)})"
    )


def run(env, args):
    company = env.company
    manager = env.ref("credit_collections.group_credit_manager")
    env.user.group_ids |= manager
    user_env = env(su=False)
    plain, spec = plain_spec(user_env), form_spec(user_env)
    credit = {name: spec[name] for name in spec.keys() - plain.keys()}
    print(f"form: {len(plain)} plain fields, credit fields {sorted(credit)}")
    short, long_ = shortest_and_longest(env, company, args.customers // 2)
    measure(user_env, [short[0][0]], plain, credit)  # warms the registry's caches
    for label, rows in (("short histories", short), ("long histories", long_)):
        partner_ids = [partner_id for partner_id, _lines in rows]
        env["credit.partner.risk"]._refresh(company, partner_ids)
        env.cr.flush()
        figures = measure(user_env, partner_ids, plain, credit)
        report(f"{label} ({rows[-1][1]}-{rows[0][1]} lines): plain form", *figures["plain"])
        report(f"{label}: credit part", *figures["credit"])


def main():
    run_rolled_back(parse_args(), run, user_xmlid="base.user_admin")


if __name__ == "__main__":
    main()
