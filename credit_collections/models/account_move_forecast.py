from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    credit_forecast_ids = fields.One2many(
        "credit.invoice.forecast", "move_id", string="Payment Forecast", readonly=True
    )
    credit_predicted_pay_date = fields.Date(
        string="Expected Payment",
        compute="_compute_credit_predicted_pay_date",
        help="When the customer is expected to pay what is left, from its payment history.",
    )
    credit_prediction_reason = fields.Char(
        string="Why Then", compute="_compute_credit_predicted_pay_date"
    )

    def _compute_credit_predicted_pay_date(self):
        for move in self:
            last = move.sudo().credit_forecast_ids.sorted("predicted_date")[-1:]
            move.credit_predicted_pay_date = last.predicted_date
            move.credit_prediction_reason = last.reason
