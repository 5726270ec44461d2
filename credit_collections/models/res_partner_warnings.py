from odoo import api, fields, models

from ..tools.groups import INTERNAL_USERS

# What the customer's form lists of each warning.
LISTED_WARNING_FIELDS = ["partner_id", "company_id", "raised_on", "kind", "details", "active"]


class ResPartner(models.Model):
    """A customer's active early warnings, in the companies the user works in: the
    *Watchlist* filter is a search on them."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_warning_ids = fields.One2many(
        "credit.risk.warning",
        "partner_id",
        string="Early Warnings",
        groups=INTERNAL_USERS,
    )
    credit_listed_warning_ids = fields.Many2many(
        "credit.risk.warning",
        compute="_compute_credit_listed_warning_ids",
        string="Active Early Warnings",
        groups=INTERNAL_USERS,
    )

    @api.depends_context("allowed_company_ids")
    @api.depends("credit_warning_ids", "commercial_partner_id.credit_risk_ids.has_active_warnings")
    def _compute_credit_listed_warning_ids(self):
        """The form's list of warnings in one query, their ids with what it shows (read
        through the one2many, the ids come first, the rows in a query of their own), and
        none for a customer whose risk rows, which the form reads anyway, have no active
        warnings (most customers)."""
        warned = self & self.credit_company_risk_ids.filtered("has_active_warnings").partner_id
        warnings = self.env["credit.risk.warning"]
        if warned:
            warnings = warnings.search_fetch(
                [("partner_id", "in", warned.ids)], LISTED_WARNING_FIELDS
            )
        by_partner = warnings.grouped("partner_id")
        for partner in self.sudo():  # read under the user's rules: not checked again
            partner.credit_listed_warning_ids = by_partner.get(partner, warnings.browse())
