from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from .credit_risk_policy import GRADES, within

# (grade, lowest score, limit multiplier, KYC review months): common credit-scoring practice.
DEFAULT_GRADES = [
    ("A", 80, 1.5, 24),
    ("B", 65, 1.0, 18),
    ("C", 50, 0.6, 12),
    ("D", 35, 0.3, 6),
    ("E", 0, 0.0, 3),
]


class CreditRiskGrade(models.Model):
    """One grade of a risk policy: the scores it covers and what it means for the customer's
    credit limit and KYC reviews. A policy has the five grades A to E, best first."""

    _name = "credit.risk.grade"
    _description = "Credit Risk Grade"
    _order = "policy_id, grade"
    _rec_name = "grade"

    policy_id = fields.Many2one("credit.risk.policy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id")
    grade = fields.Selection([(grade, grade) for grade in GRADES], required=True, readonly=True)
    min_score = fields.Integer(
        string="From Score",
        help="The lowest score of this grade; a customer gets the best grade its score reaches. "
        "Grade E covers every score below grade D.",
    )
    limit_multiplier = fields.Float(
        help="The suggested limit is this many times the customer's months of average sales."
    )
    kyc_review_months = fields.Integer(
        string="KYC Review (months)", help="A complete KYC is reviewed after this many months."
    )

    _grade_unique = models.Constraint("UNIQUE (policy_id, grade)", "A policy has each grade once.")

    @api.model
    def _default_commands(self):
        return [
            fields.Command.create(
                {
                    "grade": grade,
                    "min_score": min_score,
                    "limit_multiplier": multiplier,
                    "kyc_review_months": review_months,
                }
            )
            for grade, min_score, multiplier, review_months in DEFAULT_GRADES
        ]

    @api.constrains("min_score", "limit_multiplier", "kyc_review_months")
    def _check_policy_grades(self):
        for policy in self.policy_id:
            policy.grade_ids._check_thresholds()
            if not all(within(grade.limit_multiplier, 0, 100) for grade in policy.grade_ids):
                raise ValidationError(self.env._("Limit multipliers go from 0 to 100."))
            if min(policy.grade_ids.mapped("kyc_review_months")) < 1:
                raise ValidationError(
                    self.env._(
                        "KYC reviews need an interval of at least one month for every grade."
                    )
                )

    def _check_thresholds(self):
        """The grades of one policy: lowest scores falling from A to D between 100 and 1."""
        minimums = {grade.grade: grade.min_score for grade in self}
        a, b, c, d = (minimums.get(grade, 0) for grade in GRADES[:-1])
        if not 100 >= a > b > c > d > 0:
            raise ValidationError(
                self.env._(
                    "Grade thresholds must fall from A to D between 100 and 1; "
                    "got A %(a)s, B %(b)s, C %(c)s, D %(d)s.",
                    a=a,
                    b=b,
                    c=c,
                    d=d,
                )
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if self.policy_id.exists():
            raise UserError(
                self.env._("A policy grades its customers A to E: edit a grade, do not delete it.")
            )

    def write(self, vals):
        before = {grade: grade._summary() for grade in self}
        result = super().write(vals)
        for grade in self:
            if grade._summary() != before[grade]:
                grade.policy_id._message_log(
                    body=self.env._(
                        "Grade %(grade)s: %(before)s → %(after)s",
                        grade=grade.grade,
                        before=before[grade],
                        after=grade._summary(),
                    )
                )
        return result

    def _summary(self):
        self.ensure_one()
        return self.env._(
            "from score %(score)s, limit multiplier %(multiplier)s, "
            "KYC review every %(months)s months",
            score=self.min_score,
            multiplier=self.limit_multiplier,
            months=self.kyc_review_months,
        )
