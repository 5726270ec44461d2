from odoo import fields, models


class CreditRiskPolicy(models.Model):
    _inherit = "credit.risk.policy"

    hold_deliveries = fields.Boolean(
        default=True,
        tracking=True,
        help="Validating an outgoing delivery of a customer the credit rules would hold is "
        "stopped until a Credit Manager releases it.",
    )
