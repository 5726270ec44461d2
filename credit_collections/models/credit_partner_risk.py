from functools import partial

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import SQL, split_every

from ..tools.receivables import AGING_BUCKETS, OVERDUE_ITEM, aging_bucket_sums, receivable_items
from .concurrent_runs import cron_jobs, run_step
from .credit_risk_policy import GRADES, RISK_FACTORS

RECENT_DAYS = 91  # the "recent quarter" of the payment trend
RECOMPUTE_JOB_CODE = "model._cron_refresh_share()"
# First key of the advisory locks that claim a customer's nightly recompute (plus the company's
# id); the second key is the customer's id.
RECOMPUTE_LOCK_SPACE = 0x43435200
# The figures a refresh stores, besides one penalty per risk factor.
STORED_FIGURES = [
    *(name for name, _first, _last in AGING_BUCKETS),
    "open_amount",
    "overdue_amount",
    "draft_invoice_amount",
    "uninvoiced_order_amount",
    "exposure",
    "avg_days_late",
    "days_late_spread",
    "late_share",
    "paid_invoice_count",
    "oldest_days_late",
    "dispute_count",
    "broken_promise_count",
    "account_age_days",
    "trend_days",
    "avg_monthly_sales",
    "score",
    "grade",
    "suggested_limit",
    "external_score",
]
# Figures kept as they stood on the last day computed before ``computed_on``: what changed since.
PREVIOUS_FIGURES = ["score", "grade", "broken_promise_count"]
# Figures contributed by the layers above (``_figure_contributions``), and their value when none.
CONTRIBUTED_DEFAULTS = {
    "broken_promise_count": SQL("0"),
    "external_score": SQL("NULL::double precision"),
}

# Penalty of each risk factor, from 0 to 1, over the columns of the ``behaviour`` CTE.
PENALTIES = {
    "delay": SQL("LEAST(COALESCE(avg_days_late, 0) / 60.0, 1)"),
    "late_share": SQL("COALESCE(late_share, 0)"),
    "overdue": SQL(
        "CASE WHEN open_amount > 0 THEN LEAST(GREATEST(overdue_amount / open_amount, 0), 1)"
        " ELSE 0 END"
    ),
    "oldest": SQL("LEAST(GREATEST(oldest_days_late, 0) / 120.0, 1)"),
    "disputes": SQL("LEAST(dispute_count / 3.0, 1)"),
    "newness": SQL(
        "CASE WHEN account_age_days IS NULL THEN 1"
        " ELSE GREATEST(180 - account_age_days, 0) / 180.0 END"
    ),
    "trend": SQL("LEAST(GREATEST(COALESCE(trend_days, 0) / 30.0, 0), 1)"),
}


