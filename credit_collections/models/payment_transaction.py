from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _check_amount_and_confirm_order(self):
        """Only the quotations actually confirmed: one the credit rules hold stays a quotation,
        and its customer then gets Odoo's "payment received" email rather than nothing (Odoo
        sends it for the orders this does not return)."""
        confirmed = super()._check_amount_and_confirm_order()
        return confirmed.filtered(lambda order: order.state == "sale")
