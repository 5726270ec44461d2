from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.tools import SQL

from ..tools.groups import CREDIT_MANAGER

# Set by the approve and reject actions (or the nightly proposals), never by a client.
DECISION_FIELDS = {"state", "decided_by_id", "decided_on", "origin", "requested_by_id"}


class CreditLimitRequest(models.Model):
    """A proposed change of a customer's credit limit, decided by a Credit Manager.

    The limit itself stays Odoo's own company-dependent ``res.partner.credit_limit``: an approved
    request writes it in the request's company and leaves the decision on both chatters.
    """

    _name = "credit.limit.request"
    _description = "Credit Limit Change Request"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "create_date desc, id desc"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        tracking=True,
        domain="[('parent_id', '=', False)]",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    current_limit = fields.Monetary(
        compute="_compute_current_limit",
        store=True,
        precompute=True,
        readonly=True,
        help="The customer's limit in this company when the request was made.",
    )
    requested_limit = fields.Monetary(required=True, tracking=True)
    reason = fields.Text(required=True, help="Why the limit should change.")
    state = fields.Selection(
        [("to_approve", "To Approve"), ("approved", "Approved"), ("rejected", "Rejected")],
        default="to_approve",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    origin = fields.Selection(
        [("manual", "Manual"), ("automatic", "Payment history")],
        default="manual",
        required=True,
        readonly=True,
        help="Payment history: proposed by the nightly recompute from the risk policy.",
    )
    requested_by_id = fields.Many2one(
        "res.users", readonly=True, default=lambda self: self.env.user
    )
    decided_by_id = fields.Many2one("res.users", readonly=True, tracking=True)
    decided_on = fields.Datetime(readonly=True)
    decision_note = fields.Text(help="Why the request was approved or rejected.")
    exposure = fields.Monetary(compute="_compute_risk_figures")
    overdue_amount = fields.Monetary(compute="_compute_risk_figures", string="Overdue")
    grade = fields.Selection(
        lambda self: self.env["credit.partner.risk"]._fields["grade"].selection,
        compute="_compute_risk_figures",
        string="Risk Grade",
    )
    avg_monthly_sales = fields.Monetary(compute="_compute_risk_figures")

    _requested_limit_positive = models.Constraint(
        "CHECK (requested_limit >= 0 AND requested_limit <= 1e12)",
        "A credit limit goes from zero to 1,000,000,000,000.",
    )

    @api.depends("partner_id", "company_id")
    def _compute_current_limit(self):
        for request in self:
            partner = request.partner_id.with_company(request.company_id).sudo()
            request.current_limit = partner.credit_limit

    @api.model_create_multi
    def create(self, vals_list):
        """A request is created waiting for a decision, by its requester: its decision fields
        move only through the approve and reject actions."""
        if not self.env.su:
            forged = set().union(*(DECISION_FIELDS & vals.keys() for vals in vals_list))
            if forged:
                raise AccessError(
                    self.env._(
                        "A credit limit request is created waiting for a decision: %(fields)s "
                        "are set by its approval or rejection.",
                        fields=", ".join(sorted(forged)),
                    )
                )
        return super().create(vals_list)

    def write(self, vals):
        if not self.env.su and (DECISION_FIELDS | {"company_id"}) & vals.keys():
            raise AccessError(
                self.env._(
                    "A request's company, state and decision change only through its approval "
                    "or rejection."
                )
            )
        return super().write(vals)

    @api.depends("partner_id", "company_id")
    def _compute_risk_figures(self):
        """The customer's current credit figures in the request's company, for the decision."""
        for request in self:
            risk = request.partner_id.with_company(request.company_id).credit_risk_id
            request.exposure = risk.exposure
            request.overdue_amount = risk.overdue_amount
            request.grade = risk.grade
            request.avg_monthly_sales = risk.avg_monthly_sales

    @api.depends("partner_id", "current_limit", "requested_limit")
    def _compute_display_name(self):
        for request in self:
            request.display_name = self.env._(
                "%(partner)s: %(old)s → %(new)s",
                partner=request.partner_id.display_name or "",
                old=request._format(request.current_limit),
                new=request._format(request.requested_limit),
            )

    def action_submit(self):
        """Send the saved request to the company's Credit Managers, by activity."""
        for request in self.filtered(lambda request: request.state == "to_approve"):
            for manager in request.company_id._credit_managers():
                request.sudo().activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=manager.id,
                    summary=self.env._("Credit limit request to decide"),
                    note=request.reason,
                )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._("Request sent to the Credit Managers."),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_approve(self):
        """Apply the requested limits; the requests are closed and the partners' chatter tells."""
        self._guard_decidable()
        self._apply_limits()
        self._set_decision("approved")

    def action_reject(self):
        self._guard_decidable()
        if missing := self.filtered(lambda request: not request.decision_note):
            raise UserError(
                self.env._(
                    "Write in the decision note why the request for %(partners)s is rejected.",
                    partners=", ".join(missing.partner_id.mapped("display_name")),
                )
            )
        self._set_decision("rejected")

    def _guard_decidable(self):
        if not self.env.user.has_group(CREDIT_MANAGER):
            raise AccessError(self.env._("Only a Credit Manager can approve or reject a request."))
        if own := self.filtered(
            lambda request: (
                request.requested_by_id == self.env.user
                and request.origin == "manual"
                and self.env["credit.risk.policy"]._for_company(request.company_id).limit_four_eyes
            )
        ):
            raise UserError(
                self.env._(
                    "Four eyes: another Credit Manager decides your own requests (%(requests)s).",
                    requests=", ".join(own.mapped("display_name")),
                )
            )
        if decided := self.filtered(lambda request: request.state != "to_approve"):
            raise UserError(
                self.env._(
                    "These requests were already decided: %(requests)s",
                    requests=", ".join(decided.mapped("display_name")),
                )
            )

    def _apply_limits(self):
        for request in self:
            partner = request.partner_id.with_company(request.company_id)
            partner._log_credit_limit_change(
                request.requested_limit,
                detail=self.env._(
                    "Requested by %(requester)s: %(reason)s",
                    requester=request.requested_by_id.name,
                    reason=request.reason,
                ),
            )
            partner.sudo().write(
                {"credit_limit": request.requested_limit, "use_partner_credit_limit": True}
            )

    @api.model
    def _propose_for_customers(self, company, partner_ids):
        """Propose the suggested limits of ``partner_ids`` in ``company`` that differ from the
        customers' current ones (see :meth:`_propose_from_risks`)."""
        policy = self.env["credit.risk.policy"]._for_company(company)
        if policy.limit_mode == "off":
            return self.browse()
        partners = self.env["res.partner"].with_company(company)
        default = partners._fields["credit_limit"].get_company_dependent_fallback(partners) or 0.0
        # A superset of the customers whose limit may change: those with a limit of their own,
        # and young accounts (for the starter limit); the exact rules are _proposed_change's.
        rows = self.env.execute_query(
            SQL(
                """
                SELECT risk.id
                  FROM credit_partner_risk risk
                  JOIN res_partner partner ON partner.id = risk.partner_id
                 WHERE risk.company_id = %(company_id)s
                   AND risk.partner_id = ANY(%(partner_ids)s)
                   AND risk.suggested_limit IS DISTINCT FROM
                       COALESCE((partner.credit_limit ->> %(company_key)s)::numeric, %(default)s)
                   AND (partner.credit_limit ? %(company_key)s
                        OR risk.account_age_days IS NULL
                        OR risk.account_age_days < %(starter_days)s)
                """,
                company_id=company.id,
                partner_ids=list(partner_ids),
                company_key=str(company.id),
                default=default,
                starter_days=policy.starter_days,
            )
        )
        risks = self.env["credit.partner.risk"].browse([risk_id for (risk_id,) in rows])
        return self.sudo()._propose_from_risks(risks)

    @api.model
    def _propose_from_risks(self, risks):
        """Turn the suggested limits of ``risks`` (one company) into limit changes.

        Changes within the policy's tolerance, and starter limits, are applied at once and
        recorded as approved requests; the others wait for a Credit Manager. Customers with a
        request already waiting are left alone.
        """
        if not risks:
            return self.browse()
        company = risks.company_id
        policy = self.env["credit.risk.policy"]._for_company(company)
        if policy.limit_mode == "off":
            return self.browse()
        waiting = self.search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "to_approve"),
                ("partner_id", "in", risks.partner_id.ids),
            ]
        ).partner_id
        automatic, to_approve = [], []
        for risk in risks.filtered(lambda risk: risk.partner_id not in waiting):
            change = self._proposed_change(risk, policy)
            if change:
                values, apply_now = change
                (automatic if apply_now else to_approve).append(values)
        self.create(to_approve)
        applied = self.create(automatic)
        applied._apply_limits()
        applied._set_decision("approved")
        return applied

    @api.model
    def _proposed_change(self, risk, policy):
        """``(request values, apply now?)`` for one customer, or None when nothing changes."""
        company = risk.company_id
        partner = risk.partner_id.with_company(company).sudo()
        current, suggested = partner.credit_limit, risk.suggested_limit
        if partner.kyc_status != "complete":
            suggested = min(suggested, policy.kyc_free_exposure)  # capped until KYC is done
        if company.currency_id.is_zero(suggested - current):
            return None
        if partner.use_partner_credit_limit:
            reason = self.env._(
                "Suggested from payment history: grade %(grade)s, score %(score)s, "
                "average monthly sales %(sales)s.",
                grade=risk.grade,
                score=risk.score,
                sales=company.currency_id.round(risk.avg_monthly_sales),
            )
            apply_now = policy._within_tolerance(current, suggested)
        elif company.account_use_credit_limit and (
            risk.account_age_days is None or risk.account_age_days < policy.starter_days
        ):
            reason = self.env._("Starter limit for a young account.")
            apply_now = policy.limit_mode == "auto"
        else:
            return None
        values = {
            "partner_id": partner.id,
            "company_id": company.id,
            "requested_limit": suggested,
            "reason": reason,
            "origin": "automatic",
        }
        return values, apply_now

    def _set_decision(self, state):
        self.sudo().write(
            {
                "state": state,
                "decided_by_id": self.env.uid,
                "decided_on": fields.Datetime.now(),
            }
        )
        self.sudo().activity_unlink(["mail.mail_activity_data_todo"])
        for request in self.filtered(lambda request: request.requested_by_id != self.env.user):
            request._notify_requester()

    def _notify_requester(self):
        """Tell the requester how the request was decided (a notification in Odoo's inbox)."""
        self.ensure_one()
        requester = self.requested_by_id
        if not requester or requester.share or self.origin != "manual":
            return
        self.message_post(
            body=self.env._(
                "%(customer)s: credit limit request %(decision)s by %(user)s. %(note)s",
                customer=self.partner_id.display_name,
                decision=dict(self._fields["state"]._description_selection(self.env))[self.state],
                user=self.env.user.name,
                note=self.decision_note or "",
            ),
            partner_ids=requester.partner_id.ids,
            subtype_xmlid="mail.mt_comment",
        )

    def _format(self, amount):
        return self.currency_id.format(amount) if self.currency_id else str(amount)
