from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.receivables import (
    AGING_BUCKETS,
    OVERDUE_ITEM,
    aging_bucket_sums,
    open_items_as_of,
    receivable_items,
)

HISTORY_MONTHS = 12  # months kept back, and of sales read for the count-back DSO
DSO_MONTHS = 3  # the period of the standard and best possible DSO
LATE_BUCKETS = AGING_BUCKETS[1:]
# Summed per customer, then per slice: the figures the ratios are computed from.
SUMMED = [
    "receivable_amount",
    "begin_receivable_amount",
    "current_amount",
    "overdue_amount",
    *(name for name, _first, _last in LATE_BUCKETS),
    "disputed_amount",
    "credit_sales",
    "dso_sales",
    "cash_collected",
    "discounts_taken",
    "fell_due",
    "promised_amount",
    "plan_amount",
    "promises_kept",
    "promises_due",
]
SLICES = [
    ("company", "Company"),
    ("salesperson", "Salesperson"),
    ("collector", "Collector"),
    ("category", "Category"),
]
# Each slice but the company's groups the customers by one column.
SLICE_COLUMNS = {
    "salesperson": "salesperson_id",
    "collector": "collector_id",
    "category": "category_id",
}


class CreditCollectionKpi(models.Model):
    """Collection KPIs of a company for one month, stored by the nightly run.

    One row per month for the company as a whole, one per salesperson, collector and delinquency
    category (``slice``): ratios do not add up, so each slice has its figures computed, and a
    pivot shows one slice at a time. A month's rows are rewritten every night until the month
    is over, then kept (``final``): trends show without recomputing the past. Receivables are
    the ledger as it stood at the end of the month (see ``open_items_as_of``), in company
    currency; collector and category are the customers' when the row was written.
    """

    _name = "credit.collection.kpi"
    _description = "Collection KPIs by Month"
    _order = "month desc, slice, id"
    _rec_name = "month"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, index=True, ondelete="cascade"
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, readonly=True, help="The first day of the month.")
    date_end = fields.Date(
        string="As of", readonly=True, help="The month's last day, or today for this month."
    )
    final = fields.Boolean(readonly=True, help="The month is over: its figures are kept.")
    slice = fields.Selection(SLICES, required=True, readonly=True)
    salesperson_id = fields.Many2one(
        "res.users", readonly=True, help="The customer's salesperson when the row was written."
    )
    collector_id = fields.Many2one("res.users", readonly=True)
    category_id = fields.Many2one(
        "credit.delinquency.category", string="Delinquency Category", readonly=True
    )
    receivable_amount = fields.Monetary(
        string="Receivables", readonly=True, help="Open receivables at the end of the month."
    )
    begin_receivable_amount = fields.Monetary(
        string="Receivables at Start", readonly=True, help="Open receivables a month before."
    )
    current_amount = fields.Monetary(
        string="Not Due", readonly=True, help="Open receivables not yet due at month end."
    )
    overdue_amount = fields.Monetary(
        string="Overdue",
        readonly=True,
        help="Amounts owed past their due date at month end, disputed items left out.",
    )
    amount_late_1_30 = fields.Monetary(string="1-30", readonly=True)
    amount_late_31_60 = fields.Monetary(string="31-60", readonly=True)
    amount_late_61_90 = fields.Monetary(string="61-90", readonly=True)
    amount_late_91_120 = fields.Monetary(string="91-120", readonly=True)
    amount_late_120_plus = fields.Monetary(string="120+", readonly=True)
    disputed_amount = fields.Monetary(
        string="Disputed", readonly=True, help="Open items under dispute at month end."
    )
    credit_sales = fields.Monetary(
        readonly=True, help="Customer invoices less credit notes dated in the month."
    )
    dso_sales = fields.Monetary(
        string="Sales of the DSO Period",
        readonly=True,
        help=f"Credit sales of the {DSO_MONTHS} months ending with this one.",
    )
    cash_collected = fields.Monetary(
        readonly=True,
        help="Payments and bank receipts on the receivable accounts dated in the month.",
    )
    discounts_taken = fields.Monetary(
        readonly=True,
        help="Early-payment discounts customers took on their payments dated in the month, "
        "as booked on the discount account (taxes' share aside).",
    )
    fell_due = fields.Monetary(readonly=True, help="Customer invoices due in the month.")
    promised_amount = fields.Monetary(
        string="Under Promise",
        readonly=True,
        help="Promises made by the end of the month and due after it, cancelled ones aside.",
    )
    plan_amount = fields.Monetary(
        string="Under Payment Plan",
        readonly=True,
        help="Instalments due after the end of the month, of plans made by then and not cancelled.",
    )
    promises_kept = fields.Integer(readonly=True, help="Promises due in the month, kept.")
    promises_due = fields.Integer(readonly=True, help="Promises due in the month, kept or broken.")
    dso = fields.Float(
        string="DSO",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Days sales outstanding: receivables at month end / sales of the DSO period x its "
        "days.",
    )
    countback_dso = fields.Float(
        string="Count-back DSO",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="The days of the latest months whose sales make up the receivables at month end: "
        "whole months back from this one, then the share of the last month needed (twelve "
        "months at most).",
    )
    best_dso = fields.Float(
        string="Best Possible DSO",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Receivables not yet due / sales of the DSO period x its days.",
    )
    days_delinquent = fields.Float(
        string="Average Days Delinquent",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="DSO less best possible DSO.",
    )
    cei = fields.Float(
        string="CEI (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Collection effectiveness index: (receivables at start + credit sales - "
        "receivables at end) / (receivables at start + credit sales - not due at end) x 100.",
    )
    overdue_share = fields.Float(
        string="Overdue (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Overdue / receivables at month end x 100.",
    )
    promises_kept_rate = fields.Float(
        string="Promises Kept (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Promises due in the month that were kept / those kept or broken x 100.",
    )
    collected_share = fields.Float(
        string="Collected / Fell Due (%)",
        digits=(16, 1),
        readonly=True,
        aggregator="avg",
        help="Cash collected / invoices that fell due in the month x 100.",
    )

    _month_slice_unique = models.UniqueIndex(
        "(company_id, month, slice, COALESCE(salesperson_id, 0), COALESCE(collector_id, 0),"
        " COALESCE(category_id, 0))"
    )

    @api.model
    def _cron_snapshot(self):
        """Nightly: every company's months not yet kept, the last twelve at most."""
        for company in self.env["res.company"].search([("chart_template", "!=", False)]):
            self._snapshot(company)
            if not self.env["ir.cron"]._commit_progress(1):
                return

    @api.model
    def _snapshot(self, company, today=None):
        """Write ``company``'s rows of the months not kept yet (this one included); a system
        job's, whoever starts it."""
        kpis = self.sudo()
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        this_month = today.replace(day=1)
        kept = set(
            kpis.search([("company_id", "=", company.id), ("final", "=", True)]).mapped("month")
        )
        for back in range(HISTORY_MONTHS, -1, -1):
            month = this_month - relativedelta(months=back)
            if month not in kept:
                kpis._write_month(company, month, today)

    def _write_month(self, company, month, today):
        month_end = month + relativedelta(months=1, days=-1)
        final = month_end < today
        date_end = month_end if final else today
        self.search([("company_id", "=", company.id), ("month", "=", month)]).unlink()
        values = []
        for row in self._slice_figures(company, month, date_end):
            monthly_sales = row.pop("monthly_sales")
            values.append(
                {
                    "company_id": company.id,
                    "month": month,
                    "date_end": date_end,
                    "final": final,
                    **row,
                    **self._ratios(row, monthly_sales, month, date_end),
                }
            )
        self.create(values)

    @api.model
    def _ratios(self, row, monthly_sales, month, date_end):
        """The KPIs of a slice from its summed figures (see the fields' help)."""
        period_start = month - relativedelta(months=DSO_MONTHS - 1)
        period_days = (date_end - period_start).days + 1
        sales = row["dso_sales"]
        dso = row["receivable_amount"] / sales * period_days if sales > 0 else 0.0
        best = row["current_amount"] / sales * period_days if sales > 0 else 0.0
        opening = row["begin_receivable_amount"] + row["credit_sales"]
        collectible = opening - row["current_amount"]
        return {
            "dso": dso,
            "best_dso": best,
            "days_delinquent": dso - best,
            "countback_dso": self._countback_dso(
                row["receivable_amount"], monthly_sales, month, date_end
            ),
            "cei": (opening - row["receivable_amount"]) / collectible * 100
            if collectible > 0
            else 0.0,
            "overdue_share": _share(row["overdue_amount"], row["receivable_amount"]),
            "promises_kept_rate": _share(row["promises_kept"], row["promises_due"]),
            "collected_share": _share(row["cash_collected"], row["fell_due"]),
        }

    @staticmethod
    def _countback_dso(receivables, monthly_sales, month, date_end):
        """``monthly_sales`` from this month back; each month's days, this one to ``date_end``."""
        days = 0.0
        for back, sales in enumerate(monthly_sales):
            start = month - relativedelta(months=back)
            end = date_end if back == 0 else start + relativedelta(months=1, days=-1)
            month_days = (end - start).days + 1
            if receivables <= 0:
                break
            if sales <= 0 or receivables >= sales:
                days += month_days
                receivables -= max(sales, 0)
            else:
                days += receivables / sales * month_days
                receivables = 0
        return days

    def _slice_figures(self, company, month, date_end):
        """One dict per slice: the summed figures, and ``monthly_sales`` (this month back)."""
        sums = SQL(", ").join(
            SQL("COALESCE(SUM(%s), 0) AS %s", SQL.identifier(name), SQL.identifier(name))
            for name in SUMMED
        )
        monthly = SQL(", ").join(
            SQL("COALESCE(SUM(%s), 0)", SQL.identifier(f"sales_{back}"))
            for back in range(HISTORY_MONTHS)
        )
        rows = self.env.execute_query_dict(
            SQL(
                """
                WITH customers AS (%(customers)s)
                SELECT %(grouped)s, %(columns)s, %(sums)s, ARRAY[%(monthly)s] AS monthly_sales
                  FROM customers
                 GROUP BY GROUPING SETS ((), %(sets)s)
                """,
                customers=self._customer_figures(company, month, date_end),
                grouped=SQL(", ").join(
                    SQL("GROUPING(%s) = 0 AS %s", SQL.identifier(column), SQL.identifier(slice_))
                    for slice_, column in SLICE_COLUMNS.items()
                ),
                columns=SQL(", ").join(map(SQL.identifier, SLICE_COLUMNS.values())),
                sums=sums,
                monthly=monthly,
                sets=SQL(", ").join(
                    SQL("(%s)", SQL.identifier(column)) for column in SLICE_COLUMNS.values()
                ),
            )
        )
        for row in rows:
            grouped_by = [slice_ for slice_ in SLICE_COLUMNS if row.pop(slice_)]
            row["slice"] = grouped_by[0] if grouped_by else "company"
            row["monthly_sales"] = [float(amount) for amount in row["monthly_sales"]]
        return rows

    def _customer_figures(self, company, month, date_end):
        """SQL: per customer, the figures summed into the slices, with its salesperson, and its
        collector and category in the follow-up."""
        ctes = {
            "at_end": self._receivables_at_end(company, date_end),
            "at_begin": SQL(
                "SELECT partner_id, SUM(amount_residual) AS begin_receivable_amount"
                "  FROM (%s) items GROUP BY partner_id",
                open_items_as_of(company, month - relativedelta(days=1)),
            ),
            "sales": self._credit_sales(company, month, date_end),
            "flows": self._cash_flows(company, month, date_end),
            "commitments": self._commitments(company, month, date_end),
            "discounts": self._discounts_taken(company, month, date_end),
        }
        columns = [
            "receivable_amount",
            "current_amount",
            "overdue_amount",
            *(name for name, _first, _last in LATE_BUCKETS),
            "disputed_amount",
        ]
        columns = [SQL("at_end.%s", SQL.identifier(name)) for name in columns]
        columns.append(SQL("at_begin.begin_receivable_amount"))
        columns += [
            SQL("sales.%s", SQL.identifier(name))
            for name in ["credit_sales", "dso_sales"]
            + [f"sales_{back}" for back in range(HISTORY_MONTHS)]
        ]
        columns += [SQL("flows.cash_collected"), SQL("flows.fell_due")]
        columns.append(SQL("discounts.discounts_taken"))
        columns += [
            SQL("commitments.%s", SQL.identifier(name))
            for name in ["promised_amount", "plan_amount", "promises_kept", "promises_due"]
        ]
        return SQL(
            """
            WITH %(ctes)s
            SELECT customer.partner_id, partner.user_id AS salesperson_id, followup.collector_id,
                   COALESCE(followup.category_override_id, followup.category_id) AS category_id,
                   %(columns)s
              FROM (%(customers)s) customer
              %(joins)s
              JOIN res_partner partner ON partner.id = customer.partner_id
              LEFT JOIN credit_followup followup
                     ON followup.partner_id = customer.partner_id
                    AND followup.company_id = %(company_id)s
            """,
            ctes=SQL(", ").join(
                SQL("%s AS (%s)", SQL.identifier(name), query) for name, query in ctes.items()
            ),
            columns=SQL(", ").join(columns),
            customers=SQL(" UNION ").join(
                SQL("SELECT partner_id FROM %s", SQL.identifier(name)) for name in ctes
            ),
            joins=SQL(" ").join(
                SQL(
                    "LEFT JOIN %s ON %s.partner_id = customer.partner_id",
                    SQL.identifier(name),
                    SQL.identifier(name),
                )
                for name in ctes
            ),
            company_id=company.id,
        )

    @staticmethod
    def _receivables_at_end(company, date_end):
        return SQL(
            """
            SELECT partner_id, SUM(amount_residual) AS receivable_amount,
                   SUM(amount_residual) FILTER (WHERE days_late <= 0) AS current_amount,
                   SUM(amount_residual) FILTER (WHERE %(overdue_item)s) AS overdue_amount,
                   SUM(amount_residual) FILTER (WHERE no_followup) AS disputed_amount,
                   %(late_buckets)s
              FROM (SELECT *, %(date_end)s::date - date_due AS days_late
                      FROM (%(items)s) items) items
             GROUP BY partner_id
            """,
            overdue_item=OVERDUE_ITEM,
            late_buckets=aging_bucket_sums(LATE_BUCKETS),
            date_end=date_end,
            items=open_items_as_of(company, date_end),
        )

    @staticmethod
    def _credit_sales(company, month, date_end):
        """Invoices less credit notes, in company currency: the month's, the DSO period's and
        each of the last months' (``sales_0`` this month, ``sales_1`` the one before...)."""
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   SUM(move.amount_total_signed) FILTER (WHERE move.invoice_date >= %(month)s)
                       AS credit_sales,
                   SUM(move.amount_total_signed) FILTER (WHERE move.invoice_date >= %(dso_start)s)
                       AS dso_sales,
                   %(monthly)s
              FROM account_move move
              JOIN res_partner partner ON partner.id = move.partner_id
             WHERE move.company_id = %(company_id)s
               AND move.state = 'posted'
               AND move.move_type IN ('out_invoice', 'out_refund')
               AND move.invoice_date BETWEEN %(history_start)s AND %(date_end)s
             GROUP BY partner.commercial_partner_id
            """,
            month=month,
            dso_start=month - relativedelta(months=DSO_MONTHS - 1),
            monthly=SQL(", ").join(
                SQL(
                    "SUM(move.amount_total_signed) FILTER (WHERE move.invoice_date >= %s"
                    " AND move.invoice_date < %s) AS %s",
                    month - relativedelta(months=back),
                    month - relativedelta(months=back - 1),
                    SQL.identifier(f"sales_{back}"),
                )
                for back in range(HISTORY_MONTHS)
            ),
            company_id=company.id,
            history_start=month - relativedelta(months=HISTORY_MONTHS - 1),
            date_end=date_end,
        )

    @staticmethod
    def _cash_flows(company, month, date_end):
        """What came in (receivable credits of payments and bank receipts, journal entries that
        are not invoices) and what fell due (invoices due) in the month."""
        return SQL(
            """
            SELECT partner_id,
                   -SUM(balance) FILTER (WHERE move_type = 'entry' AND balance < 0
                                         AND date BETWEEN %(month)s AND %(date_end)s)
                       AS cash_collected,
                   SUM(balance) FILTER (WHERE move_type = 'out_invoice'
                                        AND date_due BETWEEN %(month)s AND %(date_end)s)
                       AS fell_due
              FROM (%(items)s) items
             WHERE date >= %(month)s OR date_due >= %(month)s
             GROUP BY partner_id
            """,
            month=month,
            date_end=date_end,
            items=receivable_items(company),
        )

    @staticmethod
    def _discounts_taken(company, month, date_end):
        """What customers' payments dated in the month booked on the company's early-payment
        discount account (Odoo's *Cash Discount Loss*; taxes' share aside)."""
        account = company.account_journal_early_pay_discount_loss_account_id
        return SQL(
            """
            SELECT partner.commercial_partner_id AS partner_id,
                   SUM(line.balance) AS discounts_taken
              FROM account_move_line line
              JOIN account_move move ON move.id = line.move_id
              JOIN res_partner partner ON partner.id = line.partner_id
             WHERE line.company_id = %(company_id)s AND line.account_id = %(account_id)s
               AND move.origin_payment_id IS NOT NULL AND line.parent_state = 'posted'
               AND line.date BETWEEN %(month)s AND %(date_end)s
             GROUP BY partner.commercial_partner_id
            """,
            company_id=company.id,
            account_id=account.id or None,
            month=month,
            date_end=date_end,
        )

    @staticmethod
    def _commitments(company, month, date_end):
        """What was promised at the end of the month (promises made by then and due after it),
        what was scheduled under payment plans (instalments of plans made by then, due after
        it), and the promises due in the month, kept or broken. Cancelled ones are left out."""
        return SQL(
            """
            SELECT partner_id, SUM(promised_amount) AS promised_amount,
                   SUM(plan_amount) AS plan_amount, SUM(promises_kept) AS promises_kept,
                   SUM(promises_due) AS promises_due
              FROM (SELECT followup.partner_id,
                           CASE WHEN promise.create_date < %(next_day)s
                                 AND promise.promise_date > %(date_end)s
                                THEN promise.amount ELSE 0 END AS promised_amount,
                           0 AS plan_amount,
                           (promise.state = 'kept' AND promise.promise_date
                               BETWEEN %(month)s AND %(date_end)s)::int AS promises_kept,
                           (promise.state IN ('kept', 'broken') AND promise.promise_date
                               BETWEEN %(month)s AND %(date_end)s)::int AS promises_due
                      FROM credit_followup_promise promise
                      JOIN credit_followup followup ON followup.id = promise.followup_id
                     WHERE followup.company_id = %(company_id)s AND promise.state != 'cancelled'
                     UNION ALL
                    SELECT followup.partner_id, 0, instalment.amount, 0, 0
                      FROM credit_payment_plan_instalment instalment
                      JOIN credit_payment_plan plan ON plan.id = instalment.plan_id
                      JOIN credit_followup followup ON followup.id = plan.followup_id
                     WHERE followup.company_id = %(company_id)s AND plan.state != 'cancelled'
                       AND plan.create_date < %(next_day)s
                       AND instalment.due_date > %(date_end)s
                   ) commitment
             GROUP BY partner_id
            """,
            month=month,
            date_end=date_end,
            next_day=date_end + relativedelta(days=1),
            company_id=company.id,
        )


def _share(part, whole):
    return part / whole * 100 if whole else 0.0
