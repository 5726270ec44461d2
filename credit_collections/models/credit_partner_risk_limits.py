from odoo import models


class CreditPartnerRisk(models.Model):
    """Dynamic limits follow the nightly figures: each refreshed batch proposes its customers'
    suggested limits (the risk engine itself knows nothing of limit requests)."""

    _inherit = "credit.partner.risk"  # pylint: disable=consider-merging-classes-inherited

    def _refresh_nightly_batch(self, company, partner_ids, today):
        refreshed = super()._refresh_nightly_batch(company, partner_ids, today)
        self.env["credit.limit.request"]._propose_for_customers(company, partner_ids)
        return refreshed
