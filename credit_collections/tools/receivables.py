"""Customers' receivable items and what "overdue" means, said once for the risk figures, the
holds, the ladder and a collector's Send Now: a SQL building block and a domain for each.

A receivable item is a posted journal item on a receivable account, counted for the commercial
partner of its partner; it is open while not reconciled. An item is overdue when it is an amount
owed (positive residual) past its due date and not disputed. Disputed items (Odoo's
``no_followup``) are out of dunning, of the overdue figures and of the overdue hold; they stay in
the open amount, the aging and the exposure, so they still count against the credit limit. Open
credits (unapplied payments, credit notes) are not overdue: they lower the open amount, not the
overdue one.
"""

from datetime import timedelta

from odoo.fields import Domain
from odoo.tools import SQL

# Aging buckets: (field, first day late, last day late); None is open-ended. Not due is <= 0.
AGING_BUCKETS = [
    ("amount_not_due", None, 0),
    ("amount_late_1_30", 1, 30),
    ("amount_late_31_60", 31, 60),
    ("amount_late_61_90", 61, 90),
    ("amount_late_91_120", 91, 120),
    ("amount_late_120_plus", 121, None),
]


def days_late_between(first, last):
    """SQL over a query exposing ``days_late``: the condition of one aging bucket."""
    if first is None:
        return SQL("days_late <= %s", last)
    if last is None:
        return SQL("days_late >= %s", first)
    return SQL("days_late BETWEEN %s AND %s", first, last)


def aging_bucket_sums(buckets=AGING_BUCKETS):
    """SQL over items exposing ``amount_residual`` and ``days_late``: one sum per bucket."""
    return SQL(", ").join(
        SQL(
            "COALESCE(SUM(amount_residual) FILTER (WHERE %s), 0) AS %s",
            days_late_between(first, last),
            SQL.identifier(name),
        )
        for name, first, last in buckets
    )


def receivable_items(company, partner_ids=None, open_only=False):
    """SQL: the posted receivable items of ``company`` (of ``partner_ids``, commercial
    partners, if given; the open ones only with ``open_only``), with the columns the building
    blocks read: ``partner_id`` (commercial), ``id``, ``move_id``, ``move_type``,
    ``invoice_date``, ``invoice_user_id``, ``date``, ``balance``, ``amount_residual``,
    ``reconciled``, ``no_followup`` and ``date_due``."""
    # A batch's whole history is read through the customers' index: the receivable accounts'
    # index holds every receivable item of the company, which the planner would otherwise
    # scan for each batch (its cost would grow with the ledger, not with the batch).
    conditions = _item_conditions(company, by_account=partner_ids is None or open_only)
    if open_only:
        # Written as Odoo's partial index on unreconciled items is: the planner may use it.
        conditions.append(SQL("line.reconciled IS NOT TRUE AND line.amount_residual != 0"))
    customers = customer_contacts(company.env, partner_ids)
    return _items_select(SQL("line.amount_residual"), SQL(), conditions, customers)


def open_items_as_of(company, as_of, partner_ids=None):
    """SQL: ``receivable_items(open_only=True)`` as the ledger stood at the end of ``as_of``:
    the items dated on or before it that were open then, with as ``amount_residual`` what was
    left of each then, in company currency. ``no_followup`` and ``reconciled`` are today's.

    Today's residual plus the partial reconciliations dated after the day (Odoo's ``amount`` of
    a partial is in company currency; an exchange difference is an item of its own, dated with
    its payment): only the items open today and those reconciled after the day are read, each
    through an index, however long the history.
    """
    undone = SQL(
        """
        SELECT line_id, SUM(amount) AS amount
          FROM (SELECT debit_move_id AS line_id, amount FROM account_partial_reconcile
                 WHERE company_id = %(company_id)s AND max_date > %(as_of)s
                 UNION ALL
                SELECT credit_move_id, -amount FROM account_partial_reconcile
                 WHERE company_id = %(company_id)s AND max_date > %(as_of)s) parts
         GROUP BY line_id
        """,
        company_id=company.id,
        as_of=as_of,
    )
    conditions = [*_item_conditions(company), SQL("line.date <= %s", as_of)]
    residual = SQL("line.amount_residual + COALESCE(undone.amount, 0)")
    customers = customer_contacts(company.env, partner_ids)
    open_today = _items_select(
        residual,
        SQL("LEFT JOIN undone ON undone.line_id = line.id"),
        [*conditions, SQL("line.reconciled IS NOT TRUE")],
        customers,
    )
    reconciled_since = _items_select(
        residual,
        SQL("JOIN undone ON undone.line_id = line.id"),
        [*conditions, SQL("line.reconciled")],
        customers,
    )
    return SQL(
        """
        WITH undone AS MATERIALIZED (%s)
        SELECT * FROM (%s UNION ALL %s) items WHERE amount_residual != 0
        """,
        undone,
        open_today,
        reconciled_since,
    )


