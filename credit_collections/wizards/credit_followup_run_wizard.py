from odoo import api, fields, models

ESCALATION_CRON = "credit_collections.ir_cron_credit_followup_escalate"


class CreditFollowupRunWizard(models.TransientModel):
    """Preview of today's follow-up run (a dry run), and the button that starts it.

    The run itself is the escalation cron, triggered to start now in the background: Odoo's
    cron workers run it in committed batches, and its progress is read back from the cron's
    progress records.
    """

    _name = "credit.followup.run.wizard"
    _description = "Follow-up Run: Preview and Start"

    line_ids = fields.One2many(
        "credit.followup.run.wizard.line", "wizard_id", string="What the Run Would Do"
    )
    run_status = fields.Text(compute="_compute_run_status", string="Run")

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if "line_ids" in fields_list:
            preview = self.env["credit.followup"]._preview(self.env.companies)
            values["line_ids"] = [fields.Command.create(row) for row in preview]
        return values

    def _compute_run_status(self):
        cron = self.env.ref(ESCALATION_CRON).sudo()
        progress = (
            self.env["ir.cron.progress"]
            .sudo()
            .search([("cron_id", "=", cron.id)], order="id desc", limit=1)
        )
        waiting = self.env["ir.cron.trigger"].sudo().search_count([("cron_id", "=", cron.id)])
        if waiting:
            status = self.env._("A run is waiting for a cron worker to start it.")
        elif progress and progress.remaining:
            status = self.env._(
                "Running since %(start)s: %(done)s customers decided, %(remaining)s to go.",
                start=fields.Datetime.to_string(progress.create_date),
                done=progress.done,
                remaining=progress.remaining,
            )
        elif cron.lastcall:
            status = self.env._(
                "Last run finished %(date)s (%(done)s done). Next scheduled run: %(next)s.",
                date=fields.Datetime.to_string(cron.lastcall),
                done=progress.done,
                next=fields.Datetime.to_string(cron.nextcall),
            )
        else:
            status = self.env._("No run yet. Next scheduled run: %(next)s.", next=cron.nextcall)
        queued = (
            self.env["credit.followup.communication"]
            .sudo()
            .search_count([("state", "=", "queued"), ("company_id", "in", self.env.companies.ids)])
        )
        if queued:
            status += "\n" + self.env._(
                "%(queued)s reminders are being delivered by the delivery jobs.", queued=queued
            )
        self.run_status = status

    def action_run_now(self):
        """Start the escalation run now, in the background."""
        self.env.ref(ESCALATION_CRON).sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "title": self.env._("Follow-up run started"),
                "message": self.env._(
                    "The run works in the background; the follow-up screen fills as it goes. "
                    "Open this dialog again to see its progress."
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }


class CreditFollowupRunWizardLine(models.TransientModel):
    _name = "credit.followup.run.wizard.line"
    _description = "Follow-up Run Preview Line"
    _order = "amount_due desc, id"

    wizard_id = fields.Many2one("credit.followup.run.wizard", required=True, ondelete="cascade")
    followup_id = fields.Many2one("credit.followup", required=True, ondelete="cascade")
    partner_id = fields.Many2one(related="followup_id.partner_id", string="Customer")
    company_id = fields.Many2one(related="followup_id.company_id")
    currency_id = fields.Many2one(related="followup_id.currency_id")
    level_id = fields.Many2one("credit.followup.level", ondelete="cascade")
    manual = fields.Boolean(
        string="By a Collector", help="A manual level: the run only marks it for a collector."
    )
    channels = fields.Char()
    amount_due = fields.Monetary()
    recipients = fields.Char()
