from odoo import api, fields, models
from odoo.tools import SQL, split_every

# Aging buckets: (field, first day late, last day late); None is open-ended. Not due is <= 0.
AGING_BUCKETS = [
    ("amount_not_due", None, 0),
    ("amount_late_1_30", 1, 30),
    ("amount_late_31_60", 31, 60),
    ("amount_late_61_90", 61, 90),
    ("amount_late_91_120", 91, 120),
    ("amount_late_120_plus", 121, None),
]


class CreditPartnerRisk(models.Model):
    """The credit figures of one customer (commercial partner) in one company.

    Rows are written only by :meth:`_refresh`, one SQL statement per batch of customers, so that
    the nightly recompute of the whole portfolio stays fast. Amounts are in company currency and
    come from journal items' residuals: partial payments, credit notes, unapplied payments and
    foreign-currency invoices are already reconciled there by Odoo.
    """

    _name = "credit.partner.risk"
    _description = "Customer Credit Risk"
    _order = "exposure desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    computed_on = fields.Date(
        readonly=True, index=True, help="The day the figures were computed for: aging counts to it."
    )
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_late_1_30 = fields.Monetary(string="1-30", readonly=True)
    amount_late_31_60 = fields.Monetary(string="31-60", readonly=True)
    amount_late_61_90 = fields.Monetary(string="61-90", readonly=True)
    amount_late_91_120 = fields.Monetary(string="91-120", readonly=True)
    amount_late_120_plus = fields.Monetary(string="120+", readonly=True)
    open_amount = fields.Monetary(
        string="Open Receivable", readonly=True, help="Residual of posted receivable items."
    )
    overdue_amount = fields.Monetary(
        string="Overdue", readonly=True, help="Open receivable past its due date."
    )
    draft_invoice_amount = fields.Monetary(
        string="Draft Invoices",
        readonly=True,
        help="Draft customer invoices less draft credit notes.",
    )
    uninvoiced_order_amount = fields.Monetary(
        string="Orders to Invoice",
        readonly=True,
        help="Confirmed sale orders, taxes included, not invoiced yet (draft invoices excepted).",
    )
    exposure = fields.Monetary(
        readonly=True, help="Open receivable + draft invoices + confirmed orders not invoiced."
    )

    _partner_company_unique = models.Constraint(
        "UNIQUE (partner_id, company_id)",
        "A customer has one set of credit figures per company.",
    )

    @api.model
    def _refresh(self, company, partner_ids, today=None):
        """Compute and store the figures of the commercial partners ``partner_ids`` in ``company``.

        One statement for the whole batch, whatever the size of the customers' histories.
        """
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        self.env.execute_query(self._refresh_query(company, list(partner_ids), today))
        self.invalidate_model()

    @api.model
    def _cron_refresh(self):
        """Nightly recompute; each batch is committed with the cron's progress report."""
        self._refresh_stale(progress=self.env["ir.cron"]._commit_progress)

    @api.model
    def _refresh_stale(self, progress, batch_size=2000):
        """Refresh every customer of every company not yet computed today, stalest first.

        ``progress(done, remaining=...)`` is called after each batch; it returns a falsy value to
        stop. A run cut short (time limit, crash) leaves the rest stale, so the next run resumes
        with it; a second run the same day has nothing to do.
        """
        today = fields.Date.context_today(self)
        work = [
            (company, self._stale_partner_ids(company, today))
            for company in self.env["res.company"].search([])
        ]
        remaining = sum(len(partner_ids) for _company, partner_ids in work)
        for company, partner_ids in work:
            for batch in split_every(batch_size, partner_ids, list):
                self._refresh(company, batch, today)
                remaining -= len(batch)
                if not progress(len(batch), remaining=remaining):
                    return

    def _stale_partner_ids(self, company, today):
        """Customers with receivable items, draft invoices, orders or figures in ``company``."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                WITH customers AS (
                    SELECT partner.commercial_partner_id AS partner_id
                      FROM account_move_line line
                      JOIN account_account account ON account.id = line.account_id
                      JOIN res_partner partner ON partner.id = line.partner_id
                     WHERE line.company_id = %(company_id)s
                       AND account.account_type = 'asset_receivable'
                     UNION
                    SELECT move.commercial_partner_id
                      FROM account_move move
                     WHERE move.company_id = %(company_id)s
                       AND move.state = 'draft'
                       AND move.move_type IN ('out_invoice', 'out_refund')
                     UNION
                    SELECT partner.commercial_partner_id
                      FROM sale_order sale
                      JOIN res_partner partner ON partner.id = sale.partner_invoice_id
                     WHERE sale.company_id = %(company_id)s AND sale.state = 'sale'
                     UNION
                    SELECT partner_id FROM credit_partner_risk WHERE company_id = %(company_id)s
                )
                SELECT customers.partner_id
                  FROM customers
                  LEFT JOIN credit_partner_risk risk
                         ON risk.partner_id = customers.partner_id
                        AND risk.company_id = %(company_id)s
                 WHERE customers.partner_id IS NOT NULL
                   AND (risk.computed_on IS NULL OR risk.computed_on < %(today)s)
                 ORDER BY risk.computed_on NULLS FIRST, customers.partner_id
                """,
                company_id=company.id,
                today=today,
            )
        )
        return [partner_id for (partner_id,) in rows]

    def _refresh_query(self, company, partner_ids, today):
        bucket_sums = SQL(", ").join(
            SQL(
                "COALESCE(SUM(amount_residual) FILTER (WHERE %s), 0) AS %s",
                self._days_late_condition(first, last),
                SQL.identifier(name),
            )
            for name, first, last in AGING_BUCKETS
        )
        bucket_names = [SQL.identifier(name) for name, _first, _last in AGING_BUCKETS]
        return SQL(
            """
            WITH partners AS (
                SELECT unnest(%(partner_ids)s::int[]) AS partner_id
            ),
            open_items AS (
                SELECT partner.commercial_partner_id AS partner_id,
                       %(today)s::date - COALESCE(line.date_maturity, line.date) AS days_late,
                       line.amount_residual
                  FROM account_move_line line
                  JOIN account_account account ON account.id = line.account_id
                  JOIN res_partner partner ON partner.id = line.partner_id
                 WHERE line.company_id = %(company_id)s
                   AND line.parent_state = 'posted'
                   AND account.account_type = 'asset_receivable'
                   AND NOT line.reconciled
                   AND partner.commercial_partner_id = ANY(%(partner_ids)s)
            ),
            aging AS (
                SELECT partner_id, %(bucket_sums)s,
                       SUM(amount_residual) AS open_amount,
                       COALESCE(SUM(amount_residual) FILTER (WHERE days_late > 0), 0)
                           AS overdue_amount
                  FROM open_items
                 GROUP BY partner_id
            ),
            drafts AS (
                SELECT move.commercial_partner_id AS partner_id,
                       SUM(move.amount_total_signed) AS draft_invoice_amount
                  FROM account_move move
                 WHERE move.company_id = %(company_id)s
                   AND move.state = 'draft'
                   AND move.move_type IN ('out_invoice', 'out_refund')
                   AND move.commercial_partner_id = ANY(%(partner_ids)s)
                 GROUP BY move.commercial_partner_id
            ),
            orders AS (
                SELECT partner.commercial_partner_id AS partner_id,
                       ROUND(SUM(
                           GREATEST(line.product_uom_qty - line.qty_invoiced, 0)
                           * line.price_total / line.product_uom_qty
                           / COALESCE(NULLIF(sale.currency_rate, 0), 1)::numeric
                       ), %(digits)s) AS uninvoiced_order_amount
                  FROM sale_order_line line
                  JOIN sale_order sale ON sale.id = line.order_id
                  JOIN res_partner partner ON partner.id = sale.partner_invoice_id
                 WHERE sale.company_id = %(company_id)s
                   AND sale.state = 'sale'
                   AND line.display_type IS NULL
                   AND line.product_uom_qty > 0
                   AND partner.commercial_partner_id = ANY(%(partner_ids)s)
                 GROUP BY partner.commercial_partner_id
            ),
            figures AS (
                SELECT partners.partner_id,
                       %(bucket_values)s,
                       COALESCE(aging.open_amount, 0) AS open_amount,
                       COALESCE(aging.overdue_amount, 0) AS overdue_amount,
                       COALESCE(drafts.draft_invoice_amount, 0) AS draft_invoice_amount,
                       COALESCE(orders.uninvoiced_order_amount, 0) AS uninvoiced_order_amount
                  FROM partners
                  LEFT JOIN aging ON aging.partner_id = partners.partner_id
                  LEFT JOIN drafts ON drafts.partner_id = partners.partner_id
                  LEFT JOIN orders ON orders.partner_id = partners.partner_id
            )
            INSERT INTO credit_partner_risk (
                partner_id, company_id, computed_on, %(bucket_columns)s, open_amount,
                overdue_amount, draft_invoice_amount, uninvoiced_order_amount, exposure,
                create_uid, create_date, write_uid, write_date
            )
            SELECT partner_id, %(company_id)s, %(today)s, %(bucket_columns)s, open_amount,
                   overdue_amount, draft_invoice_amount, uninvoiced_order_amount,
                   open_amount + draft_invoice_amount + uninvoiced_order_amount,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM figures
            ON CONFLICT (partner_id, company_id) DO UPDATE SET
                computed_on = EXCLUDED.computed_on,
                %(bucket_updates)s,
                open_amount = EXCLUDED.open_amount,
                overdue_amount = EXCLUDED.overdue_amount,
                draft_invoice_amount = EXCLUDED.draft_invoice_amount,
                uninvoiced_order_amount = EXCLUDED.uninvoiced_order_amount,
                exposure = EXCLUDED.exposure,
                write_uid = EXCLUDED.write_uid,
                write_date = EXCLUDED.write_date
            """,
            partner_ids=partner_ids,
            company_id=company.id,
            today=today,
            digits=company.currency_id.decimal_places,
            uid=self.env.uid,
            bucket_sums=bucket_sums,
            bucket_values=SQL(", ").join(
                SQL("COALESCE(aging.%s, 0) AS %s", name, name) for name in bucket_names
            ),
            bucket_columns=SQL(", ").join(bucket_names),
            bucket_updates=SQL(", ").join(
                SQL("%s = EXCLUDED.%s", name, name) for name in bucket_names
            ),
        )

    @staticmethod
    def _days_late_condition(first, last):
        if first is None:
            return SQL("days_late <= %s", last)
        if last is None:
            return SQL("days_late >= %s", first)
        return SQL("days_late BETWEEN %s AND %s", first, last)
