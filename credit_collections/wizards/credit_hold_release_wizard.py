from odoo import api, fields, models


class CreditHoldReleaseWizard(models.TransientModel):
    _name = "credit.hold.release.wizard"
    _description = "Release a Credit Hold"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    # Read as the user: the reasons of an order out of the user's companies stay hidden.
    hold_reasons = fields.Text(related="order_id.credit_hold_reasons", compute_sudo=False)
    reason = fields.Text(required=True, help="Why this order may be confirmed despite the hold.")

    @api.model_create_multi
    def create(self, vals_list):
        """A wizard opened over RPC on any order id: only on an order the user may release."""
        orders = self.env["sale.order"].browse(vals.get("order_id") for vals in vals_list)
        orders.check_access("write")
        return super().create(vals_list)

    def action_release(self):
        self.ensure_one()
        self.order_id._credit_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
