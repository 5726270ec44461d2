from odoo import fields, models


class CreditFollowup(models.Model):
    """Credits the ledger could settle already: an invoice that one of the customer's open
    credits settles in full is left out of its reminders, with that credit (``_facts``), and
    the collector is asked to apply it instead, once while the request is open."""

    _inherit = "credit.followup"  # pylint: disable=consider-merging-classes-inherited

    def _ask_to_reconcile(self, facts):
        """The batch's requests in one create: one per follow-up would cost a run as many
        activity schedulings as there are customers with credits to apply. Created without
        Odoo's assignment notice: the nightly run would otherwise notify a collector once per
        request (by email, for most), where the requests wait in the collector's activities
        and on the *To Reconcile* screen."""
        summary = self.env._("Reconcile open credits")
        asking = self.filtered(
            lambda followup: (
                facts[followup.id]["reconcile_line_ids"]
                and not followup.activity_ids.filtered(lambda activity: activity.summary == summary)
            )
        )
        if not asking:
            return
        todo = self.env.ref("mail.mail_activity_data_todo")
        model_id = self.env["ir.model"]._get_id(self._name)
        invoice_names = self._reconcile_invoice_names(asking, facts)
        self.env["mail.activity"].with_context(mail_activity_quick_update=True).create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": followup.id,
                    "activity_type_id": todo.id,
                    "date_deadline": fields.Date.context_today(self),
                    "user_id": (
                        followup.collector_id or followup.partner_id.user_id or self.env.user
                    ).id,
                    "summary": summary,
                    "note": self.env._(
                        "Open credits of the customer settle %(invoices)s in full: apply them "
                        "(Follow-up > To Reconcile) rather than remind the customer.",
                        invoices=", ".join(
                            invoice_names[line_id]
                            for line_id in facts[followup.id]["reconcile_line_ids"]
                        ),
                    ),
                }
                for followup in asking
            ]
        )

    def _reconcile_invoice_names(self, asking, facts):
        """``{invoice line id: its invoice's number}`` for the follow-ups ``asking``, in one
        read: posted invoices go by their number."""
        lines = self.env["account.move.line"].browse(
            line_id for followup in asking for line_id in facts[followup.id]["reconcile_line_ids"]
        )
        lines.fetch(["move_name"])
        return {line.id: line.move_name for line in lines}
