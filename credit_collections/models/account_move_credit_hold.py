from odoo import models


class AccountMove(models.Model):
    """Posting a customer invoice for a customer the credit rules would hold follows the
    company's policy (``invoice_hold_mode``): post; post and log the reasons; or hold the
    invoice until a Credit Manager releases it.

    A draft invoice counts in the exposure already: posting adds nothing to it, the rules judge
    the customer as it stands. ``action_post`` holds and tells; every other way to post
    (``_post`` from code or a cron, a write of the state) is refused while the rules block.
    """

    _name = "account.move"
    _inherit = ["account.move", "credit.hold.mixin"]

    def _credit_owner(self):
        return self.invoice_user_id

    def _credit_exemption(self, accepted):
        """The invoice of one order paid in advance (e.g. invoiced after its online payment)
        passes as its order did."""
        orders = self.sudo().invoice_line_ids.sale_line_ids.order_id
        return orders._credit_exemption(accepted) if len(orders) == 1 else ""

    def action_post(self):
        to_judge = self._credit_postings("block")
        blocked = to_judge._credit_check()
        self._credit_checked_ids().update((to_judge - blocked).ids)
        to_post = self - blocked
        result = super(AccountMove, to_post).action_post() if to_post else False
        return blocked._credit_hold_notification() if blocked else result

    def _post(self, soft=True):
        self._credit_check_posting()
        posted = super()._post(soft)
        posted._credit_passed()
        # Judged for this posting only: reset to draft, an invoice is judged again.
        self._credit_checked_ids().difference_update(posted.ids)
        return posted

    def write(self, vals):
        if vals.get("state") == "posted" and not self.env.su:
            self._credit_check_posting()
        return super().write(vals)

    def _credit_postings(self, mode):
        """The draft customer invoices among these whose company's policy is ``mode``, that
        this transaction did not judge yet."""
        checked = self._credit_checked_ids()
        policies = self.env["credit.risk.policy"]
        return self.filtered(
            lambda move: (
                move.move_type == "out_invoice"
                and move.state == "draft"
                and move.id not in checked
                and policies._hold_settings(move.company_id).invoice_hold_mode == mode
            )
        )

    def _credit_check_posting(self):
        """Log what the rules say of the invoices posted under ``warn``; refuse those that
        they block under ``block``."""
        warned = self._credit_postings("warn")
        for invoice, reasons in warned._credit_verdicts().items():
            if reasons:
                invoice.message_post(
                    body=self.env._(
                        "Posted although the credit rules would hold it:\n%(reasons)s",
                        reasons="\n".join(reasons),
                    )
                )
        self._credit_checked_ids().update(warned.ids)
        self._credit_postings("block")._credit_refuse_blocked(
            self.env._(
                "The credit rules hold these invoices; confirm them with their Confirm button to "
                "put them on hold, and ask a Credit Manager to release them:"
            )
        )
