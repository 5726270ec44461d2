from odoo import fields, models

from ..tools.groups import INTERNAL_USERS


class ResPartner(models.Model):
    """A customer's active early warnings, in the companies the user works in: the
    *Watchlist* filter is a search on them."""

    _inherit = "res.partner"  # pylint: disable=consider-merging-classes-inherited

    credit_warning_ids = fields.One2many(
        "credit.risk.warning",
        "partner_id",
        string="Early Warnings",
        groups=INTERNAL_USERS,
    )
