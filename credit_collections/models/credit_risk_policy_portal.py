from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditRiskPolicy(models.Model):
    """How long a reminder's link to the customer's statement page works, and how far ahead a
    customer may promise to pay there."""

    _inherit = "credit.risk.policy"  # pylint: disable=consider-merging-classes-inherited

    portal_link_days = fields.Integer(
        string="Reminder Links Valid For (days)",
        default=30,
        tracking=True,
        help="The link in each reminder opens the customer's statement without a login for "
        "this many days.",
    )
    portal_promise_max_days = fields.Integer(
        string="Promises Online Up To (days)",
        default=30,
        tracking=True,
        help="A customer may promise to pay on its statement page at most this many days "
        "ahead; further, it must call its collector.",
    )

    @api.constrains("portal_link_days", "portal_promise_max_days")
    def _check_portal_days(self):
        for policy in self:
            if not (1 <= policy.portal_link_days <= 366):
                raise ValidationError(self.env._("A reminder link is valid 1 to 366 days."))
            if not (0 <= policy.portal_promise_max_days <= 366):
                raise ValidationError(
                    self.env._("Online promises reach 0 to 366 days ahead (0: none online).")
                )
