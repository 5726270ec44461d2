from odoo import http
from odoo.exceptions import UserError
from odoo.http import request
from odoo.tools import is_html_empty

from odoo.addons.account_payment.controllers.portal import PortalAccount

from .portal_statement import render_statement, statement_followup


class PortalStatementPayment(PortalAccount):
    """Several invoices of the statement page paid in one online payment, through Odoo's own
    payment form, providers and transactions (``account_payment``): the invoices the customer
    ticked, or all, opened by the statement's link without a login. The transaction settles
    them as Odoo's payment of overdue invoices does."""

    @http.route("/credit/statement/<string:token>/pay", type="http", auth="public", methods=["GET"])
    def statement_pay(self, token, **kwargs):
        followup = statement_followup(token)
        ids = request.httprequest.args.getlist("invoice_ids", type=int)
        try:
            invoices = followup._portal_invoices_to_pay(None if kwargs.get("all") else ids)
        except UserError as error:
            return render_statement(token, followup, error=error.args[0])
        currency = invoices.currency_id
        amount = sum(invoices.mapped("amount_residual"))
        reference = invoices.name if len(invoices) == 1 else None
        values = self._get_common_page_view_values(
            invoices_data={
                "partner": followup.partner_id,
                "company": followup.company_id,
                "total_amount": amount,
                "currency": currency,
                "amount_residual": amount,
                "payment_reference": reference,
                "landing_route": f"/credit/statement/{token}",
                "transaction_route": (
                    f"/credit/statement/{token}/transaction/{','.join(map(str, invoices.ids))}"
                ),
            },
        )
        values |= {
            "followup": followup,
            "invoices": invoices,
            "amount": amount,
            "token": token,
            "is_html_empty": is_html_empty,  # the payment methods' help texts
        }
        return request.render("credit_collections.portal_credit_statement_payment", values)

    @http.route(
        "/credit/statement/<string:token>/transaction/<string:invoice_ids>",
        type="jsonrpc",
        auth="public",
    )
    def statement_transaction(self, token, invoice_ids, **kwargs):
        """The payment form's transaction for the invoices: the amount is what they owe now,
        whatever the page sent."""
        followup = statement_followup(token)
        try:
            ids = [int(invoice_id) for invoice_id in invoice_ids.split(",")]
        except ValueError as error:
            raise UserError(request.env._("Choose the invoices to pay.")) from error
        invoices = followup._portal_invoices_to_pay(ids)
        self._validate_transaction_kwargs(kwargs)
        logged_in = not request.env.user._is_public()
        partner = request.env.user.partner_id if logged_in else followup.partner_id
        kwargs["amount"] = sum(invoices.mapped("amount_residual"))
        reference = invoices.name if len(invoices) == 1 else None
        return self._process_transaction(
            partner.id, invoices.currency_id.id, invoices.ids, reference, **kwargs
        )
