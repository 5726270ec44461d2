"""Benchmark of the nightly credit-risk recompute (``credit.partner.risk``) on a large portfolio.

Run it on a database that has ``credit_collections`` installed (see ``README.rst``)::

    .venv/bin/python benchmarks/bench_risk_recompute.py --db bench_risk

The first run generates the portfolio: N customers (``ref`` ``BENCH-000001``...) and N times
``--invoices-per-partner`` posted customer invoices over the last twelve months, about 70% paid
(40% of those late), 10% partly paid, 20% open, plus a few open credit notes. Four customers in
five get invoices in turn; the rest of the invoices go mostly to the first customers, so that
histories range from a couple of invoices to several hundred. Later runs find the ``BENCH-``
customers and reuse them.

Posting and reconciling 50,000 invoices through the ORM would take hours, so the script creates
four *template* documents through the ORM (an invoice fully paid by a posted payment, a partly
paid one, an open one and a credit note) and clones them with one ``INSERT ... SELECT`` per
table. Every template row (moves, their lines, payments, partial and full reconciliations) is
given, per document to create, a new id taken from its table's sequence; that id map drives the
copies, so that foreign keys between cloned rows point into the same document. Every column is
copied (the column list is read from ``information_schema`` at run time), except that:

- ids and foreign keys to cloned tables are remapped (``origin_payment_id`` of the payment's
  move, which points forward, is filled in by an ``UPDATE`` once the payments exist);
- partner columns get the document's customer;
- date columns are shifted by the document's offset, the invoice's or the payment's;
- amounts are multiplied by the document's integer factor, which keeps them exact to the cent,
  so debits equal credits and residuals stay coherent (0 on paid lines, balance on open ones);
- the template's move names, wherever they appear, become unique ones of the right year;
  ``sequence_prefix``, ``sequence_number`` and ``matching_number`` follow.

Then the script checks the risk figures of a sample of customers against the ORM, deletes every
risk row and times ``_refresh_stale``, counting the SQL queries of each batch, and times the
refresh of the customer with the longest history alone. With ``--oca-addons-path``, when the
OCA addon ``account_financial_risk`` is installed in the database, it also times that addon's
computation of its risk fields for the same customers.
"""

import argparse
import configparser
import sys
import threading
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from unittest.mock import patch

import odoo
from odoo import Command, fields
from odoo.modules.registry import Registry
from odoo.tools import SQL, config, split_every

REPO_DIR = Path(__file__).resolve().parent.parent
DEFAULT_CONF = REPO_DIR / "var" / "odoo.conf"
REF_PREFIX = "BENCH-"
TEMPLATE_REF = "BENCHTPL"
OCA_MODULE = "account_financial_risk"
OCA_FIELDS = [
    "risk_invoice_draft",
    "risk_invoice_open",
    "risk_invoice_unpaid",
    "risk_account_amount",
    "risk_account_amount_unpaid",
    "risk_total",
]
# Cloned tables, in insertion order; a foreign key to a table cloned later is set afterwards.
CLONED_TABLES = [
    "account_full_reconcile",
    "account_move",
    "account_payment",
    "account_move_line",
    "account_partial_reconcile",
]
# Relation tables copied along with the cloned rows they point to: (table, column, target).
CLONED_RELATIONS = [
    ("account_move_line_account_tax_rel", "account_move_line_id", "account_move_line"),
    ("account_account_tag_account_move_line_rel", "account_move_line_id", "account_move_line"),
]
PARTNER_COLUMNS = {"partner_id", "commercial_partner_id", "partner_shipping_id"}
UNSCALED_COLUMNS = {"quantity", "discount", "invoice_currency_rate"}
TEXT_TYPES = {"character varying", "text"}
SAMPLE_SIZE = 20


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", required=True, help="database with credit_collections installed")
    parser.add_argument("--conf", default=str(DEFAULT_CONF), help="Odoo configuration file")
    parser.add_argument("--partners", type=int, default=10000, help="customers to generate")
    parser.add_argument("--invoices-per-partner", type=int, default=5, help="on average")
    parser.add_argument(
        "--customer-habits",
        action="store_true",
        help="generation: customers pay at their own drifting pace (for backtest_forecast.py)",
    )
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=1, help="timed runs of each recompute")
    parser.add_argument(
        "--workers",
        type=int,
        default=0,
        help="also time the recompute shared by this many workers (a cursor each)",
    )
    parser.add_argument(
        "--oca-addons-path", help="directory holding the OCA addon account_financial_risk"
    )
    parser.add_argument(
        "--explain", action="store_true", help="print the buffers of one batch's upsert plan"
    )
    return parser.parse_args()


def open_registry(args):
    odoo_args = ["-c", args.conf, "-d", args.db, "--log-level", "warn"]
    if args.oca_addons_path:
        conf = configparser.ConfigParser()
        conf.read(args.conf)
        addons_path = conf.get("options", "addons_path", fallback="")
        odoo_args += ["--addons-path", f"{addons_path},{args.oca_addons_path}".lstrip(",")]
    config.parse_config(odoo_args, setup_logging=True)
    return Registry(args.db)


