from odoo import Command, fields, models
from odoo.exceptions import UserError

from ..tools.groups import CREDIT_MANAGER


class CreditLateChargeWaive(models.TransientModel):
    """Waive late-payment charges with a reason: a posted credit note per charge invoice,
    matched with it while it is open, and the reason on the charges and the invoice."""

    _name = "credit.late.charge.waive"
    _description = "Waive Late-Payment Charges"

    charge_ids = fields.Many2many("credit.late.charge", string="Charges", required=True)
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        if not self.env.user.has_group(CREDIT_MANAGER):
            raise UserError(self.env._("Only a Credit Manager can waive late-payment charges."))
        reason = (self.reason or "").strip()
        if not reason:
            raise UserError(self.env._("Say why the charges are waived: the reason is required."))
        waived = self.charge_ids.filtered(lambda charge: charge.state == "waived")
        if waived:
            raise UserError(
                self.env._(
                    "Already waived: %(charges)s.", charges=", ".join(waived.mapped("display_name"))
                )
            )
        for move, charges in self.charge_ids.sudo().grouped("move_id").items():
            self._waive(move, charges, reason)
        return {"type": "ir.actions.act_window_close"}

    def _waive(self, move, charges, reason):
        credit_note = (
            self.env["account.move"]
            .sudo()
            .with_company(move.company_id)
            .create(
                {
                    "move_type": "out_refund",
                    "partner_id": move.partner_id.id,
                    "currency_id": move.currency_id.id,
                    "invoice_date": fields.Date.context_today(self),
                    "reversed_entry_id": move.id,
                    "ref": self.env._("Waived: %(reason)s", reason=reason),
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": line.product_id.id,
                                "name": self.env._("Waived: %(charge)s", charge=line.name),
                                "quantity": 1,
                                "price_unit": line.price_unit,
                                "tax_ids": [Command.set(line.tax_ids.ids)],
                            }
                        )
                        for line in charges.move_line_id
                    ],
                }
            )
        )
        credit_note._credit_checked_ids().update(credit_note.ids)
        credit_note._post(soft=False)
        receivables = (move | credit_note).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable" and not line.reconciled
        )
        if move.payment_state not in ("paid", "in_payment") and len(receivables) > 1:
            receivables.reconcile()
        charges.write({"state": "waived", "waive_reason": reason, "waive_move_id": credit_note.id})
        body = self.env._(
            "Waived by %(user)s: %(reason)s (%(credit_note)s)",
            user=self.env.user.name,
            reason=reason,
            credit_note=credit_note.name,
        )
        move.message_post(body=body)
        for charge in charges:
            charge.message_post(body=body)
