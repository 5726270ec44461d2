from odoo import fields, models


class CreditPaymentPlanInstalment(models.Model):
    _name = "credit.payment.plan.instalment"
    _description = "Payment Plan Instalment"
    _order = "due_date, id"

    plan_id = fields.Many2one("credit.payment.plan", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id")
    due_date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    paid = fields.Boolean(readonly=True)
