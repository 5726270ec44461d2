import math
from urllib.parse import urlsplit

from odoo import api, fields, models, tools
from odoo.exceptions import ValidationError

from ..tools.groups import CREDIT_MANAGER
from ..tools.kyc_services import VIES_DEFAULT_URL

MAX_AMOUNT = 1e12  # the largest credit amount a business would set (limits, floors, exposure)


def within(value, low, high):
    """``low <= value <= high`` for a finite number (NaN and infinities are refused)."""
    return math.isfinite(value) and low <= value <= high


# Risk factors: (code, label). Each scores a penalty from 0 (no risk) to 1 (full risk); the
# policy's weight for a factor is the number of score points a full penalty costs.
RISK_FACTORS = [
    ("delay", "Pays late on average"),
    ("late_share", "Many invoices paid late"),
    ("overdue", "Much of the open balance is overdue"),
    ("oldest", "An invoice is long overdue"),
    ("disputes", "Open disputes"),
    ("newness", "Young account"),
    ("trend", "Pays later than before"),
]
GRADES = ["A", "B", "C", "D", "E"]


class HoldSettings(tools.frozendict):
    """A policy's hold settings as the credit check reads them: like the record
    (``settings.hold_overdue_days``), but cached for every request of the worker, so frozen."""

    __slots__ = ()

    def __getattr__(self, name):
        try:
            return self[name]
        except KeyError:
            raise AttributeError(name) from None


