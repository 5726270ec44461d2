from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.groups import COLLECTIONS_USER, CREDIT_MANAGER, INTERNAL_USERS
from ..tools.receivables import AGING_BUCKETS
from .credit_risk_policy import GRADES, MAX_AMOUNT, within

# Credit data is internal: portal users (customers) never read their own score, hold or figures.


# The customer's figures in the current company: partner field → column of its risk row.
RISK_FIGURES = {
    "credit_risk_computed_on": "computed_on",
    "credit_exposure": "exposure",
    "credit_open_amount": "open_amount",
    "credit_overdue_amount": "overdue_amount",
    "credit_draft_invoice_amount": "draft_invoice_amount",
    "credit_uninvoiced_order_amount": "uninvoiced_order_amount",
    "credit_score": "score",
    "credit_grade": "grade",
    "credit_score_reasons": "score_reasons",
}

# What the customer's form shows of its risk rows: its figures, each company's aging and
# payment behaviour; not the rows' other columns (history, behaviour, forecast inputs).
RISK_ROW_FIELDS = [
    "partner_id",
    "company_id",
    "currency_id",
    *RISK_FIGURES.values(),
    *(name for name, _first, _last in AGING_BUCKETS),
    "avg_days_late",
    "late_share",
    "dispute_count",
    "has_active_warnings",
]


def _risk_figure(column):
    """A figure of the customer's current-company risk row, shown and searched as a related
    field would be, but computed with the others in one pass (``_compute_credit_figures``):
    each related field is a pass of its own over the records, and the form shows nine."""

    def search(partners, operator, value):
        row_domain = [(column, operator, value), ("company_id", "=", partners.env.company.id)]
        return [("commercial_partner_id.credit_risk_ids", "any", row_domain)]

    return {"compute": "_compute_credit_figures", "search": search, "groups": INTERNAL_USERS}


