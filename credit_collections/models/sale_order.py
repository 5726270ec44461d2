from odoo import api, fields, models
from odoo.exceptions import UserError

from ..tools.groups import CREDIT_MANAGER


class SaleOrder(models.Model):
    _name = "sale.order"
    _inherit = ["sale.order", "credit.hold.mixin"]

    credit_hold = fields.Boolean(index=True, help="Confirmation blocked by credit.")

    @api.depends(
        "order_line.price_total", "credit_hold", "credit_released_by_id", "credit_released_amount"
    )
    def _compute_partner_credit_warning(self):
        """Odoo's credit banner on quotations, told by the credit rules: what confirming would
        hold the quotation for (limit, overdue, grade, KYC), from the customer's figures.
        Held, or released for this amount: no warning (the hold banner, or the release, says)."""
        result = super()._compute_partner_credit_warning()
        for order in self.filtered(lambda order: order.state in ("draft", "sent")):
            if order.credit_hold or order._credit_release_covers() or not order.partner_id:
                order.partner_credit_warning = ""
                continue
            partner = order._credit_customer().with_company(order.company_id)
            risk = partner.credit_risk_id.sudo()
            reasons = order.sudo()._credit_hold_reasons(risk)
            order.partner_credit_warning = (
                self.env._(
                    "Confirming will put this quotation on credit hold:\n%(reasons)s",
                    reasons="\n".join(reasons),
                )
                if reasons
                else ""
            )
        return result

    def write(self, vals):
        if vals.get("state") == "sale" and not self.env.su:
            self._credit_check_state_write()
        result = super().write(vals)
        if "order_line" in vals and any(order.state == "sale" for order in self):
            self._credit_mark_stale()  # a confirmed order's amount changed
        return result

    def _credit_check_state_write(self):
        """A write of ``state='sale'`` (RPC, import) confirms: the quotations it confirms go
        through the credit check first, unless this transaction's confirmation checked them."""
        checked = self._credit_checked_ids()
        quotations = self.filtered(
            lambda order: order.state in ("draft", "sent") and order.id not in checked
        )
        if blocked := quotations._credit_check():
            raise UserError(
                self.env._(
                    "Confirm the orders with their Confirm button: %(orders)s",
                    orders="\n".join(
                        f"{order.name}: {order.credit_hold_reasons}" for order in blocked
                    ),
                )
            )

    def action_confirm(self):
        """Hold the orders the credit rules block, confirm the others.

        A held order is written and logged, not refused with an error: the hold and its reasons
        must survive, so the salesperson can ask for a release.
        """
        blocked = self._credit_check()
        to_confirm = self - blocked
        self._credit_checked_ids().update(to_confirm.ids)
        result = super(SaleOrder, to_confirm).action_confirm() if to_confirm else True
        return blocked._credit_hold_notification() if blocked else result

    def _confirmation_error_message(self):
        """Every confirmation path refuses an order still on credit hold."""
        message = super()._confirmation_error_message()
        if message or not self.credit_hold:
            return message
        return self.env._(
            "%(order)s is on credit hold: %(reasons)s Ask a Credit Manager to release it.",
            order=self.name,
            reasons=self.credit_hold_reasons,
        )

    def _action_confirm(self):
        """A confirmed order counts in its customer's exposure at once, in the confirming
        transaction: added to the figures the check just read, not recomputed."""
        self._credit_passed()
        result = super()._action_confirm()
        risks = self.env["credit.partner.risk"].sudo()
        for company, orders in self.grouped("company_id").items():
            risks._add_confirmed_orders(company, orders)
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self._credit_mark_stale()
        return result

    def _credit_confirmed_amounts(self):
        """``{order: amount}`` of the confirmed orders among these, before a change."""
        return {order: order.amount_total for order in self if order.state == "sale"}

    def _credit_check_growth(self, amounts_before):
        """Refuse the growth of confirmed orders the credit rules would hold.

        A Credit Manager's change goes through (logged); so does growth within a release.
        """
        grown = self.filtered(
            lambda order: (
                order in amounts_before
                and order.currency_id.compare_amounts(order.amount_total, amounts_before[order]) > 0
                and not order._credit_release_covers()
            )
        )
        if not grown or self.env.su:
            return
        if self.env.user.has_group(CREDIT_MANAGER):
            for order in grown:
                order.message_post(
                    body=self.env._(
                        "Confirmed order raised from %(before)s to %(after)s by a Credit Manager.",
                        before=order._credit_format(amounts_before[order], order.currency_id),
                        after=order._credit_format(order.amount_total, order.currency_id),
                    )
                )
            return
        risks = grown._credit_current_risks(force=True)  # counting the grown amount
        for order in grown:
            # The refreshed exposure counts this order, grown already: it is not added again.
            reasons = order._credit_hold_reasons(
                risks[order._credit_key()], accepted=-order._credit_amount_company_currency()
            )
            if reasons:
                raise UserError(
                    self.env._(
                        "%(order)s is confirmed: raising it to %(amount)s needs a Credit "
                        "Manager.\n%(reasons)s\nAsk a Credit Manager to make the change, or "
                        "to raise the customer's credit limit.",
                        order=order.name,
                        amount=order._credit_format(order.amount_total, order.currency_id),
                        reasons="\n".join(reasons),
                    )
                )

    def _credit_customer(self):
        """The customer whose credit an order uses: who is invoiced, as the exposure counts
        it (the commercial partner of the invoice address)."""
        return (self.partner_invoice_id or self.partner_id).commercial_partner_id

    def _credit_partners(self):
        """The customers whose figures these orders move: who is invoiced, and who orders
        (a change of invoice address moves both)."""
        return (self.partner_id | self.partner_invoice_id).commercial_partner_id

    def _credit_contacts(self):
        return self.partner_id | self.partner_invoice_id

    def _credit_mark_stale(self):
        self.env["credit.partner.risk"].sudo()._mark_stale(
            {
                company.id: set(orders._credit_partners().ids)
                for company, orders in self.grouped("company_id").items()
            }
        )

    def action_credit_limit_request(self):
        """Open a limit change request covering the customer's exposure and this order."""
        self.ensure_one()
        partner = self._credit_customer().with_company(self.company_id)
        needed = partner.credit_exposure + self._credit_amount_company_currency()
        return partner.action_credit_limit_request(
            requested_limit=self.company_id.currency_id.round(needed),
            reason=self.env._("To confirm %(order)s.", order=self.name),
        )

    def _credit_check(self):
        """Only quotations are checked: a confirmed order was checked when it was confirmed
        (its growth by ``_credit_check_growth``)."""
        pending = self.filtered(lambda order: order.state in ("draft", "sent"))
        return super(SaleOrder, pending)._credit_check()

    def _credit_amount_company_currency(self):
        """A quotation is not in the exposure yet: confirming adds its amount."""
        return self._credit_total_company_currency()

    def _credit_total_company_currency(self):
        self.ensure_one()
        return self.currency_id._convert(
            self.amount_total,
            self.company_id.currency_id,
            self.company_id,
            self.date_order or fields.Date.context_today(self),
        )
