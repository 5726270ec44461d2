from odoo import api, models


class AccountPartialReconcile(models.Model):
    """A payment, credit note or write-off applied to an invoice, or unapplied, changes the
    residuals the credit figures are made of: both sides' customers are marked stale."""

    _inherit = "account.partial.reconcile"

    # The ledger as of a past day adds back what was reconciled after it (``open_items_as_of``):
    # found through this index, not by reading every reconciliation of the company.
    _credit_max_date_idx = models.Index("(company_id, max_date)")

    @api.model_create_multi
    def create(self, vals_list):
        partials = super().create(vals_list)
        partials._credit_mark_stale()
        return partials

    def unlink(self):
        self._credit_mark_stale()
        return super().unlink()

    def _credit_mark_stale(self):
        (self.debit_move_id | self.credit_move_id).move_id._credit_mark_stale()
