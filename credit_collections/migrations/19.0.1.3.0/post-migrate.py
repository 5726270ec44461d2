"""Open invoices get their payment forecasts at once: the customers computed today would
otherwise wait for their next refresh."""

from odoo import SUPERUSER_ID, api, fields
from odoo.tools import SQL, split_every


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    today = fields.Date.context_today(env["res.partner"])
    forecasts = env["credit.invoice.forecast"]
    for company in env["res.company"].search([]):  # pylint: disable=no-search-all
        rows = env.execute_query(
            SQL("SELECT partner_id FROM credit_partner_risk WHERE company_id = %s", company.id)
        )
        for batch in split_every(2000, [partner_id for (partner_id,) in rows], list):
            forecasts._refresh(company, batch, today)
