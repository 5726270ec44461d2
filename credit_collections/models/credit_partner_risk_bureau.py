from odoo import models
from odoo.tools import SQL


class CreditPartnerRisk(models.Model):
    """KYC's contribution to the risk figures: the credit bureau's latest verified score (the
    risk engine itself knows nothing of KYC)."""

    _inherit = "credit.partner.risk"  # pylint: disable=consider-merging-classes-inherited

    def _figure_contributions(self, company, partner_ids, today, policy):
        contributions = super()._figure_contributions(company, partner_ids, today, policy)
        bureau = SQL(
            """
            SELECT DISTINCT ON (partner_id) partner_id, external_score
              FROM credit_kyc_item
             WHERE company_id = %s
               AND check_type = 'bureau'
               AND state = 'verified'
               AND partner_id = ANY(%s)
             ORDER BY partner_id, verified_on DESC NULLS LAST, id DESC
            """,
            company.id,
            list(partner_ids),
        )
        contributions["external_score"] = ("bureau", bureau, SQL("bureau.external_score"))
        return contributions
