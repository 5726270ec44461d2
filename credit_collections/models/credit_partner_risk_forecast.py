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

    @api.model
    def _refresh_stale(self, progress, batch_size=2000):
        forecasts = self.env["credit.invoice.forecast"]
        priors = {
            company.id: forecasts._run_priors(company)
            for company in self.env["res.company"].search([("chart_template", "!=", False)])
        }
        run = self.with_context(credit_forecast_priors=priors)
        return super(CreditPartnerRisk, run)._refresh_stale(progress, batch_size)

    def _refresh_nightly_batch(self, company, partner_ids, today):
        refreshed = super()._refresh_nightly_batch(company, partner_ids, today)
        self.env["credit.invoice.forecast"]._warn_early(company, partner_ids, today)
        return refreshed
