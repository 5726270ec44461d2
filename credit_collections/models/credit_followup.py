from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain
from odoo.tools import SQL

from ..tools.receivables import covered_items_domain, open_items_domain, overdue_items_domain

GRADE_PRIORITY = {"A": 1.0, "B": 1.25, "C": 1.5, "D": 2.0, "E": 3.0}


class CreditFollowup(models.Model):
    """The collections file of one customer (commercial partner) in one company.

    Written by the daily escalation run (see ``credit_followup_escalation.py``), worked by
    collectors from the follow-up screen. Amounts leave out disputed items (Odoo's
    ``no_followup``); the aging buckets and the grade are the customer's credit figures.
    """

    _name = "credit.followup"
    _description = "Customer Follow-up"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "priority desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    risk_id = fields.Many2one("credit.partner.risk", string="Credit Figures", readonly=True)
    grade = fields.Selection(related="risk_id.grade", string="Risk Grade")
    amount_not_due = fields.Monetary(related="risk_id.amount_not_due")
    amount_late_1_30 = fields.Monetary(related="risk_id.amount_late_1_30")
    amount_late_31_60 = fields.Monetary(related="risk_id.amount_late_31_60")
    amount_late_61_90 = fields.Monetary(related="risk_id.amount_late_61_90")
    amount_late_91_120 = fields.Monetary(related="risk_id.amount_late_91_120")
    amount_late_120_plus = fields.Monetary(related="risk_id.amount_late_120_plus")
    dispute_count = fields.Integer(related="risk_id.dispute_count")
    collector_override_id = fields.Many2one(
        "res.users",
        string="Collector (by hand)",
        tracking=True,
        domain="[('share', '=', False)]",
        help="Set to assign this customer to a collector by hand; empty: the default collector "
        "of its category or ladder.",
    )
    collector_id = fields.Many2one(
        "res.users",
        compute="_compute_collector_id",
        store=True,
        index=True,
        help="Gets the calls to make: the collector set by hand, else the default collector of "
        "the customer's category or ladder; empty: the customer's salesperson.",
    )
    category_id = fields.Many2one(
        "credit.delinquency.category", string="Category (automatic)", readonly=True
    )
    category_override_id = fields.Many2one(
        "credit.delinquency.category",
        tracking=True,
        help="Set to classify this customer by hand; the automatic category is then ignored.",
    )
    policy_id = fields.Many2one(
        "credit.followup.policy",
        string="Ladder",
        compute="_compute_policy_id",
        store=True,
        index=True,
        help="The ladder of the customer's category: the levels it climbs.",
    )
    effective_category_id = fields.Many2one(
        "credit.delinquency.category",
        string="Category",
        compute="_compute_effective_category_id",
    )
    level_id = fields.Many2one(
        "credit.followup.level",
        readonly=True,
        tracking=True,
        index=True,
        help="The highest level reached and acted upon for the customer's open invoices.",
    )
    level_date = fields.Date(string="Level Reached On", readonly=True)
    pending_level_id = fields.Many2one(
        "credit.followup.level",
        string="Manual Level Due",
        readonly=True,
        help="A manual level reached by the invoices: a collector sends it from this screen.",
    )
    next_level_id = fields.Many2one("credit.followup.level", readonly=True)
    next_action_date = fields.Date(string="Next Action", readonly=True, index=True)
    state = fields.Selection(
        [
            ("clear", "Nothing due"),
            ("auto", "Escalating"),
            ("action", "Action needed"),
            ("paused", "Paused"),
            ("handed_off", "Handed off"),
        ],
        default="clear",
        required=True,
        readonly=True,
        index=True,
        tracking=True,
    )
    paused_until = fields.Date(
        readonly=True, help="Escalation waits until then: a promise to pay or a payment plan."
    )
    escalate = fields.Boolean(
        readonly=True,
        help="A promise or an instalment was broken: the next run moves one level up at once.",
    )
    overdue_amount = fields.Monetary(
        string="Overdue", readonly=True, help="Overdue receivable, disputed items left out."
    )
    max_days_overdue = fields.Integer(string="Days Overdue", readonly=True)
    priority = fields.Integer(
        readonly=True,
        index=True,
        help="Amount overdue times days overdue (per invoice), weighted by the risk grade, "
        "in thousands.",
    )
    last_run_date = fields.Date(
        readonly=True,
        index=True,
        help="The day the escalation run last decided for this customer: once per day.",
    )
    communication_ids = fields.One2many(
        "credit.followup.communication", "followup_id", string="Communications", readonly=True
    )
    promise_ids = fields.One2many(
        "credit.followup.promise", "followup_id", string="Promises to Pay", readonly=True
    )
    plan_ids = fields.One2many(
        "credit.payment.plan", "followup_id", string="Payment Plans", readonly=True
    )
    credit_hold = fields.Boolean(
        compute="_compute_credit_hold",
        string="On Credit Hold",
        help="The customer's orders are held in this company until a Credit Manager releases it.",
    )
    delivery_problem = fields.Boolean(
        readonly=True,
        index=True,
        help="The last email or SMS sent to the customer bounced or failed: see its "
        "communication and the activity it left.",
    )
    sent_today = fields.Boolean(
        compute="_compute_sent_today",
        help="The level Send Now would act on was already sent today.",
    )
    open_line_ids = fields.Many2many(
        "account.move.line", compute="_compute_open_line_ids", string="Open Items"
    )

    _unique_partner_company = models.Constraint(
        "UNIQUE (partner_id, company_id)", "A customer has one follow-up per company."
    )

    @api.depends("category_id", "category_override_id")
    def _compute_effective_category_id(self):
        for followup in self:
            followup.effective_category_id = followup.category_override_id or followup.category_id

    @api.depends("category_id.policy_id", "category_override_id.policy_id")
    def _compute_policy_id(self):
        for followup in self:
            followup.policy_id = followup.effective_category_id.policy_id

    @api.depends(
        "collector_override_id",
        "category_id.collector_id",
        "category_id.policy_id.collector_id",
        "category_override_id.collector_id",
        "category_override_id.policy_id.collector_id",
    )
    def _compute_collector_id(self):
        for followup in self:
            followup.collector_id = followup._collector_for(followup.effective_category_id)

    @api.depends("partner_id", "company_id")
    def _compute_credit_hold(self):
        for followup in self:
            partner = followup.partner_id.with_company(followup.company_id)
            followup.credit_hold = partner.sudo().credit_hold

    @api.depends(
        "level_id",
        "pending_level_id",
        "next_level_id",
        "next_action_date",
        "communication_ids.state",
    )
    def _compute_sent_today(self):
        today = fields.Date.context_today(self)
        for followup in self:
            level = followup._level_to_send()
            followup.sent_today = any(
                communication.level_id == level
                and communication.date == today
                and communication.state != "draft"
                for communication in followup.communication_ids
            )

    def _compute_open_line_ids(self):
        for followup in self:
            followup.open_line_ids = self.env["account.move.line"].search(
                followup._open_lines_domain(), order="date_maturity, id"
            )

    def _open_lines_domain(self):
        self.ensure_one()
        return open_items_domain() & Domain(
            [
                ("partner_id.commercial_partner_id", "=", self.partner_id.id),
                ("company_id", "=", self.company_id.id),
            ]
        )

    @api.depends("partner_id", "company_id")
    def _compute_display_name(self):
        multi_company = len(self.company_id) > 1
        for followup in self:
            name = followup.partner_id.display_name or ""
            followup.display_name = (
                f"{name} ({followup.company_id.name})" if multi_company else name
            )

    # Actions of the follow-up screen

    def action_send_now(self):
        """Act now on the level due (or repeat the current one).

        One customer whose level sends an email: the mail composer opens on it, prefilled from
        the level's template with the statement attached, and the level is carried out when the
        collector sends it. Several customers: carried out at once.
        """
        levels = {followup: followup._level_to_send() for followup in self}
        missing = [
            followup.partner_id.display_name for followup, level in levels.items() if not level
        ]
        if missing:
            raise UserError(
                self.env._(
                    "Nothing is due for %s: no follow-up level has been reached.",
                    ", ".join(missing),
                )
            )
        if len(self) == 1 and levels[self].send_email:
            return self._draft_communication(levels[self])._action_compose()
        communications = self.env["credit.followup.communication"]
        for followup, level in levels.items():
            communications |= followup._queue_communication(level, trigger="manual")
        communications._deliver()
        return self._notify_delivery(communications)

    def _notify_delivery(self, communications):
        """A notification of what was done (or failed), then the screen reloads."""
        failed = communications.filtered(lambda c: c.state != "done")
        lines = [
            self.env._(
                "%(customer)s, %(level)s: %(result)s",
                customer=communication.partner_id.display_name,
                level=communication.level_id.name,
                result=communication.error
                if communication in failed
                else (communication.summary or "").replace("\n", "; "),
            )
            for communication in communications
        ]
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if failed else "success",
                "title": self.env._("Not delivered") if failed else self.env._("Sent"),
                "message": "\n".join(lines),
                "sticky": bool(failed),
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_record_promise(self):
        self.ensure_one()
        return self._open_new("credit.followup.promise", self.env._("Promise to Pay"))

    def action_create_plan(self):
        self.ensure_one()
        return self._open_new("credit.payment.plan", self.env._("Payment Plan"))

    def action_mark_dispute(self):
        self.ensure_one()
        action = self._open_new("credit.dispute.wizard", self.env._("Mark Dispute"))
        action["context"]["default_move_ids"] = self._overdue_lines().move_id.ids
        return action

    def _open_new(self, model, name):
        return {
            "type": "ir.actions.act_window",
            "name": name,
            "res_model": model,
            "view_mode": "form",
            "target": "new",
            "context": {"default_followup_id": self.id, "default_partner_id": self.partner_id.id},
        }

    def action_open_partner(self):
        self.ensure_one()
        return self.partner_id._get_records_action(name=self.partner_id.display_name)

    def action_log_call(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "res_model": "mail.activity",
            "view_mode": "form",
            "target": "new",
            "context": {
                "default_res_model": self._name,
                "default_res_id": self.id,
                "default_activity_type_id": self.env.ref("mail.mail_activity_data_call").id,
                "default_user_id": self.env.uid,
            },
        }

    def action_credit_hold(self):
        """Put the customers on credit hold in the follow-up's company (Credit Managers)."""
        for followup in self:
            followup.partner_id.with_company(followup.company_id).write(
                {
                    "credit_hold": True,
                    "credit_hold_note": self.env._(
                        "Put on hold from the follow-up screen (level: %s).",
                        followup.level_id.name or self.env._("none"),
                    ),
                }
            )

    def action_credit_release(self):
        """Lift the customers' credit hold in the follow-up's company (Credit Managers)."""
        for followup in self:
            followup.partner_id.with_company(followup.company_id).write(
                {"credit_hold": False, "credit_hold_note": False}
            )

    def action_print_statement(self):
        self.ensure_one()
        return self.env.ref(
            "credit_collections.action_report_followup_partner_statement"
        ).report_action(self)

    def action_print_letter(self):
        self.ensure_one()
        if not self._overdue_lines():
            raise UserError(
                self.env._(
                    "Nothing is overdue for %s: there is nothing to demand.",
                    self.partner_id.display_name,
                )
            )
        return self.env.ref(
            "credit_collections.action_report_followup_partner_letter"
        ).report_action(self)

    # Business methods

    def _today(self):
        """Today in the user's timezone (for reports)."""
        return fields.Date.context_today(self)

    def _level_to_send(self):
        """The manual level waiting for a collector, else the next level once it is due,
        else the current level (a repeat)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        next_due = self.next_action_date and self.next_action_date <= today
        return self.pending_level_id or (next_due and self.next_level_id) or self.level_id

    def _overdue_lines(self):
        """Open overdue items of the customer (``credit_overdue``: owed, late, not disputed)."""
        if not self:
            return self.env["account.move.line"]
        self.ensure_one()
        today = fields.Date.context_today(self)
        return self.env["account.move.line"].search(
            self._open_lines_domain() & overdue_items_domain(today),
            order="date_maturity, id",
        )

    def _overdue_total(self):
        """What the customer owes today on its overdue, undisputed items (company currency)."""
        return sum(self._overdue_lines().mapped("amount_residual"))

    def _queue_communication(self, level, trigger):
        """Move the customer to ``level`` now and queue what it does (a collector's send)."""
        self.ensure_one()
        self._move_to(level)
        return self.env["credit.followup.communication"]._queue(
            [(self, level, self._covered_lines(level).ids)], trigger
        )

    def _draft_communication(self, level):
        """Today's draft of ``level`` for a collector to write in the composer (reused)."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        draft = self.communication_ids.filtered(
            lambda c: c.state == "draft" and c.level_id == level and c.date == today
        )
        return draft[:1] or self.env["credit.followup.communication"]._queue(
            [(self, level, self._covered_lines(level).ids)], "manual", state="draft"
        )

    def _covered_lines(self, level):
        """The items a communication of ``level`` covers (``COVERED_ITEM``, the run's rule)."""
        today = fields.Date.context_today(self)
        return self.env["account.move.line"].search(
            self._open_lines_domain() & covered_items_domain(today, level.offset_days)
        )

    def _move_to(self, level):
        """Put the customer at ``level`` as of today (a collector acts on it)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL("SELECT id FROM credit_followup WHERE id = %s FOR UPDATE", self.id)
        )  # wait for a run deciding this customer, rather than deciding against it
        today = fields.Date.context_today(self)
        following = level.policy_id.level_ids.filtered(
            lambda other: other.offset_days > level.offset_days
        ).sorted("offset_days")[:1]
        self.sudo().write(
            {
                "level_id": level.id,
                "level_date": today,
                "pending_level_id": False,
                "state": "auto" if self.state in ("action", "clear") else self.state,
                "next_level_id": following.id,
                "next_action_date": following
                and today + timedelta(days=max(level.policy_id.min_days_between, 1)),
            }
        )

    def _update_pause(self):
        """Escalation waits until the last open promise, or the plan's next instalment."""
        today = fields.Date.context_today(self)
        for followup in self:
            dates = followup.promise_ids.filtered(lambda p: p.state == "open").mapped(
                "promise_date"
            )
            dates += [
                plan._next_unpaid_date()
                for plan in followup.plan_ids.filtered(lambda p: p.state == "active")
            ]
            paused_until = max([date for date in dates if date], default=False)
            values = {"paused_until": paused_until}
            if paused_until and paused_until >= today:
                values["state"] = "paused"
            elif followup.state == "paused":
                values["state"] = "auto" if followup.level_id else "clear"
            followup.sudo().write(values)

    def _collector_for(self, category):
        """The collector assigned to this customer when it is in ``category``."""
        self.ensure_one()
        if self.collector_override_id or not category:
            return self.collector_override_id
        return category._default_collector()

    def _last_delivery_status(self):
        """The delivery status of the last communication sent by email or SMS."""
        self.ensure_one()
        sent = self.communication_ids.filtered(lambda c: c.delivery_status != "none")
        return sent.sorted(lambda c: (c.date, c.id))[-1:].delivery_status

    def _collector(self):
        """Who makes the calls: the collector, else the salesperson, else the current user."""
        self.ensure_one()
        return self.collector_id or self.partner_id.user_id or self.env.user
