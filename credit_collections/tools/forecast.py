"""When each open customer invoice will be paid, from the customer's own ledger: a SQL building
block shared by the stored forecast and its backtest.

For an invoice open at the end of day ``as_of``, the predicted delay (days after its due date) is
the customer's amount-weighted delay over the invoices it settled before then, blended with the
delay of the last quarter when there is one (``RECENT_WEIGHT``), and shrunk towards the
portfolio's delay (``prior``) as a customer with few paid invoices says little: with ``n`` paid
invoices, ``(n * customer + k * prior) / (n + k)``. ``k`` is Bühlmann's credibility constant,
measured on the portfolio (``credibility``): the spread of a customer's own delays against the
spread between customers' average delays. Where customers pay like clockwork but unlike one
another, ``k`` is small and a few invoices say a lot; where each customer's delays vary widely,
``k`` is large. The prior is the delay of the customer's delinquency category when given
(``category_priors``), else the portfolio's. An invoice
at least ``LARGE_RATIO`` times the customer's usual one (the average of those it paid) leans on
how the customer paid its large invoices, if it paid some: ``(m * large + LARGE_SHRINK * own) /
(m + LARGE_SHRINK)`` for ``m`` large paid invoices. An open promise to pay covering the
item gives its date instead; else an active payment plan covering it gives the date of the
instalment that settles it, the plan's unpaid instalments paying its items in due-date order. An
invoice already later than predicted is expected the day after.

The constants were chosen with ``benchmarks/backtest_forecast.py`` on the demo portfolio and the
generator's portfolio with customer habits.
"""

from odoo.tools import SQL

from .receivables import open_items_as_of, receivable_items

RECENT_DAYS = 91  # the "last quarter" of the trend
# Bounds of the credibility constant ``k`` (paid invoices the portfolio's delay is worth
# against a customer's own), and its value when the portfolio cannot tell.
SHRINK_BOUNDS = (0.05, 25)
DEFAULT_SHRINK = 1
RECENT_WEIGHT = 0.5  # the last quarter's share in a customer's delay, when it has paid since
LARGE_RATIO = 1.5  # an invoice this many times the customer's usual one is a large one
LARGE_SHRINK = 1  # paid invoices the customer's overall delay is worth, against its large ones

NO_CATEGORY_PRIORS = SQL(
    "SELECT NULL::int AS partner_id, NULL::int AS category_id, NULL::float AS days_late WHERE FALSE"
)


def paid_history(company, as_of, partner_ids=None):
    """SQL: the customer invoices settled by the end of ``as_of``, one row each, with
    ``partner_id`` (commercial), ``amount`` (settled), ``days_late`` (amount-weighted over its
    settlements) and ``paid_on`` (the last one)."""
    return SQL(
        """
        SELECT item.partner_id, item.move_id, SUM(part.amount) AS amount,
               SUM(part.amount * (part.max_date - item.date_due))
                   / NULLIF(SUM(part.amount), 0) AS days_late,
               MAX(part.max_date) AS paid_on
          FROM (%(items)s) item
          JOIN account_partial_reconcile part ON part.debit_move_id = item.id
         WHERE item.move_type = 'out_invoice' AND item.balance > 0 AND item.reconciled
         GROUP BY item.partner_id, item.move_id
        HAVING MAX(part.max_date) <= %(as_of)s
        """,
        items=receivable_items(company, partner_ids),
        as_of=as_of,
    )


