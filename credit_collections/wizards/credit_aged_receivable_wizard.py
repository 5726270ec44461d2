from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.tools import format_date

from ..tools.receivables import AGING_BUCKETS

# Period ends offered in one click: (key, label, months in the period).
PERIOD_ENDS = [
    ("month", "End of last month", 1),
    ("quarter", "End of last quarter", 3),
    ("year", "End of last year", 12),
]


class CreditAgedReceivableWizard(models.TransientModel):
    """Choose the day of the aged receivables (the end of last month unless told otherwise),
    then open them in Odoo's pivot, graph and list views or print them."""

    _name = "credit.aged.receivable.wizard"
    _description = "Aged Receivables at a Date"

    period_end = fields.Selection(
        [(key, label) for key, label, _months in PERIOD_ENDS] + [("other", "Another day")],
        string="Period",
        default="month",
        required=True,
    )
    as_of = fields.Date(
        string="As of",
        compute="_compute_as_of",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
    )
    company_ids = fields.Many2many(
        "res.company",
        string="Companies",
        default=lambda self: self.env.companies,
        help="The companies of the report, among those selected in the company switcher.",
    )

    @api.depends("period_end")
    def _compute_as_of(self):
        today = fields.Date.context_today(self)
        months = {key: count for key, _label, count in PERIOD_ENDS}
        for wizard in self.filtered(lambda wizard: wizard.period_end in months):
            count = months[wizard.period_end]
            first_of_period = today.replace(month=(today.month - 1) // count * count + 1, day=1)
            wizard.as_of = first_of_period - relativedelta(days=1)

    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Aged Receivables at %(date)s", date=format_date(self.env, self.as_of)
            ),
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
