from odoo import fields, models


class CreditHoldReleaseWizard(models.TransientModel):
    _name = "credit.hold.release.wizard"
    _description = "Release a Credit Hold"

    order_id = fields.Many2one("sale.order", required=True, readonly=True)
    hold_reasons = fields.Text(related="order_id.credit_hold_reasons")
    reason = fields.Text(required=True, help="Why this order may be confirmed despite the hold.")

    def action_release(self):
        self.ensure_one()
        self.order_id._credit_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
