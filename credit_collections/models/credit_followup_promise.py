from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError


class CreditFollowupPromise(models.Model):
    """A customer's promise to pay an amount by a date: escalation waits until then.

    Whether it was kept is read from the ledger: what has been paid since on the items it
    covers (their residual then less their residual now) must reach the promised amount. A
    broken promise moves the customer one level up at the next run and counts in its risk.
    """

    _name = "credit.followup.promise"
    _description = "Promise to Pay"
    _inherit = ["mail.thread", "credit.followup.commitment"]
    _order = "promise_date desc, id desc"

    promise_date = fields.Date(
        string="Promised For",
        required=True,
        tracking=True,
        default=lambda self: fields.Date.context_today(self) + timedelta(days=7),
    )
    amount = fields.Monetary(required=True, tracking=True)
    note = fields.Text()
    line_ids = fields.Many2many(
        "account.move.line",
        "credit_followup_promise_line_rel",
        "promise_id",
        "line_id",
        string="Items",
        readonly=True,
    )
    residual_at_promise = fields.Monetary(string="Overdue When Promised", readonly=True)
    overdue_now = fields.Monetary(
        compute="_compute_overdue_now",
        help="What the customer owes on its overdue, undisputed invoices today.",
    )
    state = fields.Selection(
        [("open", "Open"), ("kept", "Kept"), ("broken", "Broken"), ("cancelled", "Cancelled")],
        default="open",
        required=True,
        readonly=True,
        tracking=True,
        index=True,
    )
    broken_on = fields.Date(readonly=True)

    _check_amount = models.Constraint(
        "CHECK (amount > 0)", "A promise to pay needs a positive amount."
    )

    @api.depends("followup_id")
    def _compute_overdue_now(self):
        for promise in self:
            promise.overdue_now = promise.followup_id._overdue_total()

    @api.constrains("promise_date", "amount", "residual_at_promise")
    def _check_promise(self):
        for promise in self.filtered(lambda p: p.state == "open"):
            if promise.promise_date < promise.create_date.date():
                raise ValidationError(self.env._("A promise to pay cannot be in the past."))
            if promise.currency_id.compare_amounts(promise.amount, promise.residual_at_promise) > 0:
                raise ValidationError(
                    self.env._(
                        "The promised amount %(amount)s is more than what is overdue (%(due)s).",
                        amount=promise.currency_id.format(promise.amount),
                        due=promise.currency_id.format(promise.residual_at_promise),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            lines = self._cover_overdue(vals)
            vals["residual_at_promise"] = sum(lines.mapped("amount_residual"))
        promises = super().create(vals_list)
        for promise in promises:
            promise.partner_id.message_post(
                body=self.env._(
                    "Promise to pay %(amount)s by %(date)s recorded by %(user)s.",
                    amount=promise.currency_id.format(promise.amount),
                    date=promise.promise_date,
                    user=self.env.user.name,
                )
            )
        promises.followup_id._update_pause()
        return promises

    def action_cancel(self):
        self.filtered(lambda p: p.state == "open").write({"state": "cancelled"})
        self.followup_id._update_pause()

    @api.model
    def _settle_due(self, followups, today):
        """Settle the open promises of ``followups``: kept once paid, broken once late."""
        promises = self.search([("followup_id", "in", followups.ids), ("state", "=", "open")])
        for promise in promises:
            paid = promise.currency_id.compare_amounts(promise.paid_amount, promise.amount) >= 0
            if paid:
                promise.state = "kept"
            elif promise._settled_otherwise():
                promise.state = "cancelled"
            elif promise.promise_date < today:
                promise.write({"state": "broken", "broken_on": today})
                promise.followup_id.sudo().escalate = True
                promise.partner_id.message_post(
                    body=self.env._(
                        "Promise to pay %(amount)s by %(date)s broken: %(paid)s paid.",
                        amount=promise.currency_id.format(promise.amount),
                        date=promise.promise_date,
                        paid=promise.currency_id.format(promise.paid_amount),
                    )
                )
        promises.followup_id._update_pause()
