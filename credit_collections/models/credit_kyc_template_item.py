from odoo import fields, models

from .credit_kyc_template import CHECK_TYPES


class CreditKycTemplateItem(models.Model):
    _name = "credit.kyc.template.item"
    _description = "KYC Checklist Template Item"
    _order = "sequence, id"

    template_id = fields.Many2one(
        "credit.kyc.template", required=True, index=True, ondelete="cascade"
    )
    sequence = fields.Integer(default=10)
    name = fields.Char(required=True, translate=True)
    check_type = fields.Selection(CHECK_TYPES, required=True, default="document")
    required = fields.Boolean(default=True)
    validity_months = fields.Integer(help="Months a verification stays valid; zero for no expiry.")

    _validity_months_positive = models.Constraint(
        "CHECK (validity_months >= 0)", "The validity cannot be negative: zero means no expiry."
    )
