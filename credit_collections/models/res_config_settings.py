from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    sms_gateway_url = fields.Char(related="company_id.sms_gateway_url", readonly=False)
    sms_gateway_token = fields.Char(related="company_id.sms_gateway_token", readonly=False)
    sms_gateway_sender = fields.Char(related="company_id.sms_gateway_sender", readonly=False)
    sms_gateway_timeout = fields.Integer(related="company_id.sms_gateway_timeout", readonly=False)
    sms_gateway_max_attempts = fields.Integer(
        related="company_id.sms_gateway_max_attempts", readonly=False
    )
