from functools import partial

from odoo import api, fields, models
from odoo.tools import SQL

from .concurrent_runs import run_step


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
        """The forecasts' priors first, computed by the first worker (another one colliding
        with it finds them in a fresh snapshot)."""
        forecasts = self.env["credit.invoice.forecast"]
        today = fields.Date.context_today(self)
        for company in self.env["res.company"].search([("chart_template", "!=", False)]):
            run_step(self.env, partial(forecasts._run_priors, company, today), progress)
        return super()._refresh_stale(progress, batch_size)

    def _analyze(self):
        """The forecasts are rewritten with the figures: the ladder reads both next."""
        forecasts = self.env["credit.invoice.forecast"]
        self.env.cr.execute(SQL("ANALYZE %s", SQL.identifier(forecasts._table)))
        return super()._analyze()

    def _refresh_nightly_batch(self, company, partner_ids, today):
        refreshed = super()._refresh_nightly_batch(company, partner_ids, today)
        self.env["credit.invoice.forecast"]._warn_early(company, partner_ids, today)
        return refreshed