class CreditRiskPolicy(models.Model):
    """How a company scores its customers' credit risk: one policy per company.

    Kept apart from the company (and from Settings, which only administrators may open) so that
    Credit Managers own it. Defaults follow common credit-scoring practice: payment delay and
    overdue share weigh most; together the weights may cost the whole 100 points.
    """

    _name = "credit.risk.policy"
    _description = "Credit Risk Policy"
    _inherit = ["mail.thread"]
    _rec_name = "company_id"

    company_id = fields.Many2one(
        "res.company", required=True, readonly=True, default=lambda self: self.env.company
    )
    lookback_months = fields.Integer(
        string="Payment History (months)",
        default=12,
        tracking=True,
        help="Invoices paid longer ago are left out of the payment behaviour figures.",
    )
    weight_delay = fields.Integer(default=25, tracking=True, help="Full penalty at 60 days late.")
    weight_late_share = fields.Integer(
        default=15, tracking=True, help="Full penalty when every invoice was paid late."
    )
    weight_overdue = fields.Integer(
        default=20, tracking=True, help="Full penalty when the whole open balance is overdue."
    )
    weight_oldest = fields.Integer(
        default=15, tracking=True, help="Full penalty at 120 days overdue."
    )
    weight_disputes = fields.Integer(
        default=10, tracking=True, help="Full penalty at three open disputes."
    )
    weight_newness = fields.Integer(
        default=5, tracking=True, help="Full penalty for no history, none after six months."
    )
    weight_trend = fields.Integer(
        default=10,
        tracking=True,
        help="Full penalty when the last quarter was paid 30 days later than before.",
    )
    limit_mode = fields.Selection(
        [
            ("off", "Off"),
            ("suggest", "Suggest: every change is a request"),
            ("auto", "Apply changes within tolerance, request the others"),
        ],
        string="Dynamic Limits",
        default="auto",
        required=True,
        tracking=True,
        help="Applies to customers with a credit limit of their own, and gives young accounts "
        "the starter limit when the company checks credit limits.",
    )
    limit_four_eyes = fields.Boolean(
        string="Four Eyes on Limits",
        default=True,
        tracking=True,
        help="A limit change request is approved by another Credit Manager than its requester.",
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    limit_sales_months = fields.Float(
        string="Months of Sales",
        default=2.0,
        tracking=True,
        help="The suggested limit covers this many months of average credit sales.",
    )
    limit_rounding = fields.Monetary(string="Round To", default=500.0, tracking=True)
    limit_floor = fields.Monetary(string="Floor", default=0.0, tracking=True)
    limit_ceiling = fields.Monetary(
        string="Ceiling", default=0.0, tracking=True, help="Zero for no ceiling."
    )
    starter_limit = fields.Monetary(default=2000.0, tracking=True)
    starter_days = fields.Integer(
        string="Young Account (days)",
        default=90,
        tracking=True,
        help="Accounts younger than this, or without invoices, get the starter limit.",
    )
    limit_tolerance = fields.Float(
        string="Tolerance (%)",
        default=10.0,
        tracking=True,
        help="Changes within this share of the current limit apply without a request.",
    )
    hold_over_limit = fields.Boolean(
        string="Hold Orders Over Limit",
        default=True,
        tracking=True,
        help="Hold a quotation when its amount and the customer's exposure exceed the limit "
        "(when the company checks credit limits).",
    )
    hold_overdue = fields.Boolean(string="Hold Delinquent Customers", default=True, tracking=True)
    hold_overdue_days = fields.Integer(
        string="Overdue More Than (days)",
        default=30,
        tracking=True,
        help="Hold the quotations of customers with an invoice overdue longer than this.",
    )
    hold_grade = fields.Boolean(string="Hold Poor Grades", default=True, tracking=True)
    hold_worst_grade = fields.Selection(
        [(grade, grade) for grade in GRADES],
        string="Worst Grade Allowed",
        default="D",
        required=True,
        tracking=True,
        help="Customers graded worse than this are held.",
    )
    hold_kyc = fields.Boolean(string="Hold Without KYC", default=True, tracking=True)
    forecast_warning_days = fields.Integer(
        string="Warn When Expected Late By (days)",
        default=15,
        tracking=True,
        help="An invoice not due yet whose customer is expected to pay it later than this gets "
        "an early-warning activity for the collector, once. 0: no warning.",
    )
    invoice_hold_mode = fields.Selection(
        [
            ("allow", "Post"),
            ("warn", "Post and log the reasons"),
            ("block", "Hold until a Credit Manager releases"),
        ],
        string="Invoices of Held Customers",
        default="allow",
        required=True,
        tracking=True,
        help="What posting a customer invoice does when the credit rules would hold it. Post "
        "and log, or hold, judge each posting on the customer's current figures (refreshed "
        "first when stale).",
    )
    kyc_free_exposure = fields.Monetary(
        string="Exposure Allowed Without KYC",
        default=10000.0,
        tracking=True,
        help="Above this exposure a customer whose KYC is not complete is held, and its "
        "suggested limit is capped here.",
    )
    kyc_expiry_notice_days = fields.Integer(
        string="Expiry Notice (days)",
        default=30,
        tracking=True,
        help="A verified item expiring within this many days gets an activity for its verifier.",
    )
    vies_url = fields.Char(string="VIES REST URL", default=VIES_DEFAULT_URL, tracking=True)
    bureau_url = fields.Char(
        string="Credit Bureau URL",
        tracking=True,
        help="Asked with GET ?id=<VAT number>, and the token as a Bearer authorization.",
    )
    bureau_token = fields.Char(groups=CREDIT_MANAGER)
    bureau_score_path = fields.Char(
        string="Score In Reply",
        default="score",
        help="Where the 0-100 score is in the bureau's JSON reply, dotted: data.score",
    )
    check_timeout = fields.Integer(string="Timeout (seconds)", default=10)
    check_max_attempts = fields.Integer(
        string="Attempts",
        default=5,
        help="Failed external checks are retried every day up to this many attempts.",
    )
    external_score_weight = fields.Integer(
        string="External Score Weight (%)",
        default=30,
        tracking=True,
        help="Share of the credit bureau's score in the customer's score, when it has one.",
    )
    grade_ids = fields.One2many(
        "credit.risk.grade",
        "policy_id",
        string="Grades",
        default=lambda self: self.env["credit.risk.grade"]._default_commands(),
        help="Grades A to E: the scores each covers, its limit multiplier and KYC review.",
    )

    _company_unique = models.Constraint(
        "UNIQUE (company_id)", "A company has a single credit risk policy."
    )

    @api.constrains("lookback_months")
    def _check_lookback_months(self):
        if any(not 1 <= policy.lookback_months <= 120 for policy in self):
            raise ValidationError(self.env._("The payment history covers from 1 to 120 months."))

    @api.constrains(*(f"weight_{code}" for code, _label in RISK_FACTORS))
    def _check_weights(self):
        for policy in self:
            weights = policy._weights()
            if any(weight < 0 for weight in weights.values()):
                raise ValidationError(self.env._("Risk factor weights cannot be negative."))
            if sum(weights.values()) > 100:
                raise ValidationError(
                    self.env._(
                        "The risk factor weights add up to %(total)s: together they may cost "
                        "at most the 100 points of the score.",
                        total=sum(weights.values()),
                    )
                )

    @api.constrains(
        "limit_sales_months",
        "limit_rounding",
        "limit_floor",
        "limit_ceiling",
        "starter_limit",
        "starter_days",
        "limit_tolerance",
        "kyc_free_exposure",
    )
    def _check_limit_settings(self):
        for policy in self:
            if not within(policy.limit_sales_months, 0.1, 36):
                raise ValidationError(self.env._("Months of sales go from 0.1 to 36."))
            amounts = (
                policy.limit_floor,
                policy.limit_ceiling,
                policy.starter_limit,
                policy.kyc_free_exposure,
            )
            if not all(within(amount, 0, MAX_AMOUNT) for amount in amounts):
                raise ValidationError(
                    self.env._(
                        "Floor, ceiling, starter limit and exposure allowed without KYC go "
                        "from 0 to %(max)s.",
                        max=f"{MAX_AMOUNT:,.0f}",
                    )
                )
            if policy.limit_ceiling and policy.limit_floor > policy.limit_ceiling:
                raise ValidationError(
                    self.env._(
                        "The limit floor (%(floor)s) is above the ceiling (%(ceiling)s).",
                        floor=policy.limit_floor,
                        ceiling=policy.limit_ceiling,
                    )
                )
            if policy.limit_rounding <= 0 or policy.limit_sales_months <= 0:
                raise ValidationError(
                    self.env._("Rounding and months of sales must be greater than zero.")
                )
            if not 0 <= policy.limit_tolerance <= 100 or policy.starter_days < 0:
                raise ValidationError(
                    self.env._(
                        "The tolerance is a percentage from 0 to 100, and the young account "
                        "age cannot be negative."
                    )
                )

    @api.constrains("hold_overdue_days")
    def _check_hold_overdue_days(self):
        if any(policy.hold_overdue_days < 0 for policy in self):
            raise ValidationError(
                self.env._("The overdue days of the hold rule cannot be negative.")
            )

    @api.constrains(
        "check_timeout", "check_max_attempts", "external_score_weight", "vies_url", "bureau_url"
    )
    def _check_external_checks(self):
        for policy in self:
            if not 1 <= policy.check_timeout <= 60 or not 1 <= policy.check_max_attempts <= 10:
                raise ValidationError(
                    self.env._(
                        "External checks need a timeout of 1 to 60 seconds and 1 to 10 attempts."
                    )
                )
            for url in (policy.vies_url, policy.bureau_url):
                parts = urlsplit(url or "")
                if url and (parts.scheme not in ("http", "https") or not parts.hostname):
                    raise ValidationError(
                        self.env._(
                            "%(url)s is not a web address: enter one starting with https://.",
                            url=url,
                        )
                    )
            if not 0 <= policy.external_score_weight <= 100:
                raise ValidationError(
                    self.env._("The external score weight is a percentage from 0 to 100.")
                )

    @api.constrains("kyc_expiry_notice_days")
    def _check_kyc_expiry_notice(self):
        if any(policy.kyc_expiry_notice_days < 0 for policy in self):
            raise ValidationError(self.env._("The KYC expiry notice cannot be negative."))

    @api.model
    def _for_company(self, company):
        """The company's policy (created with the company, or with the addon for the companies
        it found). Every confirmation asks for it: its id is cached, a policy is never deleted."""
        return self.sudo().browse(self._policy_id(company.id))

    def _hold_setting_fields(self):
        """The settings that confirming an order, validating a delivery or posting an invoice
        reads: a module that holds another stage adds its own."""
        return [
            "hold_over_limit",
            "hold_overdue",
            "hold_overdue_days",
            "hold_grade",
            "hold_worst_grade",
            "hold_kyc",
            "kyc_free_exposure",
            "invoice_hold_mode",
        ]

    @api.model
    def _hold_settings(self, company):
        """The company's hold settings, read once per worker until a policy changes: every
        confirmation, delivery and posting asks for them, and would read the policy's row."""
        return self._hold_settings_of(company.id)

    @api.model
    @tools.ormcache("company_id")
    def _hold_settings_of(self, company_id):
        policy = self._for_company(self.env["res.company"].browse(company_id))
        return HoldSettings(policy.read(self._hold_setting_fields(), load=None)[0])

    def write(self, vals):
        result = super().write(vals)
        if vals.keys() & set(self._hold_setting_fields()):
            self.env.registry.clear_cache()  # the cached hold settings, in every worker
        return result

    @api.model
    def _create_for_all_companies(self):
        """At installation (a data file): the companies that exist already."""
        companies = self.env["res.company"].search([])  # pylint: disable=no-search-all
        self._create_for(companies)

    @api.model
    def _create_for(self, companies):
        """A policy with the defaults for each of ``companies`` that has none."""
        existing = self.sudo().search([("company_id", "in", companies.ids)]).company_id
        self.sudo().create([{"company_id": company.id} for company in companies - existing])
        self.env.registry.clear_cache()

    @api.model
    @tools.ormcache("company_id")
    def _policy_id(self, company_id):
        policy = self.sudo().search([("company_id", "=", company_id)])
        return policy.id

    @api.model
    def _action_open_current(self):
        """Open the current company's policy."""
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self._for_company(self.env.company).id,
            "view_mode": "form",
            "name": self.env._("Risk Policy"),
        }

    def _weights(self):
        self.ensure_one()
        return {code: self[f"weight_{code}"] for code, _label in RISK_FACTORS}

    def _limit_multipliers(self):
        self.ensure_one()
        return {grade.grade: grade.limit_multiplier for grade in self.grade_ids}

    def _within_tolerance(self, current, suggested):
        """Whether moving a limit from ``current`` to ``suggested`` needs no approval."""
        self.ensure_one()
        return self.limit_mode == "auto" and abs(suggested - current) <= (
            current * self.limit_tolerance / 100
        )

    def _kyc_review_months(self):
        self.ensure_one()
        return {grade.grade: grade.kyc_review_months for grade in self.grade_ids}

    def _grade_thresholds(self):
        """Lowest score of grades A to D; below the last one is E."""
        self.ensure_one()
        minimums = {grade.grade: grade.min_score for grade in self.grade_ids}
        return [minimums[grade] for grade in GRADES[:-1]]

    def _grade(self, grade):
        """The policy's grade record for the letter ``grade``."""
        self.ensure_one()
        return self.grade_ids.filtered(lambda record: record.grade == grade)
