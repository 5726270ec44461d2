from dateutil.relativedelta import relativedelta
from markupsafe import Markup

from odoo import Command, api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date


class CreditPaymentPlan(models.Model):
    """An overdue balance split into dated instalments; escalation waits while it is kept.

    Payments are read from the ledger: what has been paid on the covered items since the plan
    was made must reach, a few days of grace after each due date, the instalments due so far.
    A missed instalment breaks the plan, moves the customer one level up and counts in its risk.
    """

    _name = "credit.payment.plan"
    _description = "Payment Plan"
    _inherit = ["mail.thread", "credit.followup.commitment"]
    _order = "id desc"

    name = fields.Char(compute="_compute_name", store=True)
    line_ids = fields.Many2many(
        "account.move.line",
        "credit_payment_plan_line_rel",
        "plan_id",
        "line_id",
        string="Items",
        readonly=True,
    )
    amount_total = fields.Monetary(string="Amount", readonly=True)
    instalment_count = fields.Integer(string="Instalments", default=3, required=True)
    first_due_date = fields.Date(
        required=True, default=lambda self: fields.Date.context_today(self)
    )
    interval_months = fields.Integer(string="Every (months)", default=1, required=True)
    grace_days = fields.Integer(default=3, help="Days a payment may be late before it is missed.")
    schedule_preview = fields.Html(
        compute="_compute_schedule_preview",
        sanitize=False,
        help="The instalments the plan will have, shown before it is saved.",
    )
    instalment_ids = fields.One2many(
        "credit.payment.plan.instalment", "plan_id", string="Schedule", readonly=True
    )
    state = fields.Selection(
        [
            ("active", "Active"),
            ("completed", "Completed"),
            ("broken", "Broken"),
            ("cancelled", "Cancelled"),
        ],
        default="active",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    broken_on = fields.Date(readonly=True)

    _check_schedule = models.Constraint(
        "CHECK (instalment_count BETWEEN 1 AND 60 AND interval_months BETWEEN 1 AND 12"
        " AND grace_days BETWEEN 0 AND 90)",
        "A payment plan has 1 to 60 instalments, 1 to 12 months apart, and 0 to 90 days of grace.",
    )

    @api.constrains("first_due_date")
    def _check_first_due_date(self):
        today = fields.Date.context_today(self)
        for plan in self.filtered(lambda plan: plan.state == "active"):
            if (
                not today - relativedelta(months=1)
                <= plan.first_due_date
                <= today + relativedelta(years=1)
            ):
                raise ValidationError(
                    self.env._(
                        "The first instalment is due within a year from today (%(date)s given).",
                        date=plan.first_due_date,
                    )
                )

    @api.depends("partner_id", "amount_total", "instalment_count")
    def _compute_name(self):
        for plan in self:
            plan.name = self.env._(
                "%(customer)s: %(amount)s in %(count)s",
                customer=plan.partner_id.name,
                amount=plan.currency_id.format(plan.amount_total),
                count=plan.instalment_count,
            )

    @api.depends("followup_id", "instalment_count", "first_due_date", "interval_months")
    def _compute_schedule_preview(self):
        for plan in self:
            amount = plan.amount_total if plan.id else plan.followup_id._overdue_total()
            rows = Markup().join(
                Markup("<tr><td>%s</td><td class='text-end'>%s</td></tr>")
                % (format_date(self.env, due_date), plan.currency_id.format(instalment))
                for due_date, instalment in plan._schedule(amount)
            )
            plan.schedule_preview = rows and Markup(
                "<table class='table table-sm mb-0'><thead><tr><th>%s</th>"
                "<th class='text-end'>%s</th></tr></thead><tbody>%s</tbody>"
                "<tfoot><tr class='fw-bold'><td>%s</td><td class='text-end'>%s</td></tr></tfoot>"
                "</table>"
            ) % (
                self.env._("Due Date"),
                self.env._("Instalment"),
                rows,
                self.env._("Total"),
                plan.currency_id.format(amount),
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            lines = self._cover_overdue(vals)
            if vals.get("followup_id") and not lines:
                raise ValidationError(
                    self.env._(
                        "Nothing is overdue for %s: there is no balance to plan.",
                        self.env["credit.followup"].browse(vals["followup_id"]).display_name,
                    )
                )
            vals["amount_total"] = sum(lines.mapped("amount_residual"))
        plans = super().create(vals_list)
        for plan in plans:
            plan._schedule_instalments()
            plan.partner_id.message_post(
                body=self.env._(
                    "Payment plan agreed by %(user)s: %(schedule)s.",
                    user=self.env.user.name,
                    schedule=", ".join(
                        f"{plan.currency_id.format(i.amount)} on {i.due_date}"
                        for i in plan.instalment_ids
                    ),
                )
            )
        plans.followup_id._update_pause()
        return plans

    def _schedule(self, amount):
        """``(due date, amount)`` of each instalment: equal shares rounded to the currency,
        the last one taking the remainder. Empty while the plan's terms are incomplete."""
        self.ensure_one()
        count, interval = self.instalment_count, self.interval_months
        if count <= 0 or interval <= 0 or not self.first_due_date or not self.currency_id:
            return []
        share = self.currency_id.round(amount / count)
        amounts = [share] * (count - 1)
        amounts.append(self.currency_id.round(amount - sum(amounts)))
        return [
            (self.first_due_date + relativedelta(months=interval * index), instalment)
            for index, instalment in enumerate(amounts)
        ]

    def _schedule_instalments(self):
        self.ensure_one()
        self.instalment_ids = [
            Command.create({"due_date": due_date, "amount": amount})
            for due_date, amount in self._schedule(self.amount_total)
        ]

    def action_cancel(self):
        self.filtered(lambda p: p.state == "active").write({"state": "cancelled"})
        self.followup_id._update_pause()

    def _next_unpaid_date(self):
        """The due date, grace included, of the first instalment not yet covered."""
        self.ensure_one()
        unpaid = self.instalment_ids.filtered(lambda i: not i.paid)
        return unpaid[:1].due_date and unpaid[0].due_date + relativedelta(days=self.grace_days)

    @api.model
    def _settle_due(self, followups, today):
        """Settle the active plans of ``followups``: mark instalments, missed, completed."""
        plans = self.search([("followup_id", "in", followups.ids), ("state", "=", "active")])
        for plan in plans:
            plan._mark_paid_instalments()
            late = plan.instalment_ids.filtered(
                lambda i, plan=plan: (
                    not i.paid and i.due_date + relativedelta(days=plan.grace_days) < today
                )
            )
            if plan.currency_id.is_zero(plan.amount_total - plan.paid_amount) or not (
                plan.instalment_ids.filtered(lambda i: not i.paid)
            ):
                plan.state = "completed"
            elif plan._settled_otherwise():
                plan.state = "cancelled"
            elif late:
                plan.write({"state": "broken", "broken_on": today})
                plan.followup_id.sudo().escalate = True
                plan.partner_id.message_post(
                    body=self.env._(
                        "Payment plan broken: the instalment of %(amount)s due %(date)s was "
                        "missed (%(paid)s paid in all).",
                        amount=plan.currency_id.format(late[0].amount),
                        date=late[0].due_date,
                        paid=plan.currency_id.format(plan.paid_amount),
                    )
                )
        plans.followup_id._update_pause()

    def _mark_paid_instalments(self):
        """Instalments are covered in date order by what has been paid so far."""
        self.ensure_one()
        left = self.paid_amount
        for instalment in self.instalment_ids.sorted("due_date"):
            covered = self.currency_id.compare_amounts(left, instalment.amount) >= 0
            if covered != instalment.paid:
                instalment.paid = covered
            left -= instalment.amount
