from odoo import fields, models
from odoo.tools import SQL

from .credit_risk_policy import GRADES


class CreditPartnerRiskHistory(models.Model):
    """A customer's credit figures month by month: the last ones computed in each month.

    Written by every refresh of the figures (one statement per batch), so the current month
    follows the customer and a month that is over keeps its last figures.
    """

    _name = "credit.partner.risk.history"
    _description = "Customer Credit Figures by Month"
    _order = "partner_id, month desc"
    _rec_name = "month"

    partner_id = fields.Many2one(
        "res.partner", string="Customer", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, index=True, ondelete="cascade")
    currency_id = fields.Many2one(related="company_id.currency_id")
    month = fields.Date(required=True, help="The first day of the month.")
    score = fields.Integer(aggregator="avg")
    grade = fields.Selection([(grade, grade) for grade in GRADES])
    open_amount = fields.Monetary(string="Open Receivables", aggregator="avg")
    overdue_amount = fields.Monetary(string="Overdue", aggregator="avg")
    exposure = fields.Monetary(aggregator="avg")

    _partner_month_unique = models.Constraint(
        "UNIQUE (partner_id, company_id, month)", "A customer has one history row per month."
    )

    def _record(self, risks, today):
        """Upsert the month of ``today`` from the credit figures ``risks``."""
        if not risks:
            return
        self.env.execute_query(
            SQL(
                """
                INSERT INTO credit_partner_risk_history
                       (partner_id, company_id, month, score, grade, open_amount,
                        overdue_amount, exposure, create_uid, create_date, write_uid, write_date)
                SELECT partner_id, company_id, %(month)s, score, grade, open_amount,
                       overdue_amount, exposure, %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC'
                  FROM credit_partner_risk
                 WHERE id = ANY(%(ids)s)
                ON CONFLICT (partner_id, company_id, month) DO UPDATE
                   SET score = EXCLUDED.score, grade = EXCLUDED.grade,
                       open_amount = EXCLUDED.open_amount,
                       overdue_amount = EXCLUDED.overdue_amount,
                       exposure = EXCLUDED.exposure,
                       write_uid = EXCLUDED.write_uid, write_date = EXCLUDED.write_date
                """,
                month=today.replace(day=1),
                uid=self.env.uid,
                ids=risks.ids,
            )
        )
        self.invalidate_model()
