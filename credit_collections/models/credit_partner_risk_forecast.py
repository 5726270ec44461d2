from odoo import api, fields, models


class CreditPartnerRisk(models.Model):
    """The forecasts of a customer's open invoices follow its figures: rewritten with them,
    in the same transaction, wherever they are refreshed (nightly, marked, before a check)."""

    _inherit = "credit.partner.risk"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _refresh(self, company, partner_ids, today=None):
        risks = super()._refresh(company, partner_ids, today)
        self.env["credit.invoice.forecast"]._refresh(
            company, partner_ids, today or fields.Date.context_today(self)
        )
        return risks

    def _refresh_nightly_batch(self, company, partner_ids, today):
        refreshed = super()._refresh_nightly_batch(company, partner_ids, today)
        self.env["credit.invoice.forecast"]._warn_early(company, partner_ids, today)
        return refreshed
