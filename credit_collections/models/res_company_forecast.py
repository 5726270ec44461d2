from odoo import fields, models


class ResCompany(models.Model):
    """The priors of the cash-in forecast, as the last nightly run found them."""

    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    credit_forecast_priors = fields.Json(
        string="Forecast Priors",
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="The portfolio's delay and credibility constant and the delinquency categories' "
        "delays, written by the nightly run: a customer refreshed alone during the day reads "
        "them here instead of every customer's figures.",
    )
