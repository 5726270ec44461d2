from odoo import fields, models


class AccountMoveLine(models.Model):
    """Early-payment discounts of Odoo's payment terms, told to the customer while they last:
    the courtesy reminder, the statement and the statement page show what to pay and by when."""

    _inherit = "account.move.line"  # pylint: disable=consider-merging-classes-inherited

    def _credit_early_discount_lines(self, on_date=None):
        """The receivable items among these whose invoice can still be paid at its early-payment
        discount on ``on_date`` (today by default), by Odoo's own rule: nothing paid on it yet,
        up to its discount date. Each gives ``discount_amount_currency`` by ``discount_date``."""
        on_date = on_date or fields.Date.context_today(self)
        return self.filtered(
            lambda line: (
                line.display_type == "payment_term"
                and line.discount_date
                and line.move_id._is_eligible_for_early_payment_discount(line.currency_id, on_date)
            )
        )
