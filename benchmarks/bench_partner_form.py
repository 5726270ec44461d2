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
import itertools
import statistics
import time

from bench_risk_recompute import DEFAULT_CONF, OCA_MODULE, customers_by_history, run_rolled_back
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
        between = itertools.takewhile(lambda parent: parent is not node, field_node.iterancestors())
        if any(parent.tag == "field" for parent in between):
            continue  # a subview's field: its own model's spec below
        field = model._fields[field_node.get("name")]
        spec[field.name] = field_spec(model, field, field_node)
    return spec


def field_spec(model, field, node):
    if field.type == "many2one":
        return {"fields": {"display_name": {}}}
    if field.type in ("one2many", "many2many"):
        comodel = model.env[field.comodel_name]
        sublist = node.find("list")
        if sublist is None:  # the comodel's own list view, as the web client loads it
            arch = comodel.get_views([(False, "list")])["views"]["list"]["arch"]
            sublist = etree.fromstring(arch)
        return {"fields": node_spec(comodel, sublist)}
    return {}


def spec_without(env, modules):
    """The specification of the form without ``modules``' views of it."""
    views = env["ir.model.data"].search([("module", "in", modules), ("model", "=", "ir.ui.view")])
    module_views = (
        env["ir.ui.view"]
        .browse(views.mapped("res_id"))
        .filtered(lambda view: view.model == "res.partner" and view.type == "form")
    )
    module_views.sudo().active = False
    spec = form_spec(env)
    module_views.sudo().active = True
    return spec


def parts(env):
    """The form's parts, ``{name: spec}``: the plain form, then the fields each credit
    addon installed adds to it."""
    full = form_spec(env)
    specs = {"plain form": spec_without(env, CREDIT_MODULES)}
    for module, name in ((CREDIT_MODULES[0], "credit part"), (OCA_MODULE, "OCA part")):
        if env["ir.module.module"].search_count(
            [("name", "=", module), ("state", "=", "installed")]
        ):
            without = spec_without(env, [module])
            specs[name] = {field: full[field] for field in full.keys() - without.keys()}
    return specs


def measure(env, partner_ids, specs):
    """Read each customer's form part by part, from cold caches: ``{part: (ms per customer,
    queries per customer)}``."""
    figures = {part: ([], []) for part in specs}
    for partner_id in partner_ids:
        env.invalidate_all()  # records cold; the registry's caches warm, as in a server
        partner = env["res.partner"].browse(partner_id)
        for part, spec in specs.items():
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
    groups = ["credit_collections.group_credit_manager"]
    if env["ir.module.module"].search_count(
        [("name", "=", OCA_MODULE), ("state", "=", "installed")]
    ):
        groups.append(f"{OCA_MODULE}.group_account_financial_risk_user")  # its tab's readers
    for xmlid in groups:
        env.user.group_ids |= env.ref(xmlid)
    user_env = env(su=False)
    specs = parts(user_env)
    for part, spec in specs.items():
        print(f"{part}: {len(spec)} fields" + ("" if part == "plain form" else f" {sorted(spec)}"))
    short, long_ = shortest_and_longest(env, company, args.customers // 2)
    unwarned = without_warnings(env, company, customers_by_history(env, company), len(short))
    measure(user_env, [short[0][0]], specs)  # warms the registry's caches
    groups = (
        ("short histories", short),
        ("long histories", long_),
        ("no early warnings", unwarned),
    )
    for label, rows in groups:
        partner_ids = [partner_id for partner_id, _lines in rows]
        env["credit.partner.risk"]._refresh(company, partner_ids)
        env.cr.flush()
        figures = measure(user_env, partner_ids, specs)
        warned = env["credit.partner.risk"].search_count(
            [*rows_of(company, partner_ids), ("has_active_warnings", "=", True)]
        )
        print(f"{label} ({rows[-1][1]}-{rows[0][1]} lines, {warned} with early warnings):")
        for part, (timings, queries) in figures.items():
            report(f"  {part}", timings, queries)


def rows_of(company, partner_ids):
    return [("partner_id", "in", partner_ids), ("company_id", "=", company.id)]


def without_warnings(env, company, rows, count):
    """``count`` of these (customer id, receivable lines) without active early warnings: their
    form looks none up (the generated portfolio is mostly overdue: most customers have some)."""
    warned = env["credit.partner.risk"].search(
        [
            *rows_of(company, [partner_id for partner_id, _lines in rows]),
            ("has_active_warnings", "=", True),
        ]
    )
    return [row for row in rows if row[0] not in warned.partner_id.ids][:count]


def main():
    run_rolled_back(parse_args(), run, user_xmlid="base.user_admin")


if __name__ == "__main__":
    main()
