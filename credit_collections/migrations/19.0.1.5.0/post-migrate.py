"""Risk rows learn whether their customer has active early warnings: the customer's form
looks its warnings up only then."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    env["credit.risk.warning"].search([])._flag_own_risk_rows()  # pylint: disable=no-search-all
