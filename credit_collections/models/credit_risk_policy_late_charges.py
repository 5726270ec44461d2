from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .credit_risk_policy import MAX_AMOUNT, within


class CreditRiskPolicy(models.Model):
    """Late-payment interest and the fixed compensation for recovery costs (EU Late Payment
    Directive 2011/7/EU: reference rate + 8 points and 40 EUR per late invoice between
    businesses), charged by ``credit.late.charge``. Off until a Credit Manager turns it on."""

    _inherit = "credit.risk.policy"  # pylint: disable=consider-merging-classes-inherited

    interest_b2b = fields.Boolean(
        string="Interest on Business Customers",
        tracking=True,
        help="Charge late-payment interest to customers that are companies.",
    )
    interest_b2b_margin = fields.Float(
        string="Business Margin (points)",
        default=8.0,
        tracking=True,
        help="Points added to the reference rate for business customers (8 in the EU).",
    )
    interest_b2c = fields.Boolean(
        string="Interest on Consumers",
        tracking=True,
        help="Charge late-payment interest to customers that are individuals (as national "
        "law allows).",
    )
    interest_b2c_margin = fields.Float(string="Consumer Margin (points)", tracking=True)
    interest_rate_ids = fields.One2many(
        "credit.interest.rate", "policy_id", string="Reference Rates"
    )
    compensation_b2b = fields.Boolean(
        string="Compensation per Late Invoice",
        tracking=True,
        help="Charge business customers a fixed compensation for recovery costs once per late "
        "invoice, in the invoice's currency.",
    )
    compensation_amount = fields.Monetary(
        default=40.0, currency_field="compensation_currency_id", tracking=True
    )
    compensation_currency_id = fields.Many2one(
        "res.currency",
        default=lambda self: self.env.ref("base.EUR", raise_if_not_found=False),
        tracking=True,
    )
    late_charge_grace_days = fields.Integer(
        string="Grace Days",
        tracking=True,
        help="An invoice paid within this many days of its due date is charged nothing; "
        "later, interest runs from its due date.",
    )
    late_charge_min_amount = fields.Monetary(
        string="Minimum Charge",
        tracking=True,
        help="A customer's charges are invoiced once they reach this amount (company "
        "currency); until then they wait, nothing is lost.",
    )
    late_charge_start_date = fields.Date(
        string="Charge From",
        default=fields.Date.context_today,
        required=True,
        tracking=True,
        help="Nothing accrues before this date: turning charges on does not bill the past.",
    )
    late_charge_product_id = fields.Many2one(
        "product.product",
        string="Charge Product",
        default=lambda self: self.env.ref(
            "credit_collections.product_late_payment_charge", raise_if_not_found=False
        ),
        tracking=True,
        help="The product of the charges' invoice lines: its income account and taxes.",
    )

    def _charges_late_payments(self):
        self.ensure_one()
        return self.interest_b2b or self.interest_b2c or self.compensation_b2b

    @api.constrains(
        "interest_b2b_margin",
        "interest_b2c_margin",
        "compensation_amount",
        "late_charge_grace_days",
        "late_charge_min_amount",
    )
    def _check_late_charges(self):
        for policy in self:
            if not (
                within(policy.interest_b2b_margin, 0, 100)
                and within(policy.interest_b2c_margin, 0, 100)
            ):
                raise ValidationError(self.env._("An interest margin is between 0 and 100 points."))
            if not within(policy.compensation_amount, 0, MAX_AMOUNT):
                raise ValidationError(self.env._("The compensation cannot be negative."))
            if not within(policy.late_charge_min_amount, 0, MAX_AMOUNT):
                raise ValidationError(self.env._("The minimum charge cannot be negative."))
            if policy.late_charge_grace_days < 0:
                raise ValidationError(self.env._("Grace days cannot be negative."))
