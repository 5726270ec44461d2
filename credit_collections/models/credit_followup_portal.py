from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import hash_sign, verify_hash_signed

# Scope of the signed tokens of the statement links (a token of another scope opens nothing).
STATEMENT_SCOPE = "credit_collections.statement"


class CreditFollowup(models.Model):
    """The customer's side of a follow-up: a signed, expiring link to its statement page, and
    what the customer can do there (promise to pay, dispute an invoice). The page reads the
    follow-up's own items only, as superuser, and shows nothing of the credit figures."""

    _inherit = "credit.followup"  # pylint: disable=consider-merging-classes-inherited

    def _statement_token(self):
        self.ensure_one()
        days = self.env["credit.risk.policy"]._for_company(self.company_id).portal_link_days
        return hash_sign(self.env(su=True), STATEMENT_SCOPE, [self.id], timedelta(days=days))

    def _statement_url(self):
        """The reminder's link: the statement page, no login needed, valid the policy's days."""
        self.ensure_one()
        return f"{self.get_base_url()}/credit/statement/{self._statement_token()}"

    @api.model
    def _from_statement_token(self, token):
        """The follow-up a link opens (as superuser), or an empty recordset when the token is
        forged, tampered with, of another scope or expired."""
        try:
            values = verify_hash_signed(self.env(su=True), STATEMENT_SCOPE, token)
        except (ValueError, UnicodeDecodeError):
            values = None
        if not (isinstance(values, list) and len(values) == 1 and isinstance(values[0], int)):
            return self.sudo().browse()
        return self.sudo().browse(values).exists()

    def _portal_promise(self, promise_date, amount):
        """The customer promises to pay ``amount`` by ``promise_date`` on its statement page."""
        self.ensure_one()
        today = fields.Date.context_today(self)
        policy = self.env["credit.risk.policy"]._for_company(self.company_id)
        max_days = policy.portal_promise_max_days
        if self.currency_id.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("Enter the amount you will pay."))
        if not today < promise_date <= today + timedelta(days=max_days):
            raise UserError(
                self.env._(
                    "Choose a date within the next %(days)s days; for a later one, please "
                    "contact us.",
                    days=max_days,
                )
            )
        promise = self.env["credit.followup.promise"].create(
            {
                "followup_id": self.id,
                "promise_date": promise_date,
                "amount": amount,
                "note": self.env._("Promised by the customer on its statement page."),
            }
        )
        self._tell_collector(
            self.env._("Promise to pay online"),
            self.env._(
                "%(customer)s promised to pay %(amount)s by %(date)s.",
                customer=self.partner_id.name,
                amount=promise.currency_id.format(amount),
                date=promise_date,
            ),
        )
        return promise

    def _portal_dispute(self, invoice, reason, attachment=None):
        """The customer disputes one of its open invoices, with a reason and maybe a file."""
        self.ensure_one()
        if invoice not in self.open_line_ids.move_id.filtered(
            lambda move: move.move_type == "out_invoice"
        ):
            raise UserError(self.env._("This invoice is not open on your account."))
        reason = (reason or "").strip()
        if not reason:
            raise UserError(self.env._("Please tell us what is wrong with this invoice."))
        invoice._credit_set_dispute(
            self.env._("%(reason)s (by the customer, online)", reason=reason)
        )
        if attachment:
            name, content = attachment
            self.env["ir.attachment"].create(
                {"name": name, "raw": content, "res_model": "account.move", "res_id": invoice.id}
            )
        self._tell_collector(
            self.env._("Dispute online"),
            self.env._(
                "%(customer)s disputes %(invoice)s: %(reason)s",
                customer=self.partner_id.name,
                invoice=invoice.name,
                reason=reason,
            ),
        )

    def _portal_payable_invoices(self):
        """The open invoices the customer may pay online from its statement page."""
        self.ensure_one()
        return self.open_line_ids.move_id.filtered(
            lambda move: move.move_type == "out_invoice" and move._has_to_be_paid()
        )

    def _portal_invoices_to_pay(self, invoice_ids=None):
        """The invoices the customer pays in one online payment from its statement page:
        those of ``invoice_ids`` (all it may pay online when None), each payable there, all
        in one currency.

        :raise UserError: saying what to choose instead
        """
        payable = self._portal_payable_invoices()
        chosen = payable if invoice_ids is None else payable.browse(invoice_ids)
        if not chosen:
            raise UserError(self.env._("Choose the invoices to pay."))
        if chosen - payable:
            raise UserError(self.env._("Only the open invoices of this statement can be paid."))
        if len(chosen.currency_id) > 1:
            raise UserError(
                self.env._(
                    "Your invoices are in %(currencies)s: pay those of one currency at a time.",
                    currencies=", ".join(chosen.currency_id.mapped("name")),
                )
            )
        return chosen

    def _tell_collector(self, summary, note):
        self.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=summary,
            note=note,
            user_id=(
                self.collector_id
                or self.partner_id.user_id
                or self.env.ref("base.user_admin", raise_if_not_found=False)
                or self.env.user
            ).id,
        )
        self.message_post(body=note)
