from odoo import Command, api, fields, models
from odoo.exceptions import UserError


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
    paid_amount = fields.Monetary(
        compute="_compute_paid_amount",
        string="Paid Since",
        help="Payments applied to the covered items since this was agreed, in company currency. "
        "Credit notes and write-offs settle items; they are not payments.",
    )

    @api.depends("line_ids.matched_credit_ids")
    def _compute_paid_amount(self):
        for commitment in self:
            since = commitment.create_date
            partials = commitment.line_ids.matched_credit_ids.filtered(
                lambda partial, since=since: (
                    since
                    and partial.create_date >= since
                    and partial.credit_move_id.move_id._credit_is_payment()
                )
            )
            commitment.paid_amount = sum(partials.mapped("amount"))

    def _settled_otherwise(self):
        """Nothing is owed on the covered items any more, though not all of it was paid
        (a credit note, a write-off): the commitment is moot, neither kept nor broken."""
        self.ensure_one()
        return self.currency_id.is_zero(sum(self.line_ids.mapped("amount_residual")))

    def write(self, vals):
        if "followup_id" in vals and any(c.followup_id.id != vals["followup_id"] for c in self):
            raise UserError(
                self.env._("A promise or a plan stays with the customer it was agreed with.")
            )
        result = super().write(vals)
        if vals.get("state") == "broken":  # the risk figures count broken commitments
            by_company = {}
            for commitment in self:
                by_company.setdefault(commitment.company_id.id, set()).add(commitment.partner_id.id)
            self.env["credit.partner.risk"].sudo()._mark_stale(by_company)
        return result

    @api.model
    def _cover_overdue(self, vals):
        """Set the items covered in ``vals``: the follow-up's overdue items now (whatever the
        client sent). Returns them."""
        lines = self.env["credit.followup"].browse(vals.get("followup_id"))._overdue_lines()
        vals["line_ids"] = [Command.set(lines.ids)]
        return lines
