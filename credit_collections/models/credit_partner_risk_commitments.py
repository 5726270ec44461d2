from odoo import models
from odoo.tools import SQL


class CreditPartnerRisk(models.Model):
    """The follow-up's contribution to the risk figures: promises to pay and payment plans
    broken in the look-back (the risk engine itself knows nothing of the follow-up)."""

    _inherit = "credit.partner.risk"  # pylint: disable=consider-merging-classes-inherited

    def _figure_contributions(self, company, partner_ids, today, policy):
        contributions = super()._figure_contributions(company, partner_ids, today, policy)
        broken = SQL(
            """
            SELECT followup.partner_id, COUNT(*) AS broken_count
              FROM credit_followup followup
              JOIN (SELECT followup_id, broken_on FROM credit_followup_promise
                     WHERE state = 'broken'
                    UNION ALL
                    SELECT followup_id, broken_on FROM credit_payment_plan
                     WHERE state = 'broken') commitment
                ON commitment.followup_id = followup.id
             WHERE followup.company_id = %s
               AND followup.partner_id = ANY(%s)
               AND commitment.broken_on >= %s
             GROUP BY followup.partner_id
            """,
            company.id,
            list(partner_ids),
            self._lookback_start(today, policy),
        )
        contributions["broken_promise_count"] = (
            "broken_commitments",
            broken,
            SQL("broken_commitments.broken_count"),
        )
        return contributions