def run_rolled_back(args, run, user_xmlid=None):
    """``run(env, args)`` on the benchmark database, as ``user_xmlid`` (the superuser if not
    given), in a transaction rolled back afterwards: the database is left as it was."""
    with open_registry(args).cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        if user_xmlid:
            env = env(user=env.ref(user_xmlid).id)
        try:
            run(env, args)
        finally:
            cr.rollback()


# Portfolio generation: customers, template documents, clones.


def ensure_portfolio(env, args, today):
    """Generate the portfolio and commit, unless the database already has one."""
    if env["res.partner"].search_count([("ref", "=like", f"{REF_PREFIX}%")]):
        print("generation: skipped, BENCH- customers found (sizes are the database's)")
        return
    clock = Stopwatch()
    company = env.company
    if not company.chart_template:
        env["account.chart.template"].try_loading("generic_coa", company, install_demo=False)
    create_partners(env, args.partners)
    clock.lap("customers")
    templates = create_templates(env, today)
    env.flush_all()
    clock.lap("templates")
    invoices = args.partners * args.invoices_per_partner
    habits = getattr(args, "customer_habits", False)  # the other benchmarks do not ask
    clone_documents(env, templates, args.partners, invoices, today, clock, habits)
    env.invalidate_all()
    tables = [*CLONED_TABLES, "res_partner"]
    env.cr.execute(SQL("ANALYZE %s", SQL(", ").join(map(SQL.identifier, tables))))
    env.cr.commit()
    clock.lap("analyze+commit")
    print(f"generation: {clock.total:.1f} s ({clock})")


class Stopwatch:
    """Named laps, printed as ``label 1.2 s, ...``."""

    def __init__(self):
        self.laps = []
        self.start = self.last = time.perf_counter()

    def lap(self, label):
        now = time.perf_counter()
        self.laps.append((label, now - self.last))
        self.last = now

    @property
    def total(self):
        return self.last - self.start

    def __str__(self):
        return ", ".join(f"{label} {seconds:.1f} s" for label, seconds in self.laps)


def create_partners(env, count):
    for numbers in split_every(1000, range(1, count + 1), list):
        env["res.partner"].create(
            [
                {
                    "name": f"Bench Customer {number:06d}",
                    "ref": f"{REF_PREFIX}{number:06d}",
                    "is_company": True,
                    "customer_rank": 1,
                }
                for number in numbers
            ]
        )
        env.flush_all()
        env.invalidate_all()


def create_templates(env, today):
    """Post the template documents: {kind: (invoice move, payment move or None)}."""
    partner = env["res.partner"].create(
        {"name": "Bench Template Customer", "ref": TEMPLATE_REF, "is_company": True}
    )
    product = env["product.product"].create(
        {"name": "Bench service", "type": "service", "list_price": 100.0}
    )
    moves = env["account.move"].create(
        [
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": today - timedelta(days=60),
                "invoice_payment_term_id": env.ref("account.account_payment_term_30days").id,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 1, "price_unit": 100})
                ],
            }
            for move_type in ("out_invoice", "out_invoice", "out_invoice", "out_refund")
        ]
    )
    moves.action_post()
    paid, partial, open_invoice, credit_note = moves
    payments = pay(env, [(paid, paid.amount_total), (partial, 50.0)], today - timedelta(days=20))
    return {
        "paid": (paid, payments[0]),
        "partial": (partial, payments[1]),
        "open": (open_invoice, None),
        "refund": (credit_note, None),
    }


def pay(env, amounts, date):
    """Post one customer payment per (invoice, amount), reconciled with the invoice."""
    journal = env["account.journal"].search(
        [*env["account.journal"]._check_company_domain(env.company), ("type", "=", "bank")],
        limit=1,
    )
    payments = env["account.payment"].create(
        [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": invoice.partner_id.id,
                "amount": amount,
                "date": date,
                "journal_id": journal.id,
                "memo": invoice.name,
            }
            for invoice, amount in amounts
        ]
    )
    payments.action_post()
    for (invoice, _amount), payment in zip(amounts, payments, strict=True):
        (invoice.line_ids + payment.move_id.line_ids).filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
    return payments.move_id


