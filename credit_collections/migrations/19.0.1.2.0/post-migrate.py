"""The points each risk factor cost are stored with the score (``score_points``): the rows
computed before get theirs from their penalties and their company's weights."""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    risks = env["credit.partner.risk"]
    for policy in env["credit.risk.policy"].search([]):  # pylint: disable=no-search-all
        env.cr.execute(
            SQL(
                "UPDATE credit_partner_risk SET score_points = %s"
                " WHERE company_id = %s AND score_points IS NULL",
                risks._points_expression(policy),
                policy.company_id.id,
            )
        )
