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


def receivable_items(company_id, partner_ids=None, open_only=False):
    """SQL: the posted receivable items of a company (of ``partner_ids``, commercial partners,
    if given; the open ones only with ``open_only``), with the columns the building blocks
    read: ``partner_id`` (commercial), ``id``, ``move_id``, ``move_type``, ``invoice_date``,
    ``balance``, ``amount_residual``, ``reconciled``, ``no_followup`` and ``date_due``."""
    conditions = [
        SQL("line.company_id = %s", company_id),
        SQL("line.parent_state = 'posted'"),
        SQL("account.account_type = 'asset_receivable'"),
    ]
    if partner_ids is not None:
        conditions.append(SQL("partner.commercial_partner_id = ANY(%s)", list(partner_ids)))
    if open_only:
        conditions.append(SQL("NOT line.reconciled AND line.amount_residual != 0"))
    return SQL(
        """
        SELECT partner.commercial_partner_id AS partner_id, line.id, line.move_id,
               move.move_type, move.invoice_date, line.balance, line.amount_residual,
               line.reconciled, line.no_followup,
               COALESCE(line.date_maturity, line.date) AS date_due
          FROM account_move_line line
          JOIN account_move move ON move.id = line.move_id
          JOIN account_account account ON account.id = line.account_id
          JOIN res_partner partner ON partner.id = line.partner_id
         WHERE %s
        """,
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
