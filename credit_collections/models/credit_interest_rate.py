from odoo import fields, models


class CreditInterestRate(models.Model):
    """A reference rate for late-payment interest, in force from its date until the next one
    (e.g. the ECB's main refinancing rate of each half-year, for the EU Late Payment
    Directive): the policy adds its margin for the customer's type."""

    _name = "credit.interest.rate"
    _description = "Reference Rate for Late-Payment Interest"
    _order = "date_from desc"

    policy_id = fields.Many2one("credit.risk.policy", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="policy_id.company_id", store=True)
    date_from = fields.Date(
        string="In Force From", required=True, default=fields.Date.context_today
    )
    rate = fields.Float(string="Reference Rate (%)", digits=(16, 3), required=True)
    note = fields.Char(help="Where the rate comes from, e.g. the ECB's rate of 1 July.")

    _date_unique = models.Constraint(
        "UNIQUE (policy_id, date_from)", "A policy has one reference rate per date."
    )
    _rate_sane = models.Constraint(
        "CHECK (rate > -100 AND rate < 100)", "A reference rate is a percentage below 100."
    )
