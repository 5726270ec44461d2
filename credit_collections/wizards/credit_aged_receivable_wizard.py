from dateutil.relativedelta import relativedelta

from odoo import fields, models

from ..tools.receivables import AGING_BUCKETS


def _last_month_end(wizard):
    return fields.Date.context_today(wizard).replace(day=1) - relativedelta(days=1)


class CreditAgedReceivableWizard(models.TransientModel):
    """Choose the day of the aged receivables (the end of last month unless told otherwise),
    then open them in Odoo's pivot, graph and list views or print them."""

    _name = "credit.aged.receivable.wizard"
    _description = "Aged Receivables at a Date"

    as_of = fields.Date(string="As of", required=True, default=_last_month_end)
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        default=lambda self: self.env.companies,
        help="The companies of the report, among those selected in the company switcher.",
    )

    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Aged Receivables at %(date)s", date=self._as_of_label()),
            "res_model": "credit.aged.receivable",
            "view_mode": "pivot,graph,list",
            "views": [(False, "pivot"), (False, "graph"), (False, "list")],
            "context": self._report_context(),
        }

    def action_print(self):
        self.ensure_one()
        report = self.env.ref("credit_collections.action_report_credit_aged_receivable")
        return report.report_action(self)

    def _report_context(self):
        companies = self.company_ids & self.env.companies or self.env.companies
        return {
            "credit_as_of": fields.Date.to_string(self.as_of),
            "allowed_company_ids": companies.ids,
        }

    def _as_of_label(self):
        return fields.Date.to_string(self.as_of)

    def _customer_totals(self):
        """Per company, per customer: the bucket totals and the open amount, for the PDF."""
        self.ensure_one()
        items = self.env["credit.aged.receivable"].with_context(**self._report_context())
        measures = [f"{name}:sum" for name, _first, _last in AGING_BUCKETS]
        rows = items._read_group(
            [], ["company_id", "partner_id"], [*measures, "amount_residual:sum"]
        )
        names = [name for name, _first, _last in AGING_BUCKETS]
        totals = {}
        for company, partner, *amounts in sorted(rows, key=lambda row: row[1].display_name):
            totals.setdefault(company, []).append(
                (partner, dict(zip([*names, "amount_residual"], amounts, strict=True)))
            )
        return totals
