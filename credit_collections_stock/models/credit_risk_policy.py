from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditRiskPolicy(models.Model):
    _inherit = "credit.risk.policy"

    hold_deliveries = fields.Boolean(
        default=True,
        tracking=True,
        help="Validating an outgoing delivery of a customer the credit rules would hold is "
        "stopped until a Credit Manager releases it.",
    )
    delivery_release_days = fields.Integer(
        "Order Release Covers Deliveries For (days)",
        default=7,
        tracking=True,
        help="Days after a Credit Manager released an order during which its deliveries pass "
        "on that release (the order's amount and customer unchanged); 0: each delivery is "
        "released on its own.",
    )

    def _hold_setting_fields(self):
        return [*super()._hold_setting_fields(), "hold_deliveries", "delivery_release_days"]

    @api.constrains("delivery_release_days")
    def _check_delivery_release_days(self):
        if any(policy.delivery_release_days < 0 for policy in self):
            raise ValidationError(
                self.env._("The days an order's release covers its deliveries cannot be negative.")
            )
