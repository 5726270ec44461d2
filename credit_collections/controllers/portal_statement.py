from werkzeug.exceptions import NotFound

from odoo import fields, http
from odoo.exceptions import UserError, ValidationError
from odoo.http import request

STATEMENT_REPORT = "credit_collections.action_report_followup_partner_statement"


def statement_followup(token):
    """The follow-up a statement link opens, as superuser; 404 for a bad or expired link."""
    followup = request.env["credit.followup"]._from_statement_token(token)
    if not followup:
        raise NotFound()
    return followup


def render_statement(token, followup, message=None, error=None):
    """The statement page of ``followup``, with a confirmation ``message`` or an ``error``."""
    lines = followup.open_line_ids  # by due date
    totals = {}
    for line in lines:
        totals[line.currency_id] = totals.get(line.currency_id, 0.0) + line.amount_residual_currency
    values = {
        "followup": followup,
        "lines": lines,
        "payable": followup._portal_payable_invoices(),
        "totals": totals,
        "token": token,
        "today": fields.Date.context_today(followup),
        "message": message,
        "error": error,
    }
    return request.render("credit_collections.portal_credit_statement", values)


class PortalStatement(http.Controller):
    """The customer's statement page, opened from a reminder's signed link without a login:
    its open items and what it can do about them (pay an invoice through Odoo's own invoice
    page, promise to pay, dispute an invoice). Everything is read as superuser for the
    follow-up the token names, and for it only."""

    @http.route("/my/credit/statement", type="http", auth="user", methods=["GET"])
    def my_statement(self):
        """A logged-in customer's own statement: its commercial partner's, in its company."""
        customer = request.env.user.partner_id.commercial_partner_id
        company = request.env.company
        followups = request.env["credit.followup"].sudo()
        followups._ensure_followups(company, customer.ids)
        followup = followups.search(
            [("partner_id", "=", customer.id), ("company_id", "=", company.id)]
        )
        if not followup:
            return request.redirect("/my/invoices")
        return request.redirect(f"/credit/statement/{followup._statement_token()}")

    @http.route("/credit/statement/<string:token>", type="http", auth="public", methods=["GET"])
    def statement(self, token, message=None, error=None):
        return render_statement(token, statement_followup(token), message, error)

    @http.route("/credit/statement/<string:token>/pdf", type="http", auth="public", methods=["GET"])
    def statement_pdf(self, token):
        followup = statement_followup(token)
        pdf, _type = (
            request.env["ir.actions.report"].sudo()._render_qweb_pdf(STATEMENT_REPORT, followup.ids)
        )
        headers = [
            ("Content-Type", "application/pdf"),
            ("Content-Disposition", 'attachment; filename="statement.pdf"'),
        ]
        return request.make_response(pdf, headers=headers)

    @http.route(
        "/credit/statement/<string:token>/promise", type="http", auth="public", methods=["POST"]
    )
    def promise(self, token, promise_date=None, amount=None, **_kwargs):
        followup = statement_followup(token)
        try:
            promised = fields.Date.to_date(promise_date), float(amount)
        except (ValueError, TypeError):
            return self.statement(token, error=request.env._("Enter a date and an amount."))
        try:
            with request.env.cr.savepoint():  # a refused promise leaves nothing behind
                followup._portal_promise(*promised)
        except (UserError, ValidationError) as error:
            return self.statement(token, error=error.args[0])
        return request.redirect(f"/credit/statement/{token}?message=promise")

    @http.route(
        "/credit/statement/<string:token>/dispute", type="http", auth="public", methods=["POST"]
    )
    def dispute(self, token, invoice_id=None, reason=None, attachment=None, **_kwargs):
        followup = statement_followup(token)
        invoice = request.env["account.move"].sudo().browse(int(invoice_id or 0)).exists()
        upload = None
        if attachment and attachment.filename:
            upload = (attachment.filename, attachment.read())
        try:
            with request.env.cr.savepoint():
                followup._portal_dispute(invoice, reason, upload)
        except (UserError, ValidationError) as error:
            return self.statement(token, error=error.args[0])
        return request.redirect(f"/credit/statement/{token}?message=dispute")