def credibility(customers):
    """SQL: one row, the portfolio's ``days_late`` (weighted by paid invoices) and ``shrink``,
    the credibility constant ``k`` (Bühlmann-Straub's estimate, within ``SHRINK_BOUNDS``).

    :param customers: SQL giving, per customer, ``n`` (paid invoices), ``mean`` (days late)
        and ``spread`` (their standard deviation)
    """
    return SQL(
        """
        WITH stats AS MATERIALIZED (
            SELECT n::float AS n, mean, spread FROM (%(customers)s) customers
             WHERE n > 0 AND mean IS NOT NULL
        ),
        pooled AS (
            SELECT SUM(n) AS total, SUM(n * n) AS squares, COUNT(*) AS customers,
                   SUM(n * mean) / NULLIF(SUM(n), 0) AS grand,
                   SUM((n - 1) * spread ^ 2) FILTER (WHERE n > 1)
                       / NULLIF(SUM(n - 1) FILTER (WHERE n > 1), 0) AS within
              FROM stats
        ),
        between_customers AS (
            SELECT (SUM(stats.n * (stats.mean - pooled.grand) ^ 2)
                    - (pooled.customers - 1) * pooled.within)
                   / NULLIF(pooled.total - pooled.squares / pooled.total, 0) AS variance
              FROM stats CROSS JOIN pooled
             GROUP BY pooled.total, pooled.squares, pooled.customers, pooled.grand, pooled.within
        )
        SELECT COALESCE(pooled.grand, 0) AS days_late,
               CASE WHEN pooled.within IS NULL OR between_customers.variance IS NULL
                    THEN %(default)s
                    ELSE LEAST(GREATEST(pooled.within
                                        / GREATEST(between_customers.variance, 1e-9), %(low)s),
                               %(high)s) END AS shrink
          FROM pooled LEFT JOIN between_customers ON TRUE
        """,
        customers=customers,
        default=DEFAULT_SHRINK,
        low=SHRINK_BOUNDS[0],
        high=SHRINK_BOUNDS[1],
    )


def portfolio_prior(company, as_of):
    """SQL: ``credibility`` of every customer's invoices settled by ``as_of``."""
    return credibility(
        SQL(
            """
            SELECT COUNT(*) AS n, SUM(amount * days_late) / NULLIF(SUM(amount), 0) AS mean,
                   STDDEV_SAMP(days_late) AS spread
              FROM (%s) paid
             GROUP BY partner_id
            """,
            paid_history(company, as_of),
        )
    )