class ResPartner(models.Model):
    _inherit = "res.partner"

    credit_risk_ids = fields.One2many(
        "credit.partner.risk",
        "partner_id",
        string="Credit Figures",
        readonly=True,
        groups=INTERNAL_USERS,
    )
    credit_risk_id = fields.Many2one(
        "credit.partner.risk",
        compute="_compute_credit_risk_id",
        search="_search_credit_risk_id",
        string="Credit Figures (current company)",
        groups=INTERNAL_USERS,
    )
    credit_company_risk_ids = fields.Many2many(
        "credit.partner.risk",
        compute="_compute_credit_risk_id",
        string="Credit Figures by Company",
        help="The customer's figures in each of the companies the user works in.",
        groups=INTERNAL_USERS,
    )
    credit_consolidated_exposure = fields.Monetary(
        compute="_compute_credit_consolidated_exposure",
        string="Exposure, All Companies",
        help="The customer's exposure in each of the companies the user works in, converted "
        "to the current company's currency at today's rate and added up.",
        groups=CREDIT_MANAGER,
    )
    credit_risk_computed_on = fields.Date(
        string="Credit Figures As Of", **_risk_figure("computed_on")
    )
    credit_exposure = fields.Monetary(string="Exposure", **_risk_figure("exposure"))
    credit_open_amount = fields.Monetary(string="Open Receivable", **_risk_figure("open_amount"))
    credit_overdue_amount = fields.Monetary(string="Overdue", **_risk_figure("overdue_amount"))
    credit_draft_invoice_amount = fields.Monetary(
        string="Draft Invoices", **_risk_figure("draft_invoice_amount")
    )
    credit_uninvoiced_order_amount = fields.Monetary(
        string="Orders to Invoice", **_risk_figure("uninvoiced_order_amount")
    )
    credit_hold = fields.Boolean(
        company_dependent=True,
        copy=False,
        help="Hold every quotation of this customer in this company until lifted.",
        groups=INTERNAL_USERS,
    )
    credit_hold_note = fields.Char(
        string="Hold Reason", company_dependent=True, copy=False, groups=INTERNAL_USERS
    )
    kyc_item_ids = fields.One2many(
        "credit.kyc.item",
        "partner_id",
        string="KYC Checklist",
        groups=COLLECTIONS_USER,
    )
    kyc_started = fields.Boolean(
        string="KYC Started",
        compute="_compute_kyc_started",
        store=True,
        help="The customer has a KYC checklist, in some company.",
        groups=INTERNAL_USERS,
    )
    kyc_status = fields.Selection(
        [
            ("none", "Not started"),
            ("incomplete", "Incomplete"),
            ("complete", "Complete"),
            ("review_due", "Review due"),
            ("expired", "Expired"),
        ],
        string="KYC",
        compute="_compute_kyc_status",
        search="_search_kyc_status",
        compute_sudo=True,
        help="From the customer's checklist in the current company: complete when every "
        "required item is verified and none of them has expired; review due when the last "
        "review is older than the policy's interval for the customer's risk grade.",
        groups=INTERNAL_USERS,
    )
    kyc_reviewed_on = fields.Date(
        string="KYC Reviewed On",
        company_dependent=True,
        copy=False,
        help="Last periodic review of the checklist; the first one is the latest verification.",
        groups=INTERNAL_USERS,
    )
    credit_score = fields.Integer(string="Risk Score", **_risk_figure("score"))
    credit_grade = fields.Selection(
        [(grade, grade) for grade in GRADES], string="Risk Grade", **_risk_figure("grade")
    )
    credit_score_reasons = fields.Text(string="Why", **_risk_figure("score_reasons"))
    credit_limit_amount = fields.Monetary(
        compute="_compute_credit_limit_amount",
        compute_sudo=True,
        string="Current Credit Limit",
        help="The customer's credit limit in the current company, for those who may not set it: "
        "they ask a Credit Manager for a change.",
        groups=INTERNAL_USERS,
    )
    credit_available = fields.Monetary(
        compute="_compute_credit_available",
        search="_search_credit_available",
        string="Available Credit",
        help="Credit limit less exposure, when the customer has a limit.",
        groups=INTERNAL_USERS,
    )

    @api.depends_context("company", "allowed_company_ids")
    @api.depends("commercial_partner_id.credit_risk_ids.exposure")
    def _compute_credit_risk_id(self):
        """One query for the batch, the rows' figures with them; not a filter of
        ``credit_risk_ids``: a one2many's cache is shared by every environment, and a read
        under another company's record rules (``with_company``) would leave in it only that
        company's rows."""
        risk_model = self.env["credit.partner.risk"]
        risks = risk_model.search_fetch(
            [
                ("partner_id", "in", self.commercial_partner_id.ids),
                ("company_id", "in", self.env.companies.ids),
            ],
            RISK_ROW_FIELDS,
        )
        risks_by_partner = risks.grouped("partner_id")
        for partner in self.sudo():  # the rows were read under the user's rules: not again
            rows = risks_by_partner.get(partner.commercial_partner_id, risk_model)
            partner.credit_company_risk_ids = rows
            partner.credit_risk_id = rows.filtered(lambda risk: risk.company_id == self.env.company)

    @api.depends_context("company", "allowed_company_ids")
    @api.depends("commercial_partner_id.credit_risk_ids.exposure")
    def _compute_credit_consolidated_exposure(self):
        """Apart from the rows: only a multi-company Credit Manager's form shows it."""
        for partner in self:
            partner.credit_consolidated_exposure = self._credit_consolidated(
                partner.credit_company_risk_ids
            )

    @api.model
    def _credit_consolidated(self, rows):
        """The exposure of these risk rows (one per company) in the current company's
        currency, each converted at today's rate."""
        company = self.env.company
        today = fields.Date.context_today(self)
        return sum(
            row.currency_id._convert(row.exposure, company.currency_id, company, today)
            for row in rows
        )

    @api.depends_context("company", "allowed_company_ids")
    @api.depends(*(f"credit_risk_id.{column}" for column in RISK_FIGURES.values()))
    def _compute_credit_figures(self):
        for partner in self:
            risk = partner.credit_risk_id.sudo()  # as a related field reads it
            partner.update({name: risk[column] for name, column in RISK_FIGURES.items()})

    def _search_credit_risk_id(self, operator, value):
        risk_domain = [("id", operator, value), ("company_id", "=", self.env.company.id)]
        return [("commercial_partner_id.credit_risk_ids", "any", risk_domain)]

    @api.depends_context("company")
    @api.depends("commercial_partner_id.credit_limit")
    def _compute_credit_limit_amount(self):
        for partner in self:
            partner.credit_limit_amount = partner.commercial_partner_id.credit_limit

    @api.depends_context("company")
    @api.depends("credit_risk_id.exposure")
    def _compute_credit_available(self):
        for partner in self:
            limit = partner.commercial_partner_id.sudo().credit_limit
            partner.credit_available = limit - partner.credit_exposure if limit else 0.0

    def _search_credit_available(self, operator, value):
        """Customers with a credit limit of their own in the current company, by what is left
        of it (one query)."""
        comparators = {"<": SQL("<"), "<=": SQL("<="), ">": SQL(">"), ">=": SQL(">=")}
        if operator not in comparators or not isinstance(value, (int, float)):
            raise UserError(
                self.env._("Search the available credit with <, <=, > or >= and an amount.")
            )
        company_key = str(self.env.company.id)
        rows = self.env.execute_query(
            SQL(
                """
                SELECT partner.id
                  FROM res_partner partner
                  JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
                  LEFT JOIN credit_partner_risk risk
                         ON risk.partner_id = commercial.id AND risk.company_id = %(company)s
                 WHERE commercial.credit_limit ? %(key)s
                   AND (commercial.credit_limit ->> %(key)s)::numeric - COALESCE(risk.exposure, 0)
                       %(comparator)s %(value)s
                """,
                company=self.env.company.id,
                key=company_key,
                comparator=comparators[operator],
                value=value,
            )
        )
        return [("id", "in", [partner_id for (partner_id,) in rows])]

    def _search_kyc_status(self, operator, value):
        """By KYC status in the current company: the customers with required items are sorted
        by their computed status; the others are 'none'."""
        if operator not in ("in", "not in"):
            raise UserError(self.env._("Search the KYC status by its values."))
        has_items = [
            (
                "kyc_item_ids",
                "any",
                [("company_id", "=", self.env.company.id), ("required", "=", True)],
            )
        ]
        customers = self.sudo().search(has_items)
        matching = customers.filtered(lambda customer: customer.kyc_status in value)
        domain = Domain("commercial_partner_id", "in", matching.ids)
        if "none" in value:
            domain |= ~Domain("commercial_partner_id", "any", has_items)
        return domain if operator == "in" else ~domain

    @api.depends("kyc_item_ids")
    def _compute_kyc_started(self):
        for partner in self:
            partner.kyc_started = bool(partner.kyc_item_ids)

    @api.depends_context("company")
    @api.depends(
        "commercial_partner_id.kyc_item_ids.state",
        "commercial_partner_id.kyc_item_ids.expires_on",
        "commercial_partner_id.kyc_reviewed_on",
    )
    def _compute_kyc_status(self):
        """One search for the batch (see ``_compute_credit_risk_id`` on why not a filter of
        ``kyc_item_ids``), none when no customer of it has started a checklist (most customers:
        opening one costs no query for it); the policy only for a complete checklist."""
        started = self.commercial_partner_id.filtered("kyc_started")
        if not started:
            self.kyc_status = "none"
            return
        items = self.env["credit.kyc.item"].search_fetch(
            [
                ("partner_id", "in", started.ids),
                ("company_id", "=", self.env.company.id),
                ("required", "=", True),
            ],
            ["partner_id", "state", "expires_on", "verified_on"],
        )
        items_by_partner = items.grouped("partner_id")
        today = fields.Date.context_today(self)
        review_months = None  # read once per batch, and only for a complete checklist
        for partner in self:
            commercial = partner.commercial_partner_id
            required = items_by_partner.get(commercial)
            if not required:
                partner.kyc_status = "none"
            elif all(item._is_valid_on(today) for item in required):
                if review_months is None:
                    policy = self.env["credit.risk.policy"]._for_company(self.env.company)
                    review_months = policy._kyc_review_months()
                due = commercial._kyc_review_due(required, today, review_months)
                partner.kyc_status = "review_due" if due else "complete"
            elif all(item.state in ("verified", "expired") for item in required):
                partner.kyc_status = "expired"
            else:
                partner.kyc_status = "incomplete"

    def _kyc_review_due(self, verified_items, today, review_months):
        """Whether the last review (or verification) is older than the policy's interval for
        the customer's grade (``review_months``: the policy's months per grade)."""
        months = review_months[self.credit_grade or "C"]
        reviewed = self.kyc_reviewed_on or max(verified_items.mapped("verified_on"))
        return reviewed + relativedelta(months=months) < today

    @api.model_create_multi
    def create(self, vals_list):
        """A new customer's credit limit, typed in by anyone but a Credit Manager, becomes a
        change request too (a duplicate carries no limit: Odoo does not copy it)."""
        for vals in vals_list:
            self._refuse_bad_credit_limit(vals)
        if self.env.su or self.env.user.has_group(CREDIT_MANAGER):
            return super().create(vals_list)
        if any({"credit_hold", "credit_hold_note"} & vals.keys() for vals in vals_list):
            raise AccessError(self.env._("Only a Credit Manager can put a customer on hold."))
        vals_list = [dict(vals) for vals in vals_list]
        limits = [vals.pop("credit_limit", None) for vals in vals_list]
        for vals in vals_list:
            vals.pop("use_partner_credit_limit", None)
        partners = super().create(vals_list)
        for partner, limit in zip(partners, limits, strict=True):
            if limit:
                partner._request_credit_limit(limit)
        return partners

    def write(self, vals):
        """A credit limit typed in by anyone but a Credit Manager becomes a change request."""
        self._refuse_bad_credit_limit(vals)
        if {"credit_hold", "credit_hold_note"} & vals.keys() and not self.env.su:
            self._guard_credit_hold_change(vals)
        if "credit_limit" in vals and not self.env.su:
            if not self.env.user.has_group(CREDIT_MANAGER):
                vals = dict(vals)
                self._request_credit_limit(vals.pop("credit_limit"))
                vals.pop("use_partner_credit_limit", None)
                if not vals:
                    return True
            else:
                self._log_credit_limit_change(vals["credit_limit"])
        return super().write(vals)

    @api.model
    def _refuse_bad_credit_limit(self, vals):
        limit = vals.get("credit_limit")
        if limit is not None and not within(limit, 0, MAX_AMOUNT):
            raise ValidationError(
                self.env._(
                    "A credit limit goes from zero to %(max)s: %(limit)s is not one.",
                    max=f"{MAX_AMOUNT:,.0f}",
                    limit=limit,
                )
            )

    def action_refresh_credit_risk(self):
        """Recompute the credit figures of these customers in the current company, now."""
        self.env["credit.partner.risk"]._refresh(self.env.company, self.commercial_partner_id.ids)
        return True

    def action_open_credit_history(self):
        """The customer's score and receivables month by month, in the current company."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "credit_collections.credit_partner_risk_history_action"
        )
        action["domain"] = [
            ("partner_id", "=", self.commercial_partner_id.id),
            ("company_id", "=", self.env.company.id),
        ]
        action["display_name"] = self.env._(
            "Score History: %(customer)s", customer=self.commercial_partner_id.display_name
        )
        return action

    def action_credit_limit_request(self, requested_limit=None, reason=None):
        """Open a limit change request for this customer in the current company (a dialog)."""
        self.ensure_one()
        partner = self.commercial_partner_id
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Credit Limit Request"),
            "res_model": "credit.limit.request",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_partner_id": partner.id,
                "default_company_id": self.env.company.id,
                "default_requested_limit": partner.credit_limit_amount
                if requested_limit is None
                else requested_limit,
                "default_reason": reason,
            },
        }

    def action_apply_kyc_template(self):
        """Create the customer's checklist from the matching template (missing items only)."""
        for partner in self.commercial_partner_id:
            template = self.env["credit.kyc.template"]._for_partner(partner)
            if not template:
                raise UserError(
                    self.env._(
                        "No KYC template fits %(partner)s: add one for its type and country.",
                        partner=partner.display_name,
                    )
                )
            existing = partner.kyc_item_ids.filtered(
                lambda item: item.company_id == self.env.company
            ).template_item_id
            self.env["credit.kyc.item"].create(
                [
                    {
                        "partner_id": partner.id,
                        "template_item_id": line.id,
                        "sequence": line.sequence,
                        "name": line.name,
                        "check_type": line.check_type,
                        "required": line.required,
                        "validity_months": line.validity_months,
                    }
                    for line in template.item_ids - existing
                ]
            )
        return True

    def action_kyc_mark_reviewed(self):
        """Record today's periodic KYC review of these customers, in the current company."""
        today = fields.Date.context_today(self)
        for partner in self.commercial_partner_id:
            partner.kyc_reviewed_on = today
            partner.message_post(
                body=self.env._(
                    "KYC reviewed by %(user)s in %(company)s.",
                    user=self.env.user.name,
                    company=self.env.company.name,
                )
            )
        return True

    def _guard_credit_hold_change(self, vals):
        if not self.env.user.has_group(CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can put a customer on hold."))
        if "credit_hold" in vals:
            self._log_credit_hold(vals["credit_hold"], vals.get("credit_hold_note"))

    def _credit_set_hold(self, hold, note=False):
        """Set or lift the credit hold in the current company, for a rule of the addon (the
        ladder's effect): written as superuser, logged like a Credit Manager's."""
        self._log_credit_hold(hold, note)
        self.sudo().write({"credit_hold": hold, "credit_hold_note": note if hold else False})

    def _log_credit_hold(self, hold, note):
        """The audit trail of a hold set or lifted, on the customer's chatter."""
        for partner in self:
            partner.message_post(
                body=self.env._(
                    "%(user)s %(action)s the credit hold in %(company)s: %(note)s",
                    user=self.env.user.name,
                    action=self.env._("set") if hold else self.env._("lifted"),
                    company=self.env.company.name,
                    note=note or partner.credit_hold_note or "",
                )
            )

    def _request_credit_limit(self, limit):
        self.env["credit.limit.request"].create(
            [
                {
                    "partner_id": partner.id,
                    "requested_limit": limit,
                    "reason": self.env._(
                        "Changed on the customer form by %(user)s.", user=self.env.user.name
                    ),
                }
                for partner in self.commercial_partner_id
            ]
        )

    def _log_credit_limit_change(self, limit, detail=None):
        """The audit trail of a credit limit changed in the current company."""
        currency = self.env.company.currency_id
        for partner in self:
            body = self.env._(
                "Credit limit in %(company)s changed from %(old)s to %(new)s by %(user)s.",
                company=self.env.company.name,
                old=currency.format(partner.credit_limit),
                new=currency.format(limit),
                user=self.env.user.name,
            )
            partner.message_post(body=f"{body} {detail}" if detail else body)
