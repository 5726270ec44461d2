from datetime import timedelta

from odoo import Command, api, fields, models

HELD_DELIVERY_CUSTOMER = "Apex Plumbing Supply"  # a chronic defaulter of the demo portfolio


class CreditDemoPortfolio(models.AbstractModel):
    _inherit = "credit.demo.portfolio"

    @api.model
    def _build_held_delivery(self):
        """A delivery waiting on a Credit Manager: the order was released ten days ago, beyond
        what the release covers, and the customer is still delinquent when the warehouse
        validates. Does nothing without the portfolio, or when the delivery exists.

        :return: the held delivery, if any
        """
        customer = self._demo_partners().filtered(lambda p: p.name == HELD_DELIVERY_CUSTOMER)
        if not customer or self.env["stock.picking"].search_count(
            [("partner_id", "=", customer.id)], limit=1
        ):
            return self.env["stock.picking"]
        order = self.env["sale.order"].create(
            {
                "partner_id": customer.id,
                "order_line": [
                    Command.create({"product_id": self._demo_goods().id, "product_uom_qty": 4})
                ],
            }
        )
        order.action_confirm()  # held: the customer is overdue
        order._credit_release("Confirmed by phone with the customer's buyer (demo)")
        order.action_confirm()
        order.credit_released_on = fields.Datetime.now() - timedelta(days=10)
        delivery = order.picking_ids
        delivery.move_ids.quantity = 4
        delivery.move_ids.picked = True
        delivery.button_validate()
        return delivery

    def _demo_goods(self):
        return self.env["product.product"].create(
            {
                "name": "Copper pipe bundle (demo)",
                "type": "consu",
                "is_storable": False,
                "list_price": 250.0,
            }
        )
