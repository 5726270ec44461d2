from odoo import models

from ..tools.receivables import AGING_BUCKETS


class AccountMoveLine(models.Model):
    """The aging of a customer's open items on its statement (PDF and page), in the buckets
    of the aged receivables."""

    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _credit_aging(self, on_date):
        """What these open items owe by how late they are on ``on_date``, in their own
        currency: ``{currency: [amount of each aging bucket]}``."""
        aging = {}
        for line in self:
            days_late = (on_date - line.date_maturity).days if line.date_maturity else 0
            amounts = aging.setdefault(line.currency_id, [0.0] * len(AGING_BUCKETS))
            amounts[_bucket_index(days_late)] += line.amount_residual_currency
        return aging

    def _credit_aging_labels(self):
        """The buckets' names, as the aged receivables show them."""
        bucket = self.env["credit.aged.receivable"]._fields["bucket"]
        return [label for _key, label in bucket._description_selection(self.env)]


def _bucket_index(days_late):
    return next(
        index
        for index, (_name, first, last) in enumerate(AGING_BUCKETS)
        if (first is None or days_late >= first) and (last is None or days_late <= last)
    )
