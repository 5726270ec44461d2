from odoo import models


class CreditFollowup(models.Model):
    """Credits the ledger could settle already: an invoice that one of the customer's open
    credits settles in full is left out of its reminders, with that credit (``_facts``), and
    the collector is asked to apply it instead, once while the request is open."""

    _inherit = "credit.followup"  # pylint: disable=consider-merging-classes-inherited

    def _ask_to_reconcile(self, facts):
        summary = self.env._("Reconcile open credits")
        for followup in self:
            line_ids = facts[followup.id]["reconcile_line_ids"]
            asked = followup.activity_ids.filtered(lambda activity: activity.summary == summary)
            if not line_ids or asked:
                continue
            invoices = self.env["account.move.line"].browse(line_ids).move_id
            followup.activity_schedule(
                "mail.mail_activity_data_todo",
                user_id=(followup.collector_id or followup.partner_id.user_id or self.env.user).id,
                summary=summary,
                note=self.env._(
                    "Open credits of the customer settle %(invoices)s in full: apply them "
                    "(Follow-up > To Reconcile) rather than remind the customer.",
                    invoices=", ".join(invoices.mapped("display_name")),
                ),
            )
