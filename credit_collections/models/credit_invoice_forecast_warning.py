from markupsafe import Markup

from odoo import api, models
from odoo.tools import SQL


class CreditInvoiceForecast(models.Model):
    """Early warnings: an invoice not due yet that its customer is expected to pay later than the
    policy allows gets the collector an activity on the customer's follow-up, once per invoice,
    before the due date. Found in SQL over the batch's fresh forecasts; the warned invoices are
    marked in the same transaction, so a rerun warns of nothing twice."""

    _inherit = "credit.invoice.forecast"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _warn_early(self, company, partner_ids, today):
        threshold = self.env["credit.risk.policy"]._for_company(company).forecast_warning_days
        if threshold <= 0:
            return
        rows = self.env.execute_query_dict(
            SQL(
                """
                UPDATE credit_invoice_forecast forecast SET warned_on = %(today)s
                 WHERE forecast.company_id = %(company_id)s
                   AND forecast.partner_id = ANY(%(partner_ids)s)
                   AND forecast.due_status = 'not_due' AND forecast.promise_date IS NULL
                   AND forecast.predicted_days_late > %(threshold)s
                   AND forecast.warned_on IS NULL
                RETURNING forecast.id, forecast.partner_id
                """,
                today=today,
                company_id=company.id,
                partner_ids=list(partner_ids),
                threshold=threshold,
            )
        )
        self.invalidate_model(["warned_on"])
        if rows:
            self.browse(row["id"] for row in rows)._schedule_warnings(company)

    def _schedule_warnings(self, company):
        followups = self.env["credit.followup"]
        followups._ensure_followups(company, self.partner_id.ids)
        by_partner = {
            followup.partner_id: followup
            for followup in followups.search(
                [("company_id", "=", company.id), ("partner_id", "in", self.partner_id.ids)]
            )
        }
        for partner, forecasts in self.grouped("partner_id").items():
            followup = by_partner[partner]
            followup.activity_schedule(
                "mail.mail_activity_data_call",
                date_deadline=min(forecasts.mapped("date_due")),
                user_id=(followup.collector_id or partner.user_id or self.env.user).id,
                summary=self.env._("Expected to pay late"),
                note=Markup("<br/>").join(
                    self.env._(
                        "%(invoice)s, due %(due)s: expected %(expected)s. %(reason)s",
                        invoice=forecast.move_id.display_name,
                        due=forecast.date_due,
                        expected=forecast.predicted_date,
                        reason=forecast.reason,
                    )
                    for forecast in forecasts
                ),
            )
