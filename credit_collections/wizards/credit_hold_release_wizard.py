from odoo import api, fields, models
from odoo.exceptions import UserError


class CreditHoldReleaseWizard(models.TransientModel):
    _name = "credit.hold.release.wizard"
    _description = "Release a Credit Hold"

    res_model = fields.Char("Document Model", required=True)
    res_id = fields.Many2oneReference("Document", model_field="res_model", required=True)
    hold_reasons = fields.Text(compute="_compute_hold_reasons")
    reason = fields.Text(required=True, help="Why this document may go through despite the hold.")

    @api.model_create_multi
    def create(self, vals_list):
        """A wizard opened over RPC on any document: only on one the user may release."""
        for vals in vals_list:
            self._document_of(vals.get("res_model"), vals.get("res_id")).check_access("write")
        return super().create(vals_list)

    def _document_of(self, res_model, res_id):
        if res_model not in self.env or not isinstance(
            self.env[res_model], self.pool["credit.hold.mixin"]
        ):
            raise UserError(self.env._("%(model)s cannot be put on credit hold.", model=res_model))
        return self.env[res_model].browse(res_id)

    @api.depends("res_model", "res_id")
    def _compute_hold_reasons(self):
        """Read as the user: the reasons of a document out of the user's companies stay
        hidden (the creation refused it already)."""
        for wizard in self:
            wizard.hold_reasons = wizard.res_model and wizard._document().credit_hold_reasons

    def _document(self):
        return self._document_of(self.res_model, self.res_id)

    def action_release(self):
        self.ensure_one()
        self._document()._credit_release(self.reason)
        return {"type": "ir.actions.act_window_close"}
