from odoo import models


class AccountMoveLine(models.Model):
    """A dispute opened or resolved (Odoo's ``no_followup``) changes the customer's figures."""

    _inherit = "account.move.line"

    def write(self, vals):
        result = super().write(vals)
        if "no_followup" in vals:
            self.move_id._credit_mark_stale()
        return result
