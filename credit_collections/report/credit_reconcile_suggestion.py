from odoo import fields, models, tools
from odoo.tools import SQL

from ..tools.receivables import customer_contacts

MATCHES = [
    ("amount", "Same amount"),
    ("reference", "Same reference"),
    ("oldest", "Oldest invoice"),
]


class CreditReconcileSuggestion(models.Model):
    """What the ledger could settle already: each open credit of a customer (an unapplied
    payment, a credit note) with the open invoice it should be applied to: the oldest of the
    same amount (in the credit's currency, else in company currency),
    else the oldest whose number the credit's reference or label names, else the oldest.

    A view over the open receivable items, read live: a row is gone once applied. *Apply*
    uses Odoo's own reconciliation of outstanding credits (``js_assign_outstanding_line``),
    as the invoice's *Outstanding credits* widget does."""

    _name = "credit.reconcile.suggestion"
    _description = "Credit to Reconcile"
    _auto = False
    _order = "partner_id, invoice_date_due, id"
    _rec_name = "credit_line_id"
    _depends = {  # flushed before the view is read
        "account.move.line": [
            "account_id", "amount_residual", "amount_residual_currency", "company_id",
            "currency_id", "date", "date_maturity", "move_id", "name", "no_followup",
            "parent_state", "partner_id", "reconciled",
        ],
        "account.move": ["name", "ref"],
        "account.account": ["account_type"],
        "res.partner": ["commercial_partner_id"],
    }  # fmt: skip

    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    credit_line_id = fields.Many2one("account.move.line", string="Open Credit", readonly=True)
    credit_move_id = fields.Many2one("account.move", string="Credit Entry", readonly=True)
    credit_amount = fields.Monetary(readonly=True, help="What is left of the credit.")
    invoice_line_id = fields.Many2one("account.move.line", readonly=True)
    invoice_id = fields.Many2one("account.move", readonly=True)
    invoice_date_due = fields.Date(string="Invoice Due", readonly=True)
    invoice_residual = fields.Monetary(string="Invoice Open", readonly=True)
    applied_amount = fields.Monetary(
        readonly=True, help="What applying the credit settles of the invoice."
    )
    covers_invoice = fields.Boolean(
        readonly=True, help="The credit settles the whole invoice: no reminder should ask for it."
    )
    match = fields.Selection(MATCHES, readonly=True)

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL("CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._query())
        )

    @staticmethod
    def _open_items(customers):
        return SQL(
            """
            SELECT line.id, line.company_id, partner.commercial_partner_id AS partner_id,
                   line.move_id, line.account_id, line.currency_id, line.amount_residual,
                   line.amount_residual_currency, move.name AS move_name,
                   CONCAT_WS(' ', move.ref, line.name) AS reference,
                   COALESCE(line.date_maturity, line.date) AS date_due
              FROM account_move_line line
              JOIN account_account account ON account.id = line.account_id
              JOIN res_partner partner ON partner.id = line.partner_id
              JOIN account_move move ON move.id = line.move_id
             WHERE account.account_type = 'asset_receivable'
               AND line.parent_state = 'posted'
               AND line.reconciled IS NOT TRUE AND line.amount_residual != 0
               AND NOT COALESCE(line.no_followup, FALSE)
               AND %s
            """,
            customers,
        )

    def _query(self, company=None, partner_ids=None):
        """SQL of the suggestions: every company's, or those of the customers ``partner_ids``
        (commercial partners) in ``company``, read through their items' indexes."""
        customers = (
            SQL(
                "line.company_id = %s AND line.partner_id = ANY(%s)",
                company.id,
                customer_contacts(self.env, partner_ids)[0],
            )
            if company
            else SQL("TRUE")
        )
        same_amount = SQL(  # in the credit's currency first, else in company currency
            """
            CASE WHEN invoice.currency_id = credit.currency_id
                      AND invoice.amount_residual_currency = -credit.amount_residual_currency
                 THEN 2
                 WHEN invoice.amount_residual = -credit.amount_residual THEN 1
                 ELSE 0 END
            """
        )
        same_reference = SQL("STRPOS(credit.reference, invoice.move_name) > 0")
        return SQL(
            """
            SELECT credit.id, credit.id AS credit_line_id, credit.move_id AS credit_move_id,
                   credit.partner_id, credit.company_id, -credit.amount_residual AS credit_amount,
                   invoice.id AS invoice_line_id, invoice.move_id AS invoice_id,
                   invoice.date_due AS invoice_date_due,
                   invoice.amount_residual AS invoice_residual,
                   LEAST(invoice.amount_residual, -credit.amount_residual) AS applied_amount,
                   -credit.amount_residual >= invoice.amount_residual AS covers_invoice,
                   invoice.match
              FROM (%(open_items)s) credit
             CROSS JOIN LATERAL (
                   SELECT invoice.*,
                          CASE WHEN %(same_amount)s > 0 THEN 'amount'
                               WHEN %(same_reference)s THEN 'reference'
                               ELSE 'oldest' END AS match
                     FROM (%(open_items)s) invoice
                    WHERE invoice.partner_id = credit.partner_id
                      AND invoice.company_id = credit.company_id
                      AND invoice.account_id = credit.account_id
                      AND invoice.amount_residual > 0
                    ORDER BY %(same_amount)s DESC, %(same_reference)s DESC,
                             invoice.date_due, invoice.id
                    LIMIT 1
             ) invoice
             WHERE credit.amount_residual < 0
            """,
            open_items=self._open_items(customers),
            same_amount=same_amount,
            same_reference=same_reference,
        )

    def action_apply(self):
        """Apply each credit to its invoice, as the invoice's outstanding-credits widget does,
        with a note on the invoice. A row settled meanwhile (another credit of the selection
        went to the same invoice) is passed over and told."""
        settled = []
        for suggestion in self:
            invoice, credit = suggestion.invoice_id, suggestion.credit_line_id
            if credit.reconciled or invoice.payment_state in ("paid", "in_payment", "reversed"):
                settled.append(credit.move_id.display_name)
                continue
            invoice.js_assign_outstanding_line(credit.id)
            invoice.message_post(
                body=self.env._(
                    "Applied %(credit)s (%(amount)s) from the credits to reconcile.",
                    credit=credit.move_id.display_name,
                    amount=suggestion.currency_id.format(suggestion.applied_amount),
                ),
                subtype_xmlid="mail.mt_note",
            )
        reload = {"type": "ir.actions.client", "tag": "soft_reload"}
        if not settled:
            return reload
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning",
                "message": self.env._(
                    "Not applied, their invoice was settled meanwhile: %(credits)s.",
                    credits=", ".join(settled),
                ),
                "next": reload,
            },
        }
