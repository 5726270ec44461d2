from odoo import api, fields, models

from ..tools.groups import CREDIT_MANAGER
from ..tools.sms_api_http_gateway import SmsApiHttpGateway


class ResCompany(models.Model):
    """A generic HTTP SMS gateway beside Odoo's IAP and Twilio providers; the company's
    Credit Managers, who decide holds and limits; its risk policy, created with it."""

    _inherit = "res.company"

    sms_provider = fields.Selection(
        selection_add=[("http_gateway", "Send via HTTP gateway")],
        ondelete={"http_gateway": "set default"},
    )
    sms_gateway_url = fields.Char(string="SMS Gateway URL", groups="base.group_system")
    sms_gateway_token = fields.Char(string="SMS Gateway Token", groups="base.group_system")
    sms_gateway_sender = fields.Char(string="SMS Sender", groups="base.group_system")
    sms_gateway_timeout = fields.Integer(
        string="SMS Gateway Timeout (s)", default=10, groups="base.group_system"
    )
    sms_gateway_max_attempts = fields.Integer(
        string="SMS Gateway Attempts", default=3, groups="base.group_system"
    )

    @api.model_create_multi
    def create(self, vals_list):
        companies = super().create(vals_list)
        self.env["credit.risk.policy"]._create_for(companies)
        return companies

    def _get_sms_api_class(self):
        self.ensure_one()
        if self.sms_provider == "http_gateway":
            return SmsApiHttpGateway
        return super()._get_sms_api_class()

    def _credit_managers(self):
        """The internal users of this company who are Credit Managers."""
        self.ensure_one()
        return (
            self.env.ref(CREDIT_MANAGER)
            .sudo()
            .all_user_ids.filtered(lambda user: self in user.company_ids and not user.share)
        )
