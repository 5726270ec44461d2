"""What "overdue" means, said once for the risk figures, the holds, the ladder and a
collector's Send Now.

An item is overdue when it is an amount owed (positive residual) past its due date and not
disputed. Disputed items (Odoo's ``no_followup``) are out of dunning, of the overdue figures and
of the overdue hold; they stay in the open amount, the aging and the exposure, so they still
count against the credit limit. Open credits (unapplied payments, credit notes) are not overdue:
they lower the open amount, not the overdue one.
"""

from odoo.fields import Domain
from odoo.tools import SQL

# Over any query exposing ``amount_residual``, ``no_followup`` and ``days_late`` (today minus
# the item's due date, or its date when it has none).
OVERDUE_ITEM = SQL("amount_residual > 0 AND days_late > 0 AND NOT COALESCE(no_followup, FALSE)")


def followed_items_domain():
    """Receivable items the ladder follows: amounts owed, not disputed."""
    return Domain([("amount_residual", ">", 0), ("no_followup", "=", False)])


def overdue_items_domain(today):
    """The ``OVERDUE_ITEM`` rule as a domain on ``account.move.line``."""
    return followed_items_domain() & Domain.OR(
        [
            [("date_maturity", "<", today)],
            [("date_maturity", "=", False), ("date", "<", today)],
        ]
    )