def invoice_forecasts(company, as_of, prior, partner_ids=None, category_priors=NO_CATEGORY_PRIORS):
    """SQL: one row per receivable item of a customer invoice open at the end of ``as_of``:
    ``line_id``, ``move_id``, ``partner_id``, ``date_due``, ``amount_residual`` (then, company
    currency); the customer's ``paid_count``, ``customer_days_late``, ``recent_paid_count``,
    ``recent_days_late``, ``usual_amount``, ``large_paid_count`` and ``large_days_late``; the
    item's ``size_ratio`` (its amount against the usual); ``prior_days_late``,
    ``prior_category_id`` (empty: the portfolio's) and ``prior_weight`` (its share in the
    prediction), ``promise_date``, ``plan_date``,
    ``predicted_days_late``, ``predicted_date`` and ``due_status`` (``overdue`` when due before
    then).

    :param prior: SQL giving the portfolio's ``days_late`` and ``shrink`` (``credibility``)
    :param category_priors: SQL giving ``partner_id``, ``category_id`` and ``days_late``: the
        delay of the category of those customers whose category says enough
    """
    return SQL(
        """
        WITH paid AS MATERIALIZED (%(paid)s),
        -- Once: pulled up into its references, the portfolio's delay was computed for each.
        prior AS MATERIALIZED (
            SELECT days_late::float AS days_late, shrink::float AS shrink FROM (%(prior)s) prior
        ),
        category_priors AS (%(category_priors)s),
        sized AS (
            SELECT paid.*,
                   amount >= %(large_ratio)s * AVG(amount) OVER (PARTITION BY partner_id) AS large
              FROM paid
        ),
        customers AS (
            SELECT partner_id, COUNT(*) AS paid_count,
                   COUNT(*) FILTER (WHERE paid_on > %(recent_start)s) AS recent_paid_count,
                   SUM(amount * days_late) / NULLIF(SUM(amount), 0) AS customer_days_late,
                   SUM(amount * days_late) FILTER (WHERE paid_on > %(recent_start)s)
                       / NULLIF(SUM(amount) FILTER (WHERE paid_on > %(recent_start)s), 0)
                       AS recent_days_late,
                   AVG(amount) AS usual_amount,
                   COUNT(*) FILTER (WHERE large) AS large_paid_count,
                   SUM(amount * days_late) FILTER (WHERE large)
                       / NULLIF(SUM(amount) FILTER (WHERE large), 0) AS large_days_late
              FROM sized
             GROUP BY partner_id
        ),
        open_items AS (
            SELECT id AS line_id, move_id, partner_id, date_due, amount_residual, balance
              FROM (%(open_items)s) items
             WHERE move_type = 'out_invoice' AND amount_residual > 0
        ),
        promised AS (
            SELECT rel.line_id, MIN(promise.promise_date) AS promise_date
              FROM credit_followup_promise_line_rel rel
              JOIN credit_followup_promise promise ON promise.id = rel.promise_id
             WHERE promise.state = 'open' AND promise.promise_date > %(as_of)s
               AND promise.create_date < %(as_of)s::date + 1
             GROUP BY rel.line_id
        ),
        planned_items AS (
            SELECT rel.line_id, rel.plan_id,
                   SUM(open_items.amount_residual) OVER (
                       PARTITION BY rel.plan_id ORDER BY open_items.date_due, open_items.line_id
                   ) AS owed_through
              FROM credit_payment_plan_line_rel rel
              JOIN credit_payment_plan plan ON plan.id = rel.plan_id
              JOIN open_items ON open_items.line_id = rel.line_id
             WHERE plan.state = 'active' AND plan.create_date < %(as_of)s::date + 1
        ),
        schedule AS (
            SELECT plan_id, due_date,
                   SUM(amount) OVER (PARTITION BY plan_id ORDER BY due_date, id) AS paid_through
              FROM credit_payment_plan_instalment
             WHERE paid IS NOT TRUE AND plan_id IN (SELECT plan_id FROM planned_items)
        ),
        planned AS (
            SELECT DISTINCT ON (planned_items.line_id) planned_items.line_id,
                   GREATEST(schedule.due_date, %(as_of)s::date + 1) AS plan_date
              FROM planned_items
              JOIN schedule ON schedule.plan_id = planned_items.plan_id
                           AND schedule.paid_through >= planned_items.owed_through
             ORDER BY planned_items.line_id, schedule.due_date
        ),
        own AS (  -- the customer's own delay for this item, and what the prediction weighs
            SELECT open_items.line_id, open_items.move_id, open_items.partner_id,
                   open_items.date_due, open_items.amount_residual,
                   COALESCE(customers.paid_count, 0) AS paid_count,
                   COALESCE(customers.recent_paid_count, 0) AS recent_paid_count,
                   customers.customer_days_late, customers.recent_days_late,
                   customers.usual_amount, COALESCE(customers.large_paid_count, 0)
                       AS large_paid_count, customers.large_days_late,
                   open_items.balance / NULLIF(customers.usual_amount, 0) AS size_ratio,
                   COALESCE(category_priors.days_late, prior.days_late) AS prior_days_late,
                   category_priors.category_id AS prior_category_id,
                   prior.shrink / (COALESCE(customers.paid_count, 0) + prior.shrink)
                       AS prior_weight,
                   promised.promise_date, planned.plan_date,
                   COALESCE((1 - %(recent_weight)s) * customers.customer_days_late
                            + %(recent_weight)s * COALESCE(customers.recent_days_late,
                                                           customers.customer_days_late), 0)
                       AS trend_days_late
              FROM open_items
              CROSS JOIN prior
              LEFT JOIN customers ON customers.partner_id = open_items.partner_id
              LEFT JOIN category_priors ON category_priors.partner_id = open_items.partner_id
              LEFT JOIN promised ON promised.line_id = open_items.line_id
              LEFT JOIN planned ON planned.line_id = open_items.line_id
        ),
        predicted AS (
            SELECT own.*,
                   ROUND(
                       (1 - prior_weight) * CASE
                            WHEN size_ratio >= %(large_ratio)s AND large_paid_count > 0
                            THEN (large_paid_count * large_days_late
                                  + %(large_shrink)s * trend_days_late)
                                 / (large_paid_count + %(large_shrink)s)
                            ELSE trend_days_late END
                       + prior_weight * prior_days_late
                   )::int AS predicted_days_late
              FROM own
        )
        SELECT predicted.*,
               CASE WHEN date_due < %(as_of)s THEN 'overdue' ELSE 'not_due' END AS due_status,
               COALESCE(promise_date, plan_date,
                        GREATEST(date_due + predicted_days_late, %(as_of)s::date + 1))
                   AS predicted_date
          FROM predicted
        """,
        paid=paid_history(company, as_of, partner_ids),
        open_items=open_items_as_of(company, as_of, partner_ids),
        recent_start=SQL("%s::date - %s", as_of, RECENT_DAYS),
        as_of=as_of,
        recent_weight=RECENT_WEIGHT,
        large_ratio=LARGE_RATIO,
        large_shrink=LARGE_SHRINK,
        prior=prior,
        category_priors=category_priors,
    )
