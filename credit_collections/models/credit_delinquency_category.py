from odoo import fields, models
from odoo.tools import SQL

# Classification criteria: (field, SQL test on the customer's credit figures ``risk``, where
# %s is the criterion's value). A criterion left at 0 is not applied.
CRITERIA = [
    ("account_age_below_days", "COALESCE(risk.account_age_days, 0) < {}"),
    ("avg_days_late_above", "COALESCE(risk.avg_days_late, 0) > {}"),
    ("late_share_above", "COALESCE(risk.late_share, 0) * 100 > {}"),
    ("late_share_below", "COALESCE(risk.late_share, 0) * 100 < {}"),
    ("broken_promises_at_least", "risk.broken_promise_count >= {}"),
    (
        "overdue_months_of_sales_above",
        "risk.overdue_amount > {} * GREATEST(COALESCE(risk.avg_monthly_sales, 0), 0.01)",
    ),
]


class CreditDelinquencyCategory(models.Model):
    """A kind of late payer, with the follow-up ladder that suits it.

    Customers are classified automatically from their payment behaviour: the first category, in
    sequence, whose criteria all hold is theirs (a category without criteria catches everyone
    left). A collector may override the category of a customer on its follow-up.
    """

    _name = "credit.delinquency.category"
    _description = "Delinquency Category"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one("res.company", help="Empty: used by every company.")
    policy_id = fields.Many2one(
        "credit.followup.policy", string="Ladder", required=True, ondelete="restrict"
    )
    description = fields.Text()
    collector_id = fields.Many2one(
        "res.users",
        string="Default Collector",
        domain="[('share', '=', False)]",
        help="Collector of the customers in this category, unless their follow-up names "
        "another; empty: the ladder's default collector.",
    )
    account_age_below_days = fields.Integer(
        string="Account Younger Than (days)", help="First invoice less than this many days ago."
    )
    avg_days_late_above = fields.Float(string="Paid Late Above (days on average)")
    late_share_above = fields.Float(string="Share Paid Late Above (%)")
    late_share_below = fields.Float(string="Share Paid Late Below (%)")
    broken_promises_at_least = fields.Integer(string="Broken Promises (at least)")
    overdue_months_of_sales_above = fields.Float(
        string="Overdue Above (months of sales)",
        help="Overdue balance larger than this many months of the customer's average sales: "
        "a one-off large debt.",
    )

    _check_criteria = models.Constraint(
        "CHECK (account_age_below_days >= 0 AND avg_days_late_above >= 0"
        " AND late_share_above >= 0 AND late_share_above <= 100"
        " AND late_share_below >= 0 AND late_share_below <= 100"
        " AND broken_promises_at_least >= 0 AND overdue_months_of_sales_above >= 0)",
        "Classification criteria cannot be negative, and shares are percentages (0-100).",
    )

    def _default_collector(self):
        """The collector this category (or its ladder) assigns to its customers."""
        self.ensure_one()
        return self.collector_id or self.policy_id.collector_id

    def _match_sql(self):
        """SQL condition on ``risk`` (a credit.partner.risk row) true when the category fits."""
        self.ensure_one()
        tests = [
            SQL(template.format("%s"), self[field]) for field, template in CRITERIA if self[field]
        ]
        return SQL(" AND ").join(tests) if tests else SQL("TRUE")
