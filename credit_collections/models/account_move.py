from odoo import fields, models


class AccountMove(models.Model):
    """Disputes: Odoo's ``no_followup`` on the receivable items, with the reason on the invoice."""

    _inherit = "account.move"

    credit_dispute_reason = fields.Text(
        string="Dispute Reason", copy=False, tracking=True, readonly=True
    )
    credit_disputed = fields.Boolean(
        string="Disputed", compute="_compute_credit_disputed", search="_search_credit_disputed"
    )

    def _compute_credit_disputed(self):
        for move in self:
            move.credit_disputed = any(
                move.line_ids.filtered(lambda line: line.display_type == "payment_term").mapped(
                    "no_followup"
                )
            )

    def _search_credit_disputed(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            return NotImplemented
        positive = (operator == "=") == value
        domain = [
            ("line_ids", "any", [("display_type", "=", "payment_term"), ("no_followup", "=", True)])
        ]
        return domain if positive else ["!", *domain]

    def _credit_set_dispute(self, reason):
        """Open (reason) or resolve (no reason) a dispute; logged on the invoice."""
        terms = self.line_ids.filtered(lambda line: line.display_type == "payment_term")
        terms.no_followup = bool(reason)
        self.credit_dispute_reason = reason or False
        for move in self:
            move.message_post(
                body=self.env._("Dispute opened: %s", reason)
                if reason
                else self.env._("Dispute resolved.")
            )

    def action_credit_resolve_dispute(self):
        self._credit_set_dispute(False)
