from odoo import api, fields, models


class CreditGroup(models.Model):
    """Customers that belong together (a parent company and its subsidiaries, a buying
    group) and share one credit limit in a company: the group's exposure is the sum of its
    members' exposures there, and any member's order that would take the group over its
    limit is held (``credit.hold.mixin._credit_rule_group_limit``)."""

    _name = "credit.group"
    _description = "Credit Group"
    _inherit = ["mail.thread"]
    _order = "name"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    credit_limit = fields.Monetary(
        string="Group Credit Limit",
        tracking=True,
        help="What the members may owe together in this company; 0 for no group limit.",
    )
    member_ids = fields.Many2many(
        "res.partner",
        compute="_compute_member_ids",
        string="Members",
        help="The customers put in this group in its company, and their subsidiaries that "
        "have no group of their own.",
    )
    exposure = fields.Monetary(
        compute="_compute_exposure",
        string="Group Exposure",
        help="The members' exposures in the group's company, added up.",
    )
    available = fields.Monetary(compute="_compute_exposure", string="Available to the Group")

    _check_credit_limit = models.Constraint(
        "CHECK (credit_limit >= 0)", "A group's credit limit cannot be negative."
    )

    def _compute_member_ids(self):
        for group in self:
            group.member_ids = group._members().sudo(False)

    @api.depends("credit_limit")
    def _compute_exposure(self):
        for group in self:
            group.exposure = group._members_exposure()
            group.available = group.credit_limit - group.exposure if group.credit_limit else 0.0

    def _members(self):
        """The customers in these groups (each group in its own company), as superuser: those
        put in one, and their subsidiaries that have no group of their own."""
        members = self.env["res.partner"].sudo()
        for company, groups in self.grouped("company_id").items():
            partners = members.with_company(company)
            named = partners.search([("credit_group_id", "in", groups.ids)])
            subsidiaries = partners.search(
                [
                    ("id", "child_of", named.ids),
                    ("is_company", "=", True),
                    ("id", "not in", named.ids),
                ]
            )
            sharing = subsidiaries.filtered(
                lambda partner, groups=groups: partner._credit_group() in groups
            )
            members |= named | sharing
        return members

    def _refresh_members(self, today):
        """Refresh the members' figures that are not fresh, before a credit check judges the
        groups on them (a member never computed counts too)."""
        risks = self.env["credit.partner.risk"].sudo()
        for company, groups in self.grouped("company_id").items():
            risks._refresh_unless_fresh(company, groups._members().ids, today)

    def _members_exposure(self, excluding=None):
        """The members' exposure in the group's company (but ``excluding``'s), from their
        stored figures."""
        self.ensure_one()
        members = self._members() - (excluding or self.env["res.partner"])
        [(exposure,)] = (
            self.env["credit.partner.risk"]
            .sudo()
            ._read_group(
                [("company_id", "=", self.company_id.id), ("partner_id", "in", members.ids)],
                aggregates=["exposure:sum"],
            )
        )
        return exposure or 0.0
