from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"  # pylint: disable=consider-merging-classes-inherited

    credit_late_charge_ids = fields.One2many(
        "credit.late.charge",
        "move_id",
        string="Late-Payment Charges",
        readonly=True,
        help="The charges this invoice bills (the statement spells out their computation).",
    )