def clone_documents(env, templates, partners, invoices, today, clock, habits=False):
    """Clone the templates into ``invoices`` invoices, and credit notes for 2% of them."""
    cr = env.cr
    cr.execute(SQL("SELECT setseed(0.42)"))  # the same portfolio in every database
    cr.execute(kind_table_query(templates))
    cr.execute(TEMPLATE_ROWS_QUERY)
    cr.execute(document_plan_query(partners, invoices, max(invoices // 50, 1), today, habits))
    cr.execute(ID_MAP_QUERY)
    clock.lap("plan")
    deferred = []
    for index, table in enumerate(CLONED_TABLES):
        deferred += clone_table(cr, table, inserted=CLONED_TABLES[:index])
        clock.lap(table)
    for table, column, target in deferred:
        cr.execute(deferred_key_query(table, column, target))
    for table, column, target in CLONED_RELATIONS:
        cr.execute(relation_clone_query(cr, table, column, target))
    clock.lap("links")


def kind_table_query(templates):
    """``bench_kind``: per kind of document, its template moves, dates and names."""
    rows = SQL(", ").join(
        SQL("(%s, %s, %s::int)", kind, invoice.id, payment.id if payment else None)
        for kind, (invoice, payment) in templates.items()
    )
    return SQL(
        """
        CREATE TEMP TABLE bench_kind ON COMMIT DROP AS
        SELECT kind.kind, inv.id AS inv_move_id, pay.id AS pay_move_id,
               inv.date AS inv_date, COALESCE(pay.date, inv.date) AS pay_date,
               inv.name AS inv_name, COALESCE(pay.name, '') AS pay_name,
               inv.sequence_prefix AS inv_prefix, COALESCE(pay.sequence_prefix, '') AS pay_prefix
          FROM (VALUES %s) AS kind(kind, inv_id, pay_id)
          JOIN account_move inv ON inv.id = kind.inv_id
          LEFT JOIN account_move pay ON pay.id = kind.pay_id
        """,
        rows,
    )


# ``bench_template``: the rows to clone for each kind, and whether they date from the payment.
TEMPLATE_ROWS_QUERY = SQL(
    """
    CREATE TEMP TABLE bench_template ON COMMIT DROP AS
    WITH moves AS (
        SELECT kind, inv_move_id AS move_id, FALSE AS is_payment FROM bench_kind
         UNION ALL
        SELECT kind, pay_move_id, TRUE FROM bench_kind WHERE pay_move_id IS NOT NULL
    ),
    lines AS (
        SELECT moves.kind, line.id, moves.is_payment, line.full_reconcile_id
          FROM moves
          JOIN account_move_line line ON line.move_id = moves.move_id
    )
    SELECT kind, 'account_move' AS tbl, move_id AS tpl_id, is_payment FROM moves
     UNION ALL
    SELECT kind, 'account_move_line', id, is_payment FROM lines
     UNION ALL
    SELECT DISTINCT kind, 'account_full_reconcile', full_reconcile_id, TRUE
      FROM lines WHERE full_reconcile_id IS NOT NULL
     UNION ALL
    SELECT lines.kind, 'account_partial_reconcile', partial.id, TRUE
      FROM lines JOIN account_partial_reconcile partial ON partial.debit_move_id = lines.id
     UNION ALL
    SELECT moves.kind, 'account_payment', move.origin_payment_id, TRUE
      FROM moves JOIN account_move move ON move.id = moves.move_id
     WHERE move.origin_payment_id IS NOT NULL
    """
)


# Share of invoices paid, and paid or partly paid (the rest is open); a benchmark may change them.
MIX = {"paid": 0.7, "paid_or_partial": 0.8}


def document_plan_query(partners, invoices, refunds, today, habits=False):
    """``bench_doc``: one row per document to create, with its customer, factor, dates, names.

    Kinds (``MIX``): 70% paid (60% of them on time, up to 10 days early, the others 1-60 days
    late), 10% partly paid, 20% open (invoiced 0-210 days ago, so that every aging bucket has
    some), and the credit notes (open, 0-300 days old). Each invoice has a 30-day term.

    With ``habits``, a paid invoice's delay is its customer's instead: half the customers pay
    within 5 days of the due date, the others 5 to 60 days late; each drifts by up to 20 days
    either way towards its most recent invoices, a third of them pay their largest invoices (the
    top quarter of amounts, 1.4-1.8 times the average) 20 days later still, and each invoice adds
    up to 5 days of noise (no earlier than 10 days before the due date). The backtest of the
    forecast needs this.
    """
    return SQL(
        """
        CREATE TEMP TABLE bench_doc ON COMMIT DROP AS
        WITH customers AS (
            SELECT id, name, (ROW_NUMBER() OVER (ORDER BY ref) - 1)::int AS idx
              FROM res_partner
             WHERE ref LIKE %(prefix)s
        ),
        drawn AS (
            SELECT doc, random() AS r1, random() AS r2, random() AS r3, random() AS r4,
                   random() AS r5, random() AS r6
              FROM generate_series(1, %(invoices)s + %(refunds)s) AS doc
        ),
        kinds AS (
            SELECT drawn.*,
                   CASE WHEN doc > %(invoices)s THEN 'refund'
                        WHEN r1 < %(paid)s THEN 'paid'
                        WHEN r1 < %(paid_or_partial)s THEN 'partial'
                        ELSE 'open' END AS kind,
                   CASE WHEN r2 >= 0.6 THEN 1 + floor(r3 * 60) ELSE -floor(r3 * 11) END::int
                       AS random_delay
              FROM drawn
        ),
        assigned AS (
            SELECT kinds.*,
                   CASE WHEN doc <= %(invoices)s * 0.8 THEN mod(doc - 1, %(partners)s)
                        WHEN kind = 'refund' THEN floor(r5 * %(partners)s)
                        ELSE floor(%(partners)s * r5 ^ 3) END::int AS customer_idx
              FROM kinds
        ),
        paced AS (  -- with habits: the customer's own pace, drifting towards recent invoices
            SELECT assigned.*,
                   CASE WHEN NOT %(habits)s THEN random_delay
                        ELSE GREATEST(-10,
                            CASE WHEN mod(customer_idx * 7919, 100) < 50
                                 THEN mod(customer_idx * 31, 11) - 5
                                 ELSE 5 + mod(customer_idx * 7919, 56) END
                            + round((mod(customer_idx * 104729, 41) - 20) * (1 - r4))::int
                            + CASE WHEN mod(customer_idx * 13, 3) = 0 AND r6 >= 0.75
                                   THEN 20 ELSE 0 END
                            + floor(r3 * 11)::int - 5)
                   END AS delay
              FROM assigned
        ),
        aged AS (
            SELECT paced.*,
                   CASE kind WHEN 'paid' THEN 30 + delay + floor(r4 * (335 - delay))
                             WHEN 'partial' THEN 10 + floor(r4 * 190)
                             WHEN 'open' THEN floor(r4 * 211)
                             ELSE floor(r4 * 301) END::int AS age
              FROM paced
        ),
        dated AS (
            SELECT aged.*,
                   %(today)s::date - age AS invoice_date,
                   CASE kind WHEN 'paid' THEN %(today)s::date - age + 30 + delay
                             WHEN 'partial' THEN %(today)s::date - age + floor(r2 * age)::int
                             ELSE %(today)s::date - age END AS pay_date
              FROM aged
        )
        SELECT dated.doc, dated.kind, customers.id AS partner_id,
               customers.name AS partner_name, 5 + floor(dated.r6 * 46)::int AS factor,
               dated.invoice_date - tpl.inv_date AS inv_shift,
               dated.pay_date - tpl.pay_date AS pay_shift,
               100000 + dated.doc AS number,
               tpl.inv_name AS tpl_inv_name, tpl.pay_name AS tpl_pay_name,
               replace(tpl.inv_prefix, to_char(tpl.inv_date, 'YYYY'),
                       to_char(dated.invoice_date, 'YYYY')) AS inv_prefix,
               replace(tpl.pay_prefix, to_char(tpl.pay_date, 'YYYY'),
                       to_char(dated.pay_date, 'YYYY')) AS pay_prefix
          FROM dated
          JOIN customers ON customers.idx = dated.customer_idx
          JOIN bench_kind tpl ON tpl.kind = dated.kind;
        ALTER TABLE bench_doc ADD PRIMARY KEY (doc),
            ADD COLUMN inv_name varchar, ADD COLUMN pay_name varchar;
        UPDATE bench_doc
           SET inv_name = inv_prefix || number,
               pay_name = CASE pay_prefix WHEN '' THEN '' ELSE pay_prefix || number END;
        """,
        prefix=f"{REF_PREFIX}%",
        invoices=invoices,
        refunds=refunds,
        partners=partners,
        today=today,
        habits=habits,
        **MIX,
    )


# ``bench_clone_map``: a new id, from the table's own sequence, per template row and document.
ID_MAP_QUERY = SQL(
    """
    CREATE TEMP TABLE bench_clone_map ON COMMIT DROP AS
    SELECT tpl.tbl, tpl.tpl_id, doc.doc, tpl.is_payment,
           nextval(pg_get_serial_sequence(tpl.tbl, 'id'))::int AS new_id
      FROM bench_doc doc
      JOIN bench_template tpl ON tpl.kind = doc.kind;
    CREATE UNIQUE INDEX ON bench_clone_map (tbl, tpl_id, doc);
    ANALYZE bench_clone_map, bench_doc;
    """
)


def remap(target, old_id):
    """The clone, in the same document, of the ``target`` row ``old_id``."""
    return SQL(
        "(SELECT x.new_id FROM bench_clone_map x"
        " WHERE x.tbl = %s AND x.tpl_id = %s AND x.doc = m.doc)",
        target,
        old_id,
    )


def table_columns(cr, table):
    cr.execute(
        SQL(
            """
            SELECT column_name, data_type FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = %s AND is_generated = 'NEVER'
             ORDER BY ordinal_position
            """,
            table,
        )
    )
    return cr.fetchall()


def cloned_foreign_keys(cr, table):
    """{column: cloned table it references} for the single-column foreign keys of ``table``."""
    cr.execute(
        SQL(
            """
            SELECT att.attname, con.confrelid::regclass::text
              FROM pg_constraint con
              JOIN pg_attribute att ON att.attrelid = con.conrelid AND att.attnum = con.conkey[1]
             WHERE con.contype = 'f' AND con.conrelid = %s::regclass
               AND con.confrelid::regclass::text = ANY(%s)
            """,
            table,
            CLONED_TABLES,
        )
    )
    return dict(cr.fetchall())


def special_values(table):
    """Columns whose value the generic rules of :func:`column_value` would get wrong."""
    if table == "account_move":
        return {
            "sequence_prefix": SQL(
                "CASE WHEN m.is_payment THEN d.pay_prefix ELSE d.inv_prefix END"
            ),
            "sequence_number": SQL("d.number"),
            "invoice_partner_display_name": SQL(
                "CASE WHEN t.invoice_partner_display_name IS NOT NULL THEN d.partner_name END"
            ),
        }
    if table == "account_move_line":
        partial = remap("account_partial_reconcile", SQL("substr(t.matching_number, 2)::int"))
        full = remap("account_full_reconcile", SQL("t.matching_number::int"))
        return {
            "matching_number": SQL(
                "CASE WHEN t.matching_number LIKE 'P%%' THEN 'P' || %s"
                " WHEN t.matching_number IS NOT NULL THEN %s::varchar END",
                partial,
                full,
            )
        }
    return {}


def column_value(column, data_type, foreign_keys, specials):
    """The value of ``column`` in the clone of template row ``t`` for document ``d``."""
    old = SQL.identifier("t", column)
    if column == "id":
        return SQL("m.new_id")
    if column in specials:
        return specials[column]
    if column in foreign_keys:
        return remap(foreign_keys[column], old)
    if column in PARTNER_COLUMNS:
        return SQL("CASE WHEN %s IS NOT NULL THEN d.partner_id END", old)
    if data_type == "date":
        return SQL("%s + CASE WHEN m.is_payment THEN d.pay_shift ELSE d.inv_shift END", old)
    if data_type == "numeric" and column not in UNSCALED_COLUMNS:
        return SQL("%s * d.factor", old)
    if data_type in TEXT_TYPES:
        return SQL(
            "replace(replace(%s, d.tpl_inv_name, d.inv_name), d.tpl_pay_name, d.pay_name)", old
        )
    return old


def clone_table(cr, table, inserted):
    """Insert the clones of ``table``'s template rows; return the foreign keys to set later."""
    foreign_keys = cloned_foreign_keys(cr, table)
    deferred = {col: target for col, target in foreign_keys.items() if target not in inserted}
    specials = special_values(table) | dict.fromkeys(deferred, SQL("NULL"))
    columns = table_columns(cr, table)
    values = [column_value(col, dtype, foreign_keys, specials) for col, dtype in columns]
    cr.execute(
        SQL(
            """
            INSERT INTO %(table)s (%(columns)s)
            SELECT %(values)s
              FROM bench_clone_map m
              JOIN %(table)s t ON t.id = m.tpl_id
              JOIN bench_doc d ON d.doc = m.doc
             WHERE m.tbl = %(name)s
            """,
            table=SQL.identifier(table),
            columns=SQL(", ").join(SQL.identifier(col) for col, _dtype in columns),
            values=SQL(", ").join(values),
            name=table,
        )
    )
    return [(table, column, target) for column, target in deferred.items()]


def deferred_key_query(table, column, target):
    return SQL(
        """
        UPDATE %(table)s clone SET %(column)s = target.new_id
          FROM bench_clone_map m
          JOIN %(table)s t ON t.id = m.tpl_id
          JOIN bench_clone_map target
            ON target.tbl = %(target)s AND target.tpl_id = t.%(column)s AND target.doc = m.doc
         WHERE m.tbl = %(name)s AND clone.id = m.new_id
        """,
        table=SQL.identifier(table),
        column=SQL.identifier(column),
        target=target,
        name=table,
    )


def relation_clone_query(cr, table, column, target):
    columns = [col for col, _dtype in table_columns(cr, table)]
    return SQL(
        """
        INSERT INTO %(table)s (%(columns)s)
        SELECT %(values)s
          FROM %(table)s rel
          JOIN bench_clone_map m ON m.tbl = %(target)s AND m.tpl_id = rel.%(column)s
        """,
        table=SQL.identifier(table),
        columns=SQL(", ").join(map(SQL.identifier, columns)),
        values=SQL(", ").join(
            SQL("m.new_id") if col == column else SQL.identifier("rel", col) for col in columns
        ),
        target=target,
        column=SQL.identifier(column),
    )


# Measurements


def portfolio_figures(env, company):
    """Invoices, credit notes and receivable lines by state, in the company."""
    [row] = env.execute_query(
        SQL(
            """
            SELECT (SELECT COUNT(*) FROM account_move
                     WHERE company_id = %(company)s AND state = 'posted'
                       AND move_type = 'out_invoice'),
                   (SELECT COUNT(*) FROM account_move
                     WHERE company_id = %(company)s AND state = 'posted'
                       AND move_type = 'out_invoice' AND payment_state IN ('paid', 'in_payment')),
                   (SELECT COUNT(*) FROM account_move
                     WHERE company_id = %(company)s AND state = 'posted'
                       AND move_type = 'out_invoice' AND payment_state = 'partial'),
                   (SELECT COUNT(*) FROM account_move
                     WHERE company_id = %(company)s AND state = 'posted'
                       AND move_type = 'out_refund'),
                   (SELECT COUNT(*) FROM account_move_line line
                      JOIN account_account account ON account.id = line.account_id
                     WHERE line.company_id = %(company)s AND line.parent_state = 'posted'
                       AND account.account_type = 'asset_receivable'),
                   (SELECT COUNT(*) FROM res_partner WHERE ref LIKE %(prefix)s)
            """,
            company=company.id,
            prefix=f"{REF_PREFIX}%",
        )
    )
    return dict(
        zip(
            ["invoices", "paid", "partial", "refunds", "receivable_lines", "customers"],
            row,
            strict=True,
        )
    )


def customers_by_history(env, company):
    """(partner id, receivable lines) of every benchmark customer, longest history first."""
    return env.execute_query(
        SQL(
            """
            SELECT line.partner_id, COUNT(*)
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE line.company_id = %s AND account.account_type = 'asset_receivable'
               AND partner.ref LIKE %s
             GROUP BY line.partner_id
             ORDER BY COUNT(*) DESC, line.partner_id
            """,
            company.id,
            f"{REF_PREFIX}%",
        )
    )


def history_extremes(env, company):
    """(partner id, receivable lines) of the customers with the longest and shortest history."""
    rows = customers_by_history(env, company)
    return rows[0], rows[-1]


def sanity_check(env, company, today, largest_id):
    """Compare the open amount of sample customers with the ORM's view of their ledgers."""
    customers = env["res.partner"].search([("ref", "=like", f"{REF_PREFIX}%")], order="ref")
    step = max(len(customers) // SAMPLE_SIZE, 1)
    sample = (customers[::step][:SAMPLE_SIZE] | customers.browse(largest_id)).sorted("id")
    env["credit.partner.risk"]._refresh(company, sample.ids, today)
    lines = env["account.move.line"].search(
        [
            ("partner_id", "in", sample.ids),
            ("company_id", "=", company.id),
            ("parent_state", "=", "posted"),
            ("account_id.account_type", "=", "asset_receivable"),
            ("reconciled", "=", False),
        ]
    )
    by_lines = defaultdict(float)
    for line in lines:
        by_lines[line.partner_id.commercial_partner_id.id] += line.amount_residual
    moves = env["account.move"].search(
        [
            ("partner_id", "in", sample.ids),
            ("company_id", "=", company.id),
            ("state", "=", "posted"),
            ("move_type", "in", ["out_invoice", "out_refund"]),
        ]
    )
    by_moves = defaultdict(float)
    for move in moves:
        by_moves[move.commercial_partner_id.id] += move.amount_residual_signed
    risks = env["credit.partner.risk"].search(
        [("partner_id", "in", sample.ids), ("company_id", "=", company.id)]
    )
    open_amounts = {risk.partner_id.id: risk.open_amount for risk in risks}
    currency = company.currency_id
    mismatches = [
        (partner.ref, open_amounts.get(partner.id), by_lines[partner.id], by_moves[partner.id])
        for partner in sample
        if partner.id not in open_amounts
        or currency.compare_amounts(open_amounts[partner.id], by_lines[partner.id])
        or currency.compare_amounts(open_amounts[partner.id], by_moves[partner.id])
    ]
    for ref, ours, lines_sum, moves_sum in mismatches:
        print(
            f"sanity check: MISMATCH {ref}: open_amount {ours}, "
            f"open receivable lines {lines_sum:.2f}, invoice residuals {moves_sum:.2f}"
        )
    if not mismatches:
        print(
            f"sanity check: OK, open_amount of {len(sample)} customers = sum of their open "
            f"receivable lines = sum of their invoices' residuals ({len(lines)} lines)"
        )
    return not mismatches


class Progress:
    """The ``progress`` callback of ``_refresh_stale``: commits and records each batch."""

    def __init__(self, cr):
        self.cr = cr
        self.batches = []  # (customers, queries, seconds)
        self.refresh_queries = []  # queries of each call to _refresh
        self.refresh_seconds = 0.0  # spent in _refresh
        self.mark = cr.sql_log_count
        self.clock = time.perf_counter()
        self.total_seconds = 0.0

    def __call__(self, done, remaining=None):
        queries = self.cr.sql_log_count - self.mark
        self.cr.commit()
        now = time.perf_counter()
        self.batches.append((done, queries, now - self.clock))
        self.mark, self.clock = self.cr.sql_log_count, now
        return True


@contextmanager
def counting_refresh(env, progress):
    """Record the queries and time of each ``_refresh`` call in ``progress``."""
    model_class = type(env["credit.partner.risk"])
    refresh = model_class._refresh

    def counted(self, *args, **kwargs):
        mark, start = self.env.cr.sql_log_count, time.perf_counter()
        refreshed = refresh(self, *args, **kwargs)
        progress.refresh_seconds += time.perf_counter() - start
        progress.refresh_queries.append(self.env.cr.sql_log_count - mark)
        return refreshed

    with patch.object(model_class, "_refresh", counted):
        yield


def time_recompute(env, batch_size):
    """Delete every risk row, then time the nightly entry point; return the Progress."""
    env.cr.execute(SQL("DELETE FROM credit_partner_risk"))
    env.cr.commit()
    env.invalidate_all()
    progress = Progress(env.cr)
    with counting_refresh(env, progress):
        start = time.perf_counter()
        env["credit.partner.risk"]._refresh_stale(progress, batch_size=batch_size)
        progress.total_seconds = time.perf_counter() - start
    return progress


def time_shared_recompute(registry, workers, batch_size):
    """Delete every risk row, then ``workers`` threads with a cursor each (as that many
    recompute cron jobs) run the nightly entry point together: the wall seconds and the
    customers each worker refreshed."""
    with registry.cursor() as cr:
        cr.execute(SQL("DELETE FROM credit_partner_risk"))
    shares = []

    def work():
        with registry.cursor() as cr:
            env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
            refreshed = env["credit.partner.risk"]._refresh_stale(Progress(cr), batch_size)
            shares.append(len(refreshed))

    threads = [threading.Thread(target=work) for _worker in range(workers)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, shares


def print_shared_recompute(figures, workers, seconds, shares):
    customers = sum(shares)
    print(
        f"recompute by {workers} workers: {customers} partners in {seconds:.1f} s "
        f"({customers / seconds:.0f} partners/s, {seconds / customers * 1000:.3f} s per 1,000 "
        f"customers, {seconds / figures['receivable_lines'] * 1e6:.1f} µs per receivable line); "
        f"refreshed by each worker: {', '.join(map(str, shares))}"
    )


def time_single(env, company, partner_id, today):
    env.invalidate_all()
    mark, start = env.cr.sql_log_count, time.perf_counter()
    env["credit.partner.risk"]._refresh(company, [partner_id], today)
    return time.perf_counter() - start, env.cr.sql_log_count - mark


def print_recompute(figures, progress):
    customers = sum(done for done, _queries, _seconds in progress.batches)
    seconds = progress.total_seconds
    queries = [queries for _done, queries, _seconds in progress.batches]
    print(
        f"recompute: {customers} partners, {figures['invoices']} invoices, "
        f"{figures['receivable_lines']} receivable lines, {len(queries)} batches, "
        f"{seconds:.1f} s, {customers / seconds:.0f} partners/s, "
        f"{max(queries[1:] or queries)} queries/batch "
        f"(_refresh alone: {progress.refresh_seconds:.1f} s, "
        f"{max(progress.refresh_queries)} queries/batch)"
    )
    print(
        f"recompute per 1,000 customers: {seconds / customers * 1000:.3f} s; per receivable "
        f"line: {seconds / figures['receivable_lines'] * 1e6:.1f} µs"
    )
    print(
        "recompute batches (customers, queries, seconds): "
        + ", ".join(f"({done}, {count}, {secs:.2f})" for done, count, secs in progress.batches)
        + " (the first batch's queries include listing the stale customers)"
    )


def print_batch_plan(env, company, today, batch_size):
    """The upsert of the first ``batch_size`` customers under EXPLAIN (ANALYZE, BUFFERS), rolled
    back: its time and buffers, and those of its scans of journal items."""
    partner_ids = [partner_id for partner_id, _lines in customers_by_history(env, company)]
    query = env["credit.partner.risk"]._refresh_query(company, partner_ids[:batch_size], today)
    with env.cr.savepoint(flush=False) as savepoint:
        plan = [line for (line,) in env.execute_query(SQL("EXPLAIN (ANALYZE, BUFFERS) %s", query))]
        savepoint.rollback()
    buffers = next(line for line in plan if "Buffers" in line).strip()
    timing = [line.strip() for line in plan if line.startswith(("Planning Time", "Execution Time"))]
    print(f"batch plan ({batch_size} customers): {buffers}; {'; '.join(timing)}")
    for index, line in enumerate(plan):
        if "on account_move_line" in line:
            detail = plan[index + 1 : index + 6]
            hits = next((d.strip() for d in detail if "Buffers" in d), "")
            print(f"  {line.strip()[:110]} | {hits}")


def print_risk_summary(env, company):
    [row] = env.execute_query(
        SQL(
            """
            SELECT SUM(amount_not_due), SUM(amount_late_1_30), SUM(amount_late_31_60),
                   SUM(amount_late_61_90), SUM(amount_late_91_120), SUM(amount_late_120_plus),
                   SUM(open_amount), SUM(paid_invoice_count),
                   string_agg(DISTINCT grade, '')
              FROM credit_partner_risk WHERE company_id = %s
            """,
            company.id,
        )
    )
    *buckets, open_amount, paid, grades = row
    labels = ["not due", "1-30", "31-60", "61-90", "91-120", "120+"]
    print(
        "aging totals: "
        + ", ".join(f"{label} {amount:.0f}" for label, amount in zip(labels, buckets, strict=True))
        + f"; open {open_amount:.0f}; paid invoices {paid}; grades {grades}"
    )


def oca_state(env, args):
    """Why the OCA comparison cannot run, or None when it can."""
    if not args.oca_addons_path:
        return "no --oca-addons-path given"
    [[state]] = env.execute_query(
        SQL(
            "SELECT COALESCE(MAX(state), 'absent') FROM ir_module_module WHERE name = %s",
            OCA_MODULE,
        )
    )
    if state != "installed":
        return f"module {OCA_MODULE} is {state} in {args.db} (install it with odoo-bin -i)"
    if "risk_total" not in env["res.partner"]._fields:
        return f"module {OCA_MODULE} is installed but not loaded from {args.oca_addons_path}"
    return None


def time_oca(env, partner_ids, batch_size):
    """Read the OCA risk fields of ``partner_ids`` in batches, from cold caches."""
    env.invalidate_all()
    totals = defaultdict(float)
    mark, start = env.cr.sql_log_count, time.perf_counter()
    for batch in split_every(batch_size, partner_ids, list):
        for values in env["res.partner"].browse(batch).read(OCA_FIELDS):
            totals[values["id"]] = values["risk_invoice_open"] + values["risk_invoice_unpaid"]
        env.invalidate_all()
    return time.perf_counter() - start, env.cr.sql_log_count - mark, totals


def compare_oca(env, args, company, ours):
    """Time the OCA addon on the customers just refreshed; ``ours`` are our timed runs."""
    reason = oca_state(env, args)
    if reason:
        print(f"OCA comparison: skipped, {reason}")
        return
    risks = env["credit.partner.risk"].search([("company_id", "=", company.id)])
    open_amounts = {risk.partner_id.id: risk.open_amount for risk in risks}
    runs = [time_oca(env, list(open_amounts), args.batch_size) for _round in range(args.rounds)]
    seconds, queries, totals = min(runs, key=lambda run: run[0])
    differing = sum(
        1
        for partner_id, amount in open_amounts.items()
        if company.currency_id.compare_amounts(amount, totals[partner_id])
    )
    print(
        f"OCA {OCA_MODULE}: {len(open_amounts)} partners, {seconds:.1f} s, "
        f"{len(open_amounts) / seconds:.0f} partners/s, {queries} queries "
        f"(rounds: {', '.join(f'{run[0]:.1f} s' for run in runs)}); "
        f"open+unpaid differs from our open_amount for {differing} partners"
    )
    ours_total = min(run.total_seconds for run in ours)
    ours_refresh = min(run.refresh_seconds for run in ours)
    print(
        f"ratio ours/theirs (best seconds over best seconds): {ours_total / seconds:.2f} "
        f"with _refresh_stale, {ours_refresh / seconds:.2f} with _refresh alone"
    )


def print_single_refreshes(env, company, today, extremes):
    for label, (partner_id, lines) in zip(["largest", "smallest"], extremes, strict=True):
        seconds, queries = time_single(env, company, partner_id, today)
        print(
            f"single refresh, {label} history ({lines} receivable lines): "
            f"{seconds * 1000:.0f} ms, {queries} queries"
        )


def main():
    args = parse_args()
    registry = open_registry(args)
    with registry.cursor() as cr:
        env = odoo.api.Environment(cr, odoo.SUPERUSER_ID, {})
        company = env.company
        today = fields.Date.context_today(env["credit.partner.risk"])
        ensure_portfolio(env, args, today)
        figures = portfolio_figures(env, company)
        print(
            "portfolio: {customers} BENCH customers, {invoices} posted invoices ({paid} paid, "
            "{partial} partly paid), {refunds} credit notes, {receivable_lines} receivable "
            "lines".format(**figures)
        )
        extremes = history_extremes(env, company)
        if not sanity_check(env, company, today, extremes[0][0]):
            return 1
        ours = []
        for _round in range(args.rounds):
            ours.append(time_recompute(env, args.batch_size))
            print_recompute(figures, ours[-1])
            if args.workers:
                cr.commit()
                seconds, shares = time_shared_recompute(registry, args.workers, args.batch_size)
                print_shared_recompute(figures, args.workers, seconds, shares)
        print_risk_summary(env, company)
        print_single_refreshes(env, company, today, extremes)
        if args.explain:
            print_batch_plan(env, company, today, args.batch_size)
        cr.commit()
        compare_oca(env, args, company, ours)
    return 0


if __name__ == "__main__":
    sys.exit(main())