def _item_conditions(company, by_account=True):
    """The receivable accounts are given by their ids, not joined by their type: PostgreSQL
    then estimates from the items' own statistics how many there are, and the queries built
    on them get hash joins instead of nested loops over a CTE it thinks holds one row. Without
    ``by_account``, the account is only a filter (``+ 0``: no index can serve it)."""
    accounts = company.env["account.account"].sudo().with_context(active_test=False)
    receivable_ids = accounts.search([("account_type", "=", "asset_receivable")]).ids
    account = SQL("line.account_id") if by_account else SQL("(line.account_id + 0)")
    return [
        SQL("line.company_id = %s", company.id),
        SQL("line.parent_state = 'posted'"),
        SQL("%s = ANY(%s)", account, receivable_ids),
    ]


def customer_contacts(env, partner_ids):
    """``(contact ids, their commercial partner ids)`` of the commercial partners
    ``partner_ids`` (themselves included), or None for every customer."""
    if partner_ids is None:
        return None
    env["res.partner"].flush_model(["commercial_partner_id"])
    rows = env.execute_query(
        SQL(
            "SELECT id, commercial_partner_id FROM res_partner"
            " WHERE commercial_partner_id = ANY(%s)",
            list(partner_ids),
        )
    )
    return tuple(map(list, zip(*rows, strict=True))) if rows else ([], [])


def _items_select(residual, joins, conditions, customers=None):
    """The items' select, of every customer, or of a batch of ``customers`` (see
    ``customer_contacts``): their contacts are then given as lists, joined instead of the
    partners' table, so that PostgreSQL estimates the batch's items from them and reads those
    items and their journal entries through their indexes. A batch costs its own items,
    however large the company (with the partners' table joined, the planner hashed every
    partner and every entry of the company to keep the batch's). The entries are left-joined
    (every item has one): a query that reads none of their columns skips them, as PostgreSQL
    drops an unused left join to a primary key."""
    if customers is None:
        partners = SQL("res_partner partner")
    else:
        contact_ids, commercial_ids = customers
        partners = SQL(
            "unnest(%s::int[], %s::int[]) AS partner(id, commercial_partner_id)",
            contact_ids,
            commercial_ids,
        )
        conditions = [*conditions, SQL("line.partner_id = ANY(%s)", contact_ids)]
    return SQL(
        """
        SELECT partner.commercial_partner_id AS partner_id, line.id, line.move_id,
               move.move_type, move.invoice_date, move.invoice_user_id, line.date,
               line.balance, %s AS amount_residual, line.reconciled, line.no_followup,
               COALESCE(line.date_maturity, line.date) AS date_due
          FROM account_move_line line
          JOIN %s ON partner.id = line.partner_id
          LEFT JOIN account_move move ON move.id = line.move_id
          %s
         WHERE %s
        """,
        residual,
        partners,
        joins,
        SQL(" AND ").join(conditions),
    )


def open_items_domain():
    """The ``receivable_items(open_only=True)`` rule as a domain on ``account.move.line``
    (the company and the customer are the caller's)."""
    return Domain(
        [
            ("account_id.account_type", "=", "asset_receivable"),
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("amount_residual", "!=", 0),
        ]
    )


# Over any query exposing ``amount_residual``, ``no_followup`` and ``days_late`` (today minus
# the item's due date, or its date when it has none).
OVERDUE_ITEM = SQL("amount_residual > 0 AND days_late > 0 AND NOT COALESCE(no_followup, FALSE)")


def followed_items_domain():
    """Receivable items the ladder follows: amounts owed, not disputed."""
    return Domain([("amount_residual", ">", 0), ("no_followup", "=", False)])


def overdue_items_domain(today):
    """The ``OVERDUE_ITEM`` rule as a domain on ``account.move.line``."""
    return followed_items_domain() & _due_before(today)


# What a communication of a level covers, over a query exposing ``amount_residual``,
# ``no_followup``, ``days_late`` and the level's ``offset_days``: the overdue items, or those due
# soon for a level before the due date (a courtesy reminder); never a disputed one.
COVERED_ITEM = SQL(
    "amount_residual > 0 AND NOT COALESCE(no_followup, FALSE)"
    " AND days_late >= LEAST(offset_days, 1)"
)


def covered_items_domain(today, offset_days):
    """The ``COVERED_ITEM`` rule as a domain on ``account.move.line``."""
    return followed_items_domain() & _due_before(
        today - timedelta(days=min(offset_days, 1)), inclusive=True
    )


def _due_before(day, inclusive=False):
    operator = "<=" if inclusive else "<"
    return Domain.OR(
        [
            [("date_maturity", operator, day)],
            [("date_maturity", "=", False), ("date", operator, day)],
        ]
    )
