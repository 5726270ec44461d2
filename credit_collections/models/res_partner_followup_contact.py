from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_followup_contact = fields.Boolean(
        string="Follow-up Contact",
        help="Reminders of the company's overdue invoices go to this contact (its email and "
        "its phone for SMS), before the invoices' own contacts and invoice addresses.",
    )
