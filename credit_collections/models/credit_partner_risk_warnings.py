from odoo import api, fields, models


class CreditPartnerRisk(models.Model):
    """Early warnings follow the figures: found with every refresh, in the same transaction
    (nightly, marked, before a check), as a system job whoever refreshes."""

    _inherit = "credit.partner.risk"  # pylint: disable=consider-merging-classes-inherited

    warnings_checked = fields.Boolean(
        readonly=True,
        help="Set by the first check of the customer's warnings: later ones are news, told to "
        "the salesperson and the Credit Managers.",
    )
    has_active_warnings = fields.Boolean(
        readonly=True,
        help="The customer has active early warnings in this company: its form looks them up "
        "only then.",
    )

    @api.model
    def _refresh(self, company, partner_ids, today=None):
        risks = super()._refresh(company, partner_ids, today)
        self.env["credit.risk.warning"].sudo()._detect(
            company, list(partner_ids), today or fields.Date.context_today(self)
        )
        return risks
