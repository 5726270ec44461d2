from odoo import api, fields, models


class SmsSms(models.Model):
    """Routes SMS to the HTTP gateway; puts failed follow-up SMS back in Odoo's SMS queue."""

    _inherit = "sms.sms"

    credit_communication_id = fields.Many2one(
        "credit.followup.communication", index="btree_not_null", ondelete="set null"
    )
    credit_retry_count = fields.Integer(readonly=True)

    def _split_by_api(self):
        """SMS of companies on the HTTP gateway go through it (Odoo routes only IAP, Twilio)."""
        gateway = self.filtered(lambda sms: sms._get_sms_company().sms_provider == "http_gateway")
        for company, company_sms in gateway.grouped(lambda sms: sms._get_sms_company()).items():
            sms_api = company._get_sms_api_class()(self.env)
            sms_api._set_company(company)
            yield sms_api, company_sms
        if others := self - gateway:
            yield from super(SmsSms, others)._split_by_api()

    def _send(self, unlink_failed=False, unlink_sent=True, raise_exception=False):
        """Odoo's SMS queue sends a batch of every company at once, through one provider (and
        fails with "Expected singleton res.company(1,2)" when the batch mixes companies): send
        each company's share through its own provider."""
        if self.env.context.get("sms_api"):
            return super()._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        for sms_api, sms in self._split_by_api():
            sms.with_context(sms_api=sms_api)._send(
                unlink_failed=unlink_failed,
                unlink_sent=unlink_sent,
                raise_exception=raise_exception,
            )
        return None

    @api.model
    def _credit_requeue_failed(self):
        """Queue again the follow-up SMS lost to a server error, up to the ladder's attempts."""
        failed = self.sudo().search(
            [
                ("credit_communication_id", "!=", False),
                ("state", "=", "error"),
                ("failure_type", "=", "sms_server"),
            ]
        )
        for sms in failed:
            policy = sms.credit_communication_id.followup_id.effective_category_id.policy_id
            if sms.credit_retry_count + 1 < (policy.max_attempts or 1):
                sms.write(
                    {
                        "state": "outgoing",
                        "failure_type": False,
                        "to_delete": False,
                        "credit_retry_count": sms.credit_retry_count + 1,
                    }
                )
        return failed
