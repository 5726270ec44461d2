from datetime import timedelta

from odoo import fields, models


class StockPicking(models.Model):
    """Validating an outgoing delivery asks the credit rules, as confirming its order did:
    goods do not leave for a customer who is over limit, delinquent or on hold today.

    The delivered order counts in the exposure already: validation adds nothing to it.
    ``button_validate`` holds and tells; ``_action_done`` (any other path) refuses while the
    rules block.
    """

    _name = "stock.picking"
    _inherit = ["stock.picking", "credit.hold.mixin"]

    def _credit_customer(self):
        """The order's invoiced customer, else the commercial partner delivered to. Read as
        superuser: a warehouse user need not read sales orders."""
        order = self.sudo().sale_id
        return order._credit_customer() if order else self.partner_id.commercial_partner_id

    def _credit_contacts(self):
        order = self.sudo().sale_id
        return order.partner_id | order.partner_invoice_id | self.partner_id

    def _credit_release_basis(self):
        """A release covers the delivery of its order up to the order's amount."""
        self.ensure_one()
        order = self.sudo().sale_id
        if order:
            return order.amount_total, order.currency_id
        return 0.0, self.company_id.currency_id

    def _credit_release_covers(self):
        """The delivery's own release, or its order's: a Credit Manager who released the order
        let its goods go too, for the policy's days, while the order keeps the released amount
        and customer."""
        return super()._credit_release_covers() or self._credit_order_release_covers()

    def _credit_order_release_covers(self):
        """The order's release, spent by its confirmation, still covers its deliveries for the
        policy's days."""
        order = self.sudo().sale_id
        days = self.env["credit.risk.policy"]._hold_settings(self.company_id).delivery_release_days
        return bool(
            days
            and order._credit_release_still_fits()
            and order.credit_released_on >= fields.Datetime.now() - timedelta(days=days)
        )

    def _credit_exemption(self, accepted):
        order = self.sudo().sale_id
        return order._credit_exemption(accepted) if order else ""

    def _credit_owner(self):
        return self.sudo().sale_id.user_id or self.user_id

    def button_validate(self):
        to_judge = self._credit_deliveries()
        blocked = to_judge._credit_check()
        self._credit_checked_ids().update((to_judge - blocked).ids)
        to_validate = self - blocked
        result = super(StockPicking, to_validate).button_validate() if to_validate else True
        if blocked and result is True:
            return blocked._credit_hold_notification()
        return result  # a wizard of the validation first; the holds are on the pickings

    def _action_done(self):
        self._credit_check_validation()
        result = super()._action_done()
        done = self.filtered(lambda picking: picking.state == "done")
        done._credit_passed()
        self._credit_checked_ids().difference_update(done.ids)
        return result

    def _credit_deliveries(self):
        """The outgoing deliveries among these, not done, whose company's policy holds
        deliveries, that this transaction did not judge yet."""
        checked = self._credit_checked_ids()
        policies = self.env["credit.risk.policy"]
        return self.filtered(
            lambda picking: (
                picking.picking_type_code == "outgoing"
                and picking.state not in ("done", "cancel")
                and picking.partner_id
                and picking.id not in checked
                and policies._hold_settings(picking.company_id).hold_deliveries
            )
        )

    def _credit_check_validation(self):
        self._credit_deliveries()._credit_refuse_blocked(
            self.env._(
                "The credit rules hold these deliveries; validate them with their Validate "
                "button to put them on hold, and ask a Credit Manager to release them:"
            )
        )
