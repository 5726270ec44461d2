from odoo import api, fields, models

# Writes that can move a customer's credit figures: posting, reset, cancel, amounts, customer.
CREDIT_FIELDS = {"state", "line_ids", "invoice_line_ids", "partner_id", "currency_id"}


class AccountMove(models.Model):
    """Disputes: Odoo's ``no_followup`` on the receivable items, with the reason on the invoice.
    Credit figures: a posted, reset or cancelled customer entry marks its customers stale."""

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
        if operator in ("in", "not in"):  # Odoo 19 gives booleans as a list
            positive = (True in value) == (operator == "in")
        elif operator in ("=", "!=") and isinstance(value, bool):
            positive = (operator == "=") == value
        else:
            return NotImplemented
        domain = [
            ("line_ids", "any", [("display_type", "=", "payment_term"), ("no_followup", "=", True)])
        ]
        return domain if positive else ["!", *domain]

    @api.model_create_multi
    def create(self, vals_list):
        moves = super().create(vals_list)
        moves._credit_mark_stale()
        return moves

    def write(self, vals):
        if "partner_id" in vals:
            self._credit_mark_stale()  # the customers before the change of customer
        result = super().write(vals)
        if CREDIT_FIELDS & vals.keys():
            self._credit_mark_stale()
        return result

    def _credit_mark_stale(self):
        """Mark stale the customers whose figures these entries count in: the customer of a
        sales document, the partners of receivable items."""
        by_company = {}
        for move in self:
            partners = move.line_ids.filtered(
                lambda line: line.account_type == "asset_receivable"
            ).partner_id
            if move.is_sale_document(include_receipts=True):
                partners |= move.partner_id
            if partners:
                by_company.setdefault(move.company_id.id, set()).update(partners.ids)
        if by_company:
            self.env["credit.partner.risk"].sudo()._mark_stale(by_company)

    def _credit_is_payment(self):
        """A payment or a bank statement line: what pays an invoice (a credit note or a
        write-off settles it). The risk figures' SQL applies the same rule."""
        self.ensure_one()
        return bool(self.origin_payment_id or self.statement_line_id)

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
