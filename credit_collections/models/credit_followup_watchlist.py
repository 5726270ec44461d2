from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL


class CreditFollowup(models.Model):
    """The customer's active early warnings in the follow-up's company, and the *Watchlist*
    filter of the follow-up screen."""

    _inherit = "credit.followup"  # pylint: disable=consider-merging-classes-inherited

    warning_ids = fields.One2many(
        "credit.risk.warning",
        compute="_compute_warning_ids",
        search="_search_warning_ids",
        string="Early Warnings",
    )

    @api.depends("partner_id", "company_id")
    def _compute_warning_ids(self):
        warnings = self.env["credit.risk.warning"].search(
            [("partner_id", "in", self.partner_id.ids), ("company_id", "in", self.company_id.ids)]
        )
        by_customer = warnings.grouped(lambda warning: (warning.partner_id, warning.company_id))
        for followup in self:
            followup.warning_ids = by_customer.get(
                (followup.partner_id, followup.company_id), warnings.browse()
            )

    def _search_warning_ids(self, operator, value):
        """Only ``!= False`` (the *Watchlist*) and ``= False``: follow-ups whose customer has
        an active warning in their company."""
        if operator not in ("=", "!=") or value is not False:
            raise UserError(self.env._("Search the early warnings as set or not set."))
        watched = Domain(
            "id",
            "in",
            SQL(
                """
                (SELECT followup.id FROM credit_followup followup
                  JOIN credit_risk_warning warning
                    ON warning.partner_id = followup.partner_id
                   AND warning.company_id = followup.company_id
                 WHERE warning.active)
                """
            ),
        )
        return watched if operator == "!=" else ~watched
