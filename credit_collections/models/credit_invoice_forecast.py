from odoo import api, fields, models
from odoo.tools import SQL

from ..tools.forecast import LARGE_RATIO, credibility, invoice_forecasts

# Paid invoices a delinquency category's customers must have settled between them before its
# delay replaces the portfolio's as the prior of its thinly known customers.
CATEGORY_PRIOR_MIN_INVOICES = 20
# From this share of the prior in a prediction, its reason says so.
PRIOR_WEIGHT_SAID = 0.15

# The columns a refresh writes, as ``invoice_forecasts`` names them.
FORECAST_COLUMNS = [
    "line_id",
    "move_id",
    "partner_id",
    "date_due",
    "amount_residual",
    "paid_count",
    "customer_days_late",
    "recent_paid_count",
    "recent_days_late",
    "usual_amount",
    "size_ratio",
    "large_paid_count",
    "large_days_late",
    "prior_days_late",
    "prior_category_id",
    "prior_weight",
    "promise_date",
    "plan_date",
    "predicted_days_late",
    "predicted_date",
    "due_status",
]


class CreditInvoiceForecast(models.Model):
    """When each open customer invoice is expected to be paid, and why (see
    ``tools/forecast.py``): one row per receivable item, rewritten with its customer's figures,
    read by the cash-in forecast and the invoices."""

    _name = "credit.invoice.forecast"
    _description = "Predicted Payment of an Invoice"
    _order = "predicted_date, id"
    _rec_name = "move_id"

    line_id = fields.Many2one("account.move.line", required=True, readonly=True, ondelete="cascade")
    move_id = fields.Many2one(
        "account.move",
        string="Invoice",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, readonly=True, index=True
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    computed_on = fields.Date(required=True, readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    amount_residual = fields.Monetary(string="Amount Due", readonly=True)
    paid_count = fields.Integer(string="Paid Invoices", readonly=True, aggregator=None)
    customer_days_late = fields.Float(string="Customer's Delay", readonly=True, aggregator=None)
    recent_paid_count = fields.Integer(string="Paid Last Quarter", readonly=True, aggregator=None)
    recent_days_late = fields.Float(string="Last Quarter's Delay", readonly=True, aggregator=None)
    usual_amount = fields.Monetary(
        string="Usual Invoice",
        readonly=True,
        aggregator=None,
        help="The average of the invoices the customer paid.",
    )
    size_ratio = fields.Float(
        string="Size against Usual", readonly=True, aggregator=None, digits=(16, 1)
    )
    large_paid_count = fields.Integer(string="Large Invoices Paid", readonly=True, aggregator=None)
    large_days_late = fields.Float(string="Large Invoices' Delay", readonly=True, aggregator=None)
    prior_days_late = fields.Float(
        string="Prior Delay",
        readonly=True,
        aggregator=None,
        help="What a customer with little history is expected to do: the delay of its "
        "delinquency category when it says enough, else the portfolio's.",
    )
    prior_category_id = fields.Many2one(
        "credit.delinquency.category",
        string="Prior from Category",
        readonly=True,
        help="Empty: the prior is the portfolio's delay.",
    )
    prior_weight = fields.Float(
        string="Weight of the Prior",
        readonly=True,
        aggregator=None,
        help="The prior delay's share in the prediction: larger the fewer invoices the "
        "customer paid, and the more a customer's own delays vary across the portfolio.",
    )
    promise_date = fields.Date(string="Promised For", readonly=True)
    plan_date = fields.Date(
        string="Plan Instalment",
        readonly=True,
        help="The payment plan's instalment that settles this invoice, its unpaid instalments "
        "paying the plan's invoices in due-date order.",
    )
    predicted_days_late = fields.Integer(
        string="Expected Days Late", readonly=True, aggregator="avg"
    )
    predicted_date = fields.Date(string="Expected Payment", readonly=True, index=True)
    warned_on = fields.Date(
        string="Early Warning On",
        readonly=True,
        help="When the collector was warned that this invoice is expected late (kept across "
        "refreshes: once per invoice).",
    )
    due_status = fields.Selection(
        [("overdue", "Overdue"), ("not_due", "Not Due Yet")],
        string="Due",
        readonly=True,
        help="Past its due date, or not, when computed.",
    )
    reason = fields.Char(compute="_compute_reason")

    _line_unique = models.Constraint("UNIQUE (line_id)", "An item has one forecast.")

    @api.depends(
        "paid_count",
        "customer_days_late",
        "recent_paid_count",
        "recent_days_late",
        "usual_amount",
        "size_ratio",
        "large_paid_count",
        "large_days_late",
        "prior_days_late",
        "prior_category_id",
        "prior_weight",
        "promise_date",
        "plan_date",
    )
    def _compute_reason(self):
        for forecast in self:
            forecast.reason = forecast._reason()

    def _reason(self):
        """One line a collector can repeat to the customer."""
        if self.promise_date:
            return self.env._("Promised for %(date)s.", date=self.promise_date)
        if self.plan_date:
            return self.env._(
                "Under a payment plan: settled by its instalment of %(date)s.", date=self.plan_date
            )
        if not self.paid_count:
            return self.env._(
                "No paid invoice yet: %(prior)s pay %(days)s days late on average.",
                prior=self._prior_name(),
                days=round(self.prior_days_late),
            )
        if self.paid_count == 1:
            reason = self.env._(
                "Paid its one invoice %(days)s days late", days=round(self.customer_days_late)
            )
        else:
            reason = self.env._(
                "Pays %(days)s days late on average over %(count)s invoices",
                days=round(self.customer_days_late),
                count=self.paid_count,
            )
        if 0 < self.recent_paid_count < self.paid_count:
            reason += self.env._(
                ", %(days)s over the last quarter", days=round(self.recent_days_late)
            )
        if self.size_ratio >= LARGE_RATIO:
            reason += self._large_invoice_reason()
        if self.prior_weight >= PRIOR_WEIGHT_SAID:
            reason += self.env._(
                "; few invoices, so weighed at %(weight)s%% with the %(days)s days of %(prior)s",
                weight=round(self.prior_weight * 100),
                prior=self._prior_name(),
                days=round(self.prior_days_late),
            )
        return reason + "."

    def _prior_name(self):
        if self.prior_category_id:
            return self.env._(
                "customers in the category %(category)s", category=self.prior_category_id.name
            )
        return self.env._("the portfolio's customers")

    def _large_invoice_reason(self):
        if not self.large_paid_count:
            return self.env._(
                "; a large invoice for this customer (%(ratio)s times its usual), the first "
                "so large",
                ratio=round(self.size_ratio, 1),
            )
        return self.env._(
            "; a large invoice for this customer (%(ratio)s times its usual): its large ones were "
            "paid %(days)s days late",
            ratio=round(self.size_ratio, 1),
            days=round(self.large_days_late),
        )

    @api.model
    def _portfolio_prior(self, company):
        """SQL: the portfolio's delay and credibility constant, as the last nightly run found
        them (``_run_priors``), else from the customers' figures."""
        if known := self._known_priors(company):
            return SQL("SELECT %s::float AS days_late, %s::float AS shrink", *known["portfolio"])
        return self._portfolio_prior_from_figures(company)

    @api.model
    def _category_delays(self, company):
        """SQL: the delinquency categories whose customers paid enough invoices between them,
        with their delay, as the last nightly run found them, else from the figures."""
        if known := self._known_priors(company):
            rows = known["categories"] or [(None, None)]
            return SQL(
                "SELECT * FROM (VALUES %s) AS categories(category_id, days_late)"
                " WHERE category_id IS NOT NULL",
                SQL(", ").join(SQL("(%s::int, %s::float)", *row) for row in rows),
            )
        return self._category_delays_from_figures(company)

    @api.model
    def _known_priors(self, company):
        """The priors the last nightly run kept on the company, if any (see ``_run_priors``)."""
        return company.sudo().credit_forecast_priors

    @api.model
    def _run_priors(self, company, today):
        """Compute the portfolio's prior and the categories' delays from every customer's
        figures and keep them on the company, once a day (the first nightly worker's; the
        others find them): the run's batches, and the customers refreshed alone until the next
        run, read them there. Read in each batch, they would make a run's cost grow with the
        square of the portfolio, and a single customer's refresh with the portfolio (0.8 s at
        100,000 customers)."""
        known = self._known_priors(company)
        if known and known["computed_on"] == str(today):
            return
        [portfolio] = self.env.execute_query(self._portfolio_prior_from_figures(company))
        categories = self.env.execute_query(self._category_delays_from_figures(company))
        company.sudo().credit_forecast_priors = {
            "computed_on": str(today),
            "portfolio": portfolio,
            "categories": categories,
        }

    @api.model
    def _portfolio_prior_from_figures(self, company):
        """SQL: the portfolio's prior from its customers' stored figures (the ledger's own,
        ``tools.forecast.portfolio_prior``, would read the whole history)."""
        return credibility(
            SQL(
                "SELECT paid_invoice_count AS n, avg_days_late AS mean, days_late_spread AS spread"
                " FROM credit_partner_risk WHERE company_id = %s",
                company.id,
            )
        )

    @api.model
    def _category_delays_from_figures(self, company):
        return SQL(
            """
            SELECT COALESCE(followup.category_override_id, followup.category_id) AS category_id,
                   SUM(risk.avg_days_late * risk.paid_invoice_count)
                       / SUM(risk.paid_invoice_count) AS days_late
              FROM credit_followup followup
              JOIN credit_partner_risk risk ON risk.partner_id = followup.partner_id
                                           AND risk.company_id = followup.company_id
             WHERE followup.company_id = %(company_id)s AND risk.paid_invoice_count > 0
               AND COALESCE(followup.category_override_id, followup.category_id) IS NOT NULL
             GROUP BY 1
            HAVING SUM(risk.paid_invoice_count) >= %(min_invoices)s
            """,
            company_id=company.id,
            min_invoices=CATEGORY_PRIOR_MIN_INVOICES,
        )

    @api.model
    def _category_priors(self, company, partner_ids):
        """SQL: for those of these customers whose delinquency category (automatic or set by
        hand) has paid enough invoices between its customers, the category and its delay."""
        return SQL(
            """
            SELECT followup.partner_id, categories.category_id, categories.days_late
              FROM credit_followup followup
              JOIN (%(categories)s) categories
                ON categories.category_id
                   = COALESCE(followup.category_override_id, followup.category_id)
             WHERE followup.company_id = %(company_id)s
               AND followup.partner_id = ANY(%(partner_ids)s)
            """,
            categories=self._category_delays(company),
            company_id=company.id,
            partner_ids=list(partner_ids),
        )

    @api.model
    def _forecast_query(self, company, partner_ids, today):
        """SQL: the forecasts of these customers' open invoices (``invoice_forecasts``)."""
        return invoice_forecasts(
            company,
            today,
            self._portfolio_prior(company),
            partner_ids,
            self._category_priors(company, partner_ids),
        )

    @api.model
    def _refresh(self, company, partner_ids, today):
        """Rewrite the forecasts of these customers' open invoices, in one statement."""
        columns = SQL(", ").join(map(SQL.identifier, FORECAST_COLUMNS))
        self.env.execute_query(
            SQL(
                """
                WITH fresh AS MATERIALIZED (%(forecasts)s),
                written AS (
                    INSERT INTO credit_invoice_forecast (company_id, computed_on, %(columns)s)
                    SELECT %(company_id)s, %(today)s, %(columns)s FROM fresh
                    ON CONFLICT (line_id) DO UPDATE SET computed_on = EXCLUDED.computed_on,
                        %(updates)s
                    RETURNING 1
                )
                DELETE FROM credit_invoice_forecast forecast
                 WHERE forecast.company_id = %(company_id)s
                   AND forecast.partner_id = ANY(%(partner_ids)s)
                   AND forecast.line_id NOT IN (SELECT line_id FROM fresh)
                """,
                forecasts=self._forecast_query(company, partner_ids, today),
                columns=columns,
                updates=SQL(", ").join(
                    SQL("%s = EXCLUDED.%s", SQL.identifier(name), SQL.identifier(name))
                    for name in FORECAST_COLUMNS
                ),
                company_id=company.id,
                today=today,
                partner_ids=list(partner_ids),
            )
        )
        self.invalidate_model()
