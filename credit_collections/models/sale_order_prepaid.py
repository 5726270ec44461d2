from odoo import fields, models
from odoo.tools import SQL

from ..tools.receivables import receivable_items


class SaleOrder(models.Model):
    """An order paid in advance carries no credit risk: the rules do not hold it.

    Paid in advance means covered, in company currency, by what the customer paid for the order
    (online payments done but not booked yet, the paid part of its posted invoices, e.g. down
    payments) and by the customer's unapplied payments and credit notes (what the documents let
    through before it in the same check have used first). A booked online payment is an
    unapplied payment, or is reconciled with an invoice of the order: counted once either way.
    """

    _inherit = "sale.order"

    def _credit_exemption(self, accepted):
        self.ensure_one()
        currency = self.company_id.currency_id
        amount = self._credit_total_company_currency()
        paid = self._credit_paid_for_order()
        credit = max(self._credit_unapplied_credit() - accepted, 0.0)
        if currency.compare_amounts(paid + credit, amount) < 0:
            return ""
        return self.env._(
            "paid in advance: %(paid)s paid for %(order)s and %(credit)s of unapplied payments "
            "and credit notes cover its %(amount)s.",
            paid=self._credit_format(paid),
            order=self.name,
            credit=self._credit_format(credit),
            amount=self._credit_format(amount),
        )

    def _credit_paid_for_order(self):
        """Company currency: online payments done and not booked as payments yet, and the paid
        part of the order's posted invoices."""
        order = self.sudo()
        company = self.company_id
        today = fields.Date.context_today(self)
        unbooked = sum(
            tx.currency_id._convert(tx.amount, company.currency_id, company, today)
            for tx in order.transaction_ids
            if tx.state == "done" and not tx.payment_id
        )
        invoices = order.invoice_ids.filtered(
            lambda move: move.state == "posted" and move.move_type == "out_invoice"
        )
        paid = sum(invoices.mapped("amount_total_signed")) - sum(
            invoices.mapped("amount_residual_signed")
        )
        return unbooked + paid

    def _credit_unapplied_credit(self):
        """The customer's open credits (unapplied payments, credit notes), company currency."""
        customer = self._credit_customer()
        items = receivable_items(self.company_id, customer.ids, open_only=True)
        [(credit,)] = self.env.execute_query(
            SQL(
                "SELECT COALESCE(-SUM(amount_residual), 0) FROM (%s) items "
                "WHERE amount_residual < 0",
                items,
            )
        )
        return credit