def uninvoiced_order_ctes(company_id, condition, digits, downpayments=True):
    """SQL: the CTEs that end in ``orders``, what the confirmed orders of ``company_id``
    matching ``condition`` (over ``sale`` and its invoiced ``partner``) have not invoiced yet,
    per customer (the invoiced commercial partner), in company currency at the order's rate.

    Each order is rounded on its own, as its invoice will be: the figure grows by exactly its
    order's amount when one more order is confirmed (``_add_confirmed_orders``). Without
    ``downpayments`` (the caller knows the orders have no down payment lines), the query
    leaves out the invoices' tables, and their planning.
    """
    downpayments_select = SQL(
        """
            SELECT line.order_id,
                   SUM(CASE WHEN move.move_type = 'out_refund' THEN -1 ELSE 1 END
                       * invoice_line.price_total) AS amount
              FROM sale_order_line line
              JOIN confirmed_orders ON confirmed_orders.id = line.order_id
              JOIN sale_order_line_invoice_rel rel ON rel.order_line_id = line.id
              JOIN account_move_line invoice_line ON invoice_line.id = rel.invoice_line_id
              JOIN account_move move ON move.id = invoice_line.move_id
             WHERE line.is_downpayment
               AND move.state != 'cancel'
             GROUP BY line.order_id
        """
        if downpayments
        else "SELECT NULL::int AS order_id, 0::numeric AS amount WHERE FALSE"
    )
    return SQL(
        """
        confirmed_orders AS (
            SELECT sale.id, partner.commercial_partner_id AS partner_id,
                   COALESCE(NULLIF(sale.currency_rate, 0), 1)::numeric AS rate
              FROM sale_order sale
              JOIN res_partner partner ON partner.id = sale.partner_invoice_id
             WHERE sale.company_id = %(company_id)s
               AND sale.state = 'sale'
               AND %(condition)s
        ),
        order_uninvoiced AS (  -- ordered, not invoiced yet (order currency)
            SELECT line.order_id,
                   SUM(GREATEST(line.product_uom_qty - line.qty_invoiced, 0)
                       * line.price_total / line.product_uom_qty) AS amount
              FROM sale_order_line line
              JOIN confirmed_orders ON confirmed_orders.id = line.order_id
             WHERE line.display_type IS NULL
               AND line.product_uom_qty > 0
               AND NOT COALESCE(line.is_downpayment, FALSE)
             GROUP BY line.order_id
        ),
        order_downpayments AS (  -- down payments invoiced (drafts too), not yet deducted
            %(downpayments)s
        ),
        orders AS (  -- a down payment is already in the receivable: not counted twice
            SELECT confirmed_orders.partner_id,
                   SUM(ROUND(GREATEST(
                       COALESCE(order_uninvoiced.amount, 0)
                       - COALESCE(order_downpayments.amount, 0), 0
                   ) / confirmed_orders.rate, %(digits)s)) AS uninvoiced_order_amount
              FROM confirmed_orders
              LEFT JOIN order_uninvoiced ON order_uninvoiced.order_id = confirmed_orders.id
              LEFT JOIN order_downpayments ON order_downpayments.order_id = confirmed_orders.id
             GROUP BY confirmed_orders.partner_id
        )
        """,
        company_id=company_id,
        condition=condition,
        digits=digits,
        downpayments=downpayments_select,
    )


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
        string="Overdue",
        readonly=True,
        help="Open receivable past its due date, disputed invoices left out (they stay in the "
        "open amount and the exposure).",
    )
    draft_invoice_amount = fields.Monetary(
        string="Draft Invoices",
        readonly=True,
        help="Draft customer invoices less draft credit notes.",
    )
    uninvoiced_order_amount = fields.Monetary(
        string="Orders to Invoice",
        readonly=True,
        help="Confirmed sale orders, taxes included, not invoiced yet (draft invoices excepted), "
        "less the down payments invoiced on them: those are in the receivable already.",
    )
    exposure = fields.Monetary(
        readonly=True, help="Open receivable + draft invoices + confirmed orders not invoiced."
    )

    avg_days_late = fields.Float(
        string="Average Days Late",
        digits=(16, 1),
        readonly=True,
        aggregator=None,
        help="Days between due date and payment, each payment weighted by its amount, over the "
        "invoices paid in full in the policy's look-back. Early payment counts as zero; credit "
        "notes and write-offs are not payments.",
    )
    days_late_spread = fields.Float(
        string="Spread of Days Late",
        digits=(16, 1),
        readonly=True,
        aggregator=None,
        help="How far the days late of the invoices counted in the average stray from one "
        "another (their standard deviation, unweighted): small for a customer who pays like "
        "clockwork, punctual or not.",
    )
    late_share = fields.Float(
        string="Paid Late",
        readonly=True,
        aggregator=None,
        help="Share of the invoices paid in full in the look-back whose payments came after the "
        "due date (weighted by amount over their instalments). One invoice counts once.",
    )
    paid_invoice_count = fields.Integer(
        string="Paid Invoices",
        readonly=True,
        help="Invoices paid in full by payments in the look-back; an invoice counts once, "
        "whatever its instalments.",
    )
    oldest_days_late = fields.Integer(
        string="Longest Current Delay",
        readonly=True,
        aggregator="max",
        help="Days the oldest overdue item is late; disputed invoices left out.",
    )
    dispute_count = fields.Integer(
        string="Open Disputes",
        readonly=True,
        help="Open invoices excluded from follow-up; an invoice counts once, whatever its "
        "instalments.",
    )
    broken_promise_count = fields.Integer(string="Broken Promises", readonly=True)
    account_age_days = fields.Integer(
        string="Account Age (days)",
        readonly=True,
        aggregator=None,
        help="Days since the first invoice.",
    )
    trend_days = fields.Float(
        string="Trend (days)",
        digits=(16, 1),
        readonly=True,
        aggregator=None,
        help="Average days late over the last quarter less the average before it: "
        "positive when the customer pays later than it used to.",
    )
    avg_monthly_sales = fields.Monetary(
        string="Average Monthly Sales",
        readonly=True,
        help="Posted invoices less credit notes over the look-back, per month.",
    )
    suggested_limit = fields.Monetary(
        readonly=True,
        help="Months of average sales times the grade's multiplier, rounded and kept between "
        "floor and ceiling; the starter limit for young accounts.",
    )
    external_score = fields.Float(
        readonly=True,
        aggregator=None,
        help="The credit bureau's latest verified score, from the KYC checklist.",
    )
    score = fields.Integer(
        readonly=True,
        aggregator=None,
        help="0 to 100: 100 is the safest customer. With a credit bureau score, blended with "
        "it by the policy's external score weight.",
    )
    grade = fields.Selection([(grade, grade) for grade in GRADES], readonly=True, index=True)
    penalty_delay = fields.Float(readonly=True, aggregator=None)
    penalty_late_share = fields.Float(readonly=True, aggregator=None)
    penalty_overdue = fields.Float(readonly=True, aggregator=None)
    penalty_oldest = fields.Float(readonly=True, aggregator=None)
    penalty_disputes = fields.Float(readonly=True, aggregator=None)
    penalty_newness = fields.Float(readonly=True, aggregator=None)
    penalty_trend = fields.Float(readonly=True, aggregator=None)
    previous_score = fields.Integer(
        readonly=True, aggregator=None, help="The score on the last day computed before this one."
    )
    previous_grade = fields.Selection(
        [(grade, grade) for grade in GRADES],
        readonly=True,
        help="The grade on the last day computed before this one.",
    )
    previous_broken_promise_count = fields.Integer(readonly=True, aggregator=None)
    score_points = fields.Json(
        readonly=True,
        help="Points each risk factor cost, with the policy's weights of the day of the score.",
    )
    score_reasons = fields.Text(
        compute="_compute_score_reasons", help="The factors that cost the customer points."
    )

    _partner_company_unique = models.Constraint(
        "UNIQUE (partner_id, company_id)",
        "A customer has one set of credit figures per company.",
    )

    @api.depends("score_points")
    def _compute_score_reasons(self):
        """From the points stored with the score: they explain it even after the policy's
        weights change, and opening a customer does not read the policy."""
        for risk in self:
            points = risk.score_points or {}
            costs = sorted(
                ((points.get(code, 0), self.env._(label)) for code, label in RISK_FACTORS),
                reverse=True,
            )
            risk.score_reasons = "\n".join(
                f"-{lost} {label}" for lost, label in costs if lost
            ) or self.env._("Nothing costs this customer points.")

    def action_open_partner(self):
        """The customer, from its row in the aged receivables."""
        self.ensure_one()
        return self.partner_id._get_records_action(name=self.partner_id.display_name)

    @api.model
    def _refresh(self, company, partner_ids, today=None):
        """Compute and store the figures of the commercial partners ``partner_ids`` in ``company``.

        One statement for the whole batch, whatever the size of the customers' histories.

        :return: the refreshed rows
        """
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        rows = self.env.execute_query(self._refresh_query(company, list(partner_ids), today))
        self.invalidate_model()
        self.env["res.partner"].invalidate_model()  # its credit_* fields read these rows
        risks = self.browse([risk_id for (risk_id,) in rows])
        self.env["credit.partner.risk.history"]._record(risks, today)
        return risks

    @api.model
    def _cron_refresh(self):
        """Nightly recompute; each batch is committed with the cron's progress report. The
        other recompute jobs start alongside and take their share of the batches."""
        for job in self._recompute_jobs():
            job._trigger()
        self._refresh_nightly(self.env["ir.cron"]._commit_progress)

    @api.model
    def _cron_refresh_share(self):
        """A second recompute worker, started by the nightly job (duplicate it for more)."""
        self._refresh_stale(self.env["ir.cron"]._commit_progress)

    def _recompute_jobs(self):
        return cron_jobs(self.env, self._name, RECOMPUTE_JOB_CODE)

    @api.model
    def _refresh_nightly(self, progress):
        """The customers marked stale since their last refresh, then every customer not yet
        computed today."""
        self._refresh_marked(progress)
        self._refresh_stale(progress)

    @api.model
    def _refresh_stale(self, progress, batch_size=2000):
        """Refresh every customer of every company not yet computed today, stalest first;
        several workers share the work (see :meth:`_claim_stale`).

        ``progress(done, remaining=...)`` is called after each batch; it returns a falsy value to
        stop. A run cut short (time limit, crash) leaves the rest stale, so the next run resumes
        with it; a second run the same day has nothing to do.

        :return: the rows this call refreshed
        """
        today = fields.Date.context_today(self)
        work = [
            (company, self._stale_partner_ids(company, today))
            for company in self.env["res.company"].search([("chart_template", "!=", False)])
        ]
        remaining = sum(len(partner_ids) for _company, partner_ids in work)
        refreshed = self.browse()
        for company, partner_ids in work:
            for candidates in split_every(batch_size, partner_ids, list):
                claim_and_refresh = partial(
                    self._claim_and_refresh_stale, company, candidates, today
                )
                refreshed |= run_step(self.env, claim_and_refresh, progress)
                remaining -= len(candidates)
                if not progress(len(candidates), remaining=remaining):
                    return refreshed
        if refreshed:
            self._analyze()
        return refreshed

    def _claim_and_refresh_stale(self, company, candidates, today):
        claimed = self._claim_stale(company, candidates, today)
        return self._refresh_nightly_batch(company, claimed, today) if claimed else self.browse()

    def _claim_stale(self, company, candidates, today):
        """The ``candidates`` still stale in this snapshot that no other worker is refreshing,
        locked for this transaction (an advisory lock per customer and company, released at
        its commit). Workers walk the same list in the same order: each slice goes to the first
        that reaches it, the others pass on to the next. One whose snapshot predates another's
        commit of the same customers collides with it in the upsert and runs again
        (``run_step``), then finds them fresh."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT candidate.partner_id
                  FROM unnest(%(candidates)s::int[]) AS candidate(partner_id)
                  LEFT JOIN credit_partner_risk risk
                         ON risk.partner_id = candidate.partner_id
                        AND risk.company_id = %(company_id)s
                 WHERE CASE WHEN risk.computed_on IS NULL OR risk.computed_on < %(today)s
                            THEN pg_try_advisory_xact_lock(%(lock_space)s, candidate.partner_id)
                            ELSE FALSE END
                """,
                candidates=candidates,
                company_id=company.id,
                today=today,
                lock_space=RECOMPUTE_LOCK_SPACE + company.id,
            )
        )
        return [partner_id for (partner_id,) in rows]

    def _analyze(self):
        """Statistics of the rows just rewritten, for the planner of the jobs that read them
        next (the ladder, the order checks): with stale ones, it expects a handful of rows
        computed today and scans the whole table instead of using the customers' index.
        Autovacuum would get there, later, where it runs at all."""
        self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(self._table)))

    def _refresh_nightly_batch(self, company, partner_ids, today):
        """One batch of the nightly run. The layers above the figures (limit proposals) extend
        it to act on the fresh rows in the same transaction."""
        return self._refresh(company, partner_ids, today)

    def _stale_partner_ids(self, company, today):
        """Customers with receivable items, draft invoices, orders or figures in ``company``."""
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                WITH customers AS (
                    SELECT partner_id FROM (%(receivables)s) receivables
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
                receivables=receivable_items(company),
            )
        )
        return [partner_id for (partner_id,) in rows]

    def _refresh_query(self, company, partner_ids, today):
        """The upsert of a batch: exposure, aging, payment behaviour and score in one statement."""
        policy = self.env["credit.risk.policy"]._for_company(company)
        names = [
            *STORED_FIGURES,
            *(f"penalty_{code}" for code, _label in RISK_FACTORS),
            "score_points",
        ]
        columns = SQL(", ").join(SQL.identifier(name) for name in names)
        contributed = self._contributed_sql(company, partner_ids, today, policy)
        return SQL(
            """
            WITH partners AS (
                SELECT unnest(%(partner_ids)s::int[]) AS partner_id
            ),
            %(figure_ctes)s,
            %(contributed_ctes)s
            behaviour AS (%(behaviour)s),
            penalized AS (
                SELECT behaviour.*, %(penalties)s FROM behaviour
            ),
            scored AS (
                SELECT penalized.*, %(score)s AS score, %(points)s AS score_points
                  FROM penalized
            )
            INSERT INTO credit_partner_risk (
                partner_id, company_id, computed_on, %(columns)s,
                create_uid, create_date, write_uid, write_date
            )
            SELECT partner_id, %(company_id)s, %(today)s, %(columns)s,
                   %(uid)s, NOW() AT TIME ZONE 'UTC', %(uid)s, NOW() AT TIME ZONE 'UTC'
              FROM (
                  SELECT graded.*, %(suggested_limit)s AS suggested_limit
                    FROM (SELECT scored.*, %(grade)s AS grade FROM scored) AS graded
              ) AS limited
            ON CONFLICT (partner_id, company_id) DO UPDATE SET
                computed_on = EXCLUDED.computed_on,
                %(previous)s,
                %(updates)s,
                write_uid = EXCLUDED.write_uid,
                write_date = EXCLUDED.write_date
            RETURNING id
            """,
            partner_ids=partner_ids,
            company_id=company.id,
            today=today,
            uid=self.env.uid,
            figure_ctes=self._figure_ctes(company, partner_ids, today, policy),
            contributed_ctes=contributed["contributed_ctes"],
            behaviour=self._behaviour_select(today, contributed),
            penalties=SQL(", ").join(
                SQL("%s AS %s", PENALTIES[code], SQL.identifier(f"penalty_{code}"))
                for code, _label in RISK_FACTORS
            ),
            score=self._score_expression(policy),
            points=self._points_expression(policy),
            grade=self._grade_case(policy),
            suggested_limit=self._suggested_limit_expression(policy),
            columns=columns,
            updates=SQL(", ").join(
                SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                for name in names
            ),
            previous=self._previous_updates(),
        )

    @staticmethod
    def _previous_updates():
        """SQL of the upsert: on the first refresh of a day, the figures being replaced become
        the previous ones; later refreshes that day keep them."""
        return SQL(", ").join(
            SQL(
                """
                %(previous)s = CASE WHEN credit_partner_risk.computed_on < EXCLUDED.computed_on
                                    THEN credit_partner_risk.%(name)s
                                    ELSE credit_partner_risk.%(previous)s END
                """,
                previous=SQL.identifier(f"previous_{name}"),
                name=SQL.identifier(name),
            )
            for name in PREVIOUS_FIGURES
        )

    @staticmethod
    def _behaviour_select(today, contributed):
        """SQL: one row of raw figures per customer of the batch, from the figure CTEs."""
        return SQL(
            """
            SELECT partners.partner_id,
                   %(bucket_values)s,
                   COALESCE(aging.open_amount, 0) AS open_amount,
                   COALESCE(aging.overdue_amount, 0) AS overdue_amount,
                   COALESCE(drafts.draft_invoice_amount, 0) AS draft_invoice_amount,
                   COALESCE(orders.uninvoiced_order_amount, 0) AS uninvoiced_order_amount,
                   COALESCE(aging.open_amount, 0) + COALESCE(drafts.draft_invoice_amount, 0)
                       + COALESCE(orders.uninvoiced_order_amount, 0) AS exposure,
                   payments.avg_days_late,
                   payments.days_late_spread,
                   payments.late_share,
                   COALESCE(payments.paid_invoice_count, 0) AS paid_invoice_count,
                   GREATEST(COALESCE(aging.oldest_days_late, 0), 0) AS oldest_days_late,
                   COALESCE(aging.dispute_count, 0) AS dispute_count,
                   %(contributed_values)s,
                   %(today)s::date - history.first_invoice_date AS account_age_days,
                   payments.recent_days_late - payments.earlier_days_late AS trend_days,
                   COALESCE(sales.avg_monthly_sales, 0) AS avg_monthly_sales
              FROM partners
              LEFT JOIN aging ON aging.partner_id = partners.partner_id
              LEFT JOIN drafts ON drafts.partner_id = partners.partner_id
              LEFT JOIN orders ON orders.partner_id = partners.partner_id
              LEFT JOIN payments ON payments.partner_id = partners.partner_id
              LEFT JOIN history ON history.partner_id = partners.partner_id
              LEFT JOIN sales ON sales.partner_id = partners.partner_id
              %(contributed_joins)s
            """,
            bucket_values=SQL(", ").join(
                SQL("COALESCE(aging.%s, 0) AS %s", name, name)
                for name in (SQL.identifier(name) for name, _first, _last in AGING_BUCKETS)
            ),
            contributed_values=contributed["contributed_values"],
            contributed_joins=contributed["contributed_joins"],
            today=today,
        )

    @staticmethod
    def _score_expression(policy):
        """SQL over the penalized figures: 100 less the points the penalties cost, blended
        with the credit bureau's score when there is one, kept within 0-100."""
        points_lost = SQL(" + ").join(
            SQL("%s * %s", weight, SQL.identifier(f"penalty_{code}"))
            for code, weight in policy._weights().items()
        )
        return SQL(
            """
            GREATEST(0, LEAST(100, ROUND(
                CASE WHEN external_score IS NULL THEN 100 - (%(points_lost)s)
                     ELSE (100 - %(external_weight)s) / 100.0 * (100 - (%(points_lost)s))
                          + %(external_weight)s / 100.0 * external_score
                END
            )))::int
            """,
            points_lost=points_lost,
            external_weight=policy.external_score_weight,
        )

    @staticmethod
    def _points_expression(policy):
        """SQL over the penalized figures: ``{factor: points lost}``, whole points."""
        return SQL(
            "jsonb_build_object(%s)",
            SQL(", ").join(
                SQL("%s, ROUND(%s * %s)::int", code, weight, SQL.identifier(f"penalty_{code}"))
                for code, weight in policy._weights().items()
            ),
        )

    def _figure_contributions(self, company, partner_ids, today, policy):
        """Figures the layers above contribute to the risk, each ``{column: (CTE name, CTE,
        value)}``: the CTE gives one row per ``partner_id``, the value reads it. The follow-up
        adds its broken commitments, KYC its bureau score, each from its own file; without
        them a column takes its ``CONTRIBUTED_DEFAULTS``."""
        return {}

    @staticmethod
    def _lookback_start(today, policy):
        """The first day of the payment history the figures read."""
        return today - relativedelta(months=policy.lookback_months)

    def _contributed_sql(self, company, partner_ids, today, policy):
        contributions = self._figure_contributions(company, partner_ids, today, policy)
        ctes = {name: cte for name, cte, _value in contributions.values()}
        return {
            "contributed_ctes": SQL("").join(
                SQL("%s AS (%s),", SQL.identifier(name), cte) for name, cte in ctes.items()
            ),
            "contributed_values": SQL(", ").join(
                SQL(
                    "COALESCE(%s, %s) AS %s",
                    contributions[column][2],
                    default,
                    SQL.identifier(column),
                )
                if column in contributions
                else SQL("%s AS %s", default, SQL.identifier(column))
                for column, default in CONTRIBUTED_DEFAULTS.items()
            ),
            "contributed_joins": SQL(" ").join(
                SQL(
                    "LEFT JOIN %s ON %s.partner_id = partners.partner_id",
                    SQL.identifier(name),
                    SQL.identifier(name),
                )
                for name in ctes
            ),
        }

    def _figure_ctes(self, company, partner_ids, today, policy):
        """The CTEs of the figures by partner: the ledger's (``aging``), the payment
        behaviour's (``payments``, ``history``, ``sales``), the exposure's (``drafts``,
        ``orders``)."""
        params = {
            "company_id": company.id,
            "partner_ids": partner_ids,
            "today": today,
            "lookback_start": self._lookback_start(today, policy),
            "lookback_months": policy.lookback_months,
            "recent_start": today - relativedelta(days=RECENT_DAYS),
            "digits": company.currency_id.decimal_places,
            "bucket_sums": aging_bucket_sums(),
            "overdue_item": OVERDUE_ITEM,
            "receivables": receivable_items(company, partner_ids),
        }
        return SQL(",").join(
            [self._ledger_ctes(params), self._behaviour_ctes(params), self._exposure_ctes(params)]
        )

    @staticmethod
    def _ledger_ctes(params):
        """``receivables``, ``open_items`` and ``aging``: what is open, overdue, disputed."""
        return SQL(
            """
            receivables AS (%(receivables)s),
            open_items AS (
                SELECT *, %(today)s::date - date_due AS days_late
                  FROM receivables
                 WHERE NOT reconciled
            ),
            aging AS (
                SELECT partner_id, %(bucket_sums)s,
                       SUM(amount_residual) AS open_amount,
                       COALESCE(SUM(amount_residual) FILTER (WHERE %(overdue_item)s), 0)
                           AS overdue_amount,
                       MAX(days_late) FILTER (WHERE %(overdue_item)s) AS oldest_days_late,
                       COUNT(DISTINCT move_id) FILTER (
                           WHERE no_followup AND amount_residual > 0 AND move_type = 'out_invoice'
                       ) AS dispute_count
                  FROM open_items
                 GROUP BY partner_id
            )
            """,
            **params,
        )

    @staticmethod
    def _behaviour_ctes(params):
        """``payments``, ``history`` and ``sales``: how the customer pays, since when, how much
        it buys."""
        return SQL(
            """
            settled_invoice_items AS (  -- items of invoices with nothing left open; a window,
                                        -- not a join on the CTE that the planner misjudges
                SELECT * FROM (
                    SELECT id, partner_id, move_id, date_due,
                           BOOL_AND(reconciled) OVER (PARTITION BY move_id) AS settled
                      FROM receivables
                     WHERE move_type = 'out_invoice'
                ) items
                 WHERE settled
            ),
            payments_applied AS (  -- payments applied to settled invoices: credit notes and
                                   -- write-offs settle an invoice, they do not pay it
                SELECT items.partner_id, items.move_id, partial.amount,
                       GREATEST(partial.max_date - items.date_due, 0) AS days_late,
                       partial.max_date AS paid_on
                  FROM settled_invoice_items items
                  JOIN account_partial_reconcile partial ON partial.debit_move_id = items.id
                  JOIN account_move_line counterpart ON counterpart.id = partial.credit_move_id
                  JOIN account_move payment ON payment.id = counterpart.move_id
                 WHERE payment.origin_payment_id IS NOT NULL
                    OR payment.statement_line_id IS NOT NULL
            ),
            paid_invoices AS (  -- invoices paid in full: each one its payments weighted by amount
                SELECT partner_id, move_id,
                       SUM(amount) AS paid_amount,
                       SUM(amount * days_late) / NULLIF(SUM(amount), 0) AS days_late,
                       MAX(paid_on) AS paid_on
                  FROM payments_applied
                 GROUP BY partner_id, move_id
                HAVING MAX(paid_on) >= %(lookback_start)s
            ),
            payments AS (
                SELECT partner_id,
                       SUM(paid_amount * days_late) / NULLIF(SUM(paid_amount), 0)
                           AS avg_days_late,
                       STDDEV_SAMP(days_late) AS days_late_spread,
                       COUNT(*) FILTER (WHERE days_late > 0)::float / COUNT(*) AS late_share,
                       COUNT(*) AS paid_invoice_count,
                       SUM(paid_amount * days_late) FILTER (WHERE paid_on >= %(recent_start)s)
                           / NULLIF(SUM(paid_amount) FILTER (WHERE paid_on >= %(recent_start)s),
                                    0) AS recent_days_late,
                       SUM(paid_amount * days_late) FILTER (WHERE paid_on < %(recent_start)s)
                           / NULLIF(SUM(paid_amount) FILTER (WHERE paid_on < %(recent_start)s),
                                    0) AS earlier_days_late
                  FROM paid_invoices
                 GROUP BY partner_id
            ),
            history AS (
                SELECT partner_id, MIN(invoice_date) AS first_invoice_date
                  FROM receivables
                 WHERE move_type = 'out_invoice'
                 GROUP BY partner_id
            ),
            sales AS (
                SELECT partner_id, SUM(balance) / %(lookback_months)s AS avg_monthly_sales
                  FROM receivables
                 WHERE move_type IN ('out_invoice', 'out_refund')
                   AND invoice_date >= %(lookback_start)s
                 GROUP BY partner_id
            )
            """,
            **params,
        )

    @staticmethod
    def _exposure_ctes(params):
        """``drafts`` and ``orders``: draft invoices and what is ordered, not invoiced yet."""
        orders_of_batch = SQL("partner.commercial_partner_id = ANY(%s)", params["partner_ids"])
        return SQL(
            """
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
            %(order_ctes)s
            """,
            **params,
            order_ctes=uninvoiced_order_ctes(
                params["company_id"], orders_of_batch, params["digits"]
            ),
        )

    @staticmethod
    def _suggested_limit_expression(policy):
        multiplier = SQL(
            "CASE grade %s END",
            SQL(" ").join(
                SQL("WHEN %s THEN %s", grade, factor)
                for grade, factor in policy._limit_multipliers().items()
            ),
        )
        limit = SQL(
            "GREATEST(%s, ROUND((avg_monthly_sales * %s * %s / %s)::numeric) * %s)",
            policy.limit_floor,
            policy.limit_sales_months,
            multiplier,
            policy.limit_rounding,
            policy.limit_rounding,
        )
        if policy.limit_ceiling:
            limit = SQL("LEAST(%s, %s)", policy.limit_ceiling, limit)
        return SQL(
            "CASE WHEN account_age_days IS NULL OR account_age_days < %s THEN %s ELSE %s END",
            policy.starter_days,
            policy.starter_limit,
            limit,
        )

    @staticmethod
    def _grade_case(policy):
        thresholds = policy._grade_thresholds()
        return SQL(
            "CASE %s ELSE %s END",
            SQL(" ").join(
                SQL("WHEN score >= %s THEN %s", minimum, grade)
                for grade, minimum in zip(GRADES, thresholds, strict=False)
            ),
            GRADES[-1],
        )
