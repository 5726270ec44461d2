from odoo import fields, models
from odoo.exceptions import UserError


class CreditDisputeWizard(models.TransientModel):
    """Mark invoices disputed: excluded from the follow-up ladder until resolved."""

    _name = "credit.dispute.wizard"
    _description = "Mark Invoices Disputed"

    move_ids = fields.Many2many(
        "account.move",
        string="Invoices",
        required=True,
        domain=[
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
            ("payment_state", "not in", ("paid", "in_payment", "reversed")),
        ],
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not (self.reason or "").strip():
            raise UserError(self.env._("Say what the customer disputes: the reason is required."))
        not_open = self.move_ids.filtered(
            lambda move: move.state != "posted" or move.move_type != "out_invoice"
        )
        if not_open:
            raise UserError(
                self.env._(
                    "Only posted customer invoices can be disputed: %s.",
                    ", ".join(not_open.mapped("display_name")),
                )
            )
        self.move_ids._credit_set_dispute(self.reason.strip())
        return {"type": "ir.actions.act_window_close"}
