from odoo import Command, api, fields, models


class CreditFollowupCommitment(models.AbstractModel):
    """What a promise to pay and a payment plan share: the customer's follow-up they pause,
    and the overdue items they cover, taken when they are agreed."""

    _name = "credit.followup.commitment"
    _description = "Follow-up Commitment"

    followup_id = fields.Many2one(
        "credit.followup",
        string="Customer File",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('overdue_amount', '>', 0)]",
    )
    partner_id = fields.Many2one(related="followup_id.partner_id", store=True, string="Customer")
    company_id = fields.Many2one(related="followup_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")

    @api.model
    def _cover_overdue(self, vals):
        """Set the items covered in ``vals``: the follow-up's overdue items now (whatever the
        client sent). Returns them."""
        lines = self.env["credit.followup"].browse(vals.get("followup_id"))._overdue_lines()
        vals["line_ids"] = [Command.set(lines.ids)]
        return lines
