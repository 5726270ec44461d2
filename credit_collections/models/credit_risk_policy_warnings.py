from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .credit_risk_policy import GRADES


class CreditRiskPolicy(models.Model):
    """When a customer's figures take a turn for the worse enough to warn its salesperson and
    the Credit Managers (``credit.risk.warning``). A threshold of 0 turns its warning off."""

    _inherit = "credit.risk.policy"  # pylint: disable=consider-merging-classes-inherited

    warn_grade_steps = fields.Integer(
        string="Grade Drop (grades)",
        default=2,
        tracking=True,
        help="Warn when the grade falls by this many grades from one day to the next (2: B to D).",
    )
    warn_score_drop = fields.Integer(
        string="Score Drop (points)",
        default=15,
        tracking=True,
        help="Warn when the score falls by this many points from one day to the next.",
    )
    warn_trend_days = fields.Integer(
        string="Slower Payments (days)",
        default=15,
        tracking=True,
        help="Warn when the customer pays this many days later over the last quarter than "
        "before it.",
    )
    warn_limit_share = fields.Integer(
        string="Exposure Near Limit (%)",
        default=90,
        tracking=True,
        help="Warn when the exposure reaches this share of the customer's credit limit.",
    )
    warn_days_late = fields.Integer(
        string="Invoice Late (days)",
        default=30,
        tracking=True,
        help="Warn when an invoice is this many days overdue (disputed ones left out).",
    )
    warn_broken_promise = fields.Boolean(
        string="Broken Promise",
        default=True,
        tracking=True,
        help="Warn when a promise to pay or a payment plan is broken.",
    )

    @api.constrains(
        "warn_grade_steps",
        "warn_score_drop",
        "warn_trend_days",
        "warn_limit_share",
        "warn_days_late",
    )
    def _check_warnings(self):
        for policy in self:
            if not 0 <= policy.warn_grade_steps < len(GRADES):
                raise ValidationError(
                    self.env._(
                        "A grade drop is between 0 (no warning) and %(most)s grades.",
                        most=len(GRADES) - 1,
                    )
                )
            if not 0 <= policy.warn_score_drop <= 100:
                raise ValidationError(
                    self.env._("A score drop is between 0 (no warning) and 100 points.")
                )
            if not 0 <= policy.warn_limit_share <= 1000:
                raise ValidationError(
                    self.env._("The share of the limit is between 0 (no warning) and 1000%.")
                )
            if policy.warn_trend_days < 0 or policy.warn_days_late < 0:
                raise ValidationError(
                    self.env._("Days of a warning cannot be negative (0: no warning).")
                )
