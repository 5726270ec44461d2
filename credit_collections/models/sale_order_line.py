from odoo import api, models


class SaleOrderLine(models.Model):
    """A confirmed order that grows (lines added, quantities or prices raised) is checked again
    by the credit rules, whatever the path (the order's form, its lines, RPC)."""

    _inherit = "sale.order.line"

    @api.model_create_multi
    def create(self, vals_list):
        orders = self.env["sale.order"].browse(
            {vals["order_id"] for vals in vals_list if vals.get("order_id")}
        )
        amounts = orders._credit_confirmed_amounts()
        lines = super().create(vals_list)
        orders._credit_check_growth(amounts)
        return lines

    def write(self, vals):
        amounts = self.order_id._credit_confirmed_amounts()
        result = super().write(vals)
        self.order_id._credit_check_growth(amounts)
        return result
