from odoo import api, fields, models
from odoo.tools import SQL

from ..models.credit_risk_policy import GRADES
from ..tools.receivables import AGING_BUCKETS, days_late_between, open_items_as_of

# The aging bucket of an item, keyed so that Odoo's grouping sorts the buckets in age order;
# each key's amount column is the AGING_BUCKETS field of the same rank.
BUCKETS = [
    ("0_not_due", "Not Due"),
    ("1_late_1_30", "1-30"),
    ("2_late_31_60", "31-60"),
    ("3_late_61_90", "61-90"),
    ("4_late_91_120", "91-120"),
    ("5_late_120_plus", "120+"),
]


class CreditAgedReceivable(models.Model):
    """The aged receivables as they stood at the end of a day: one row per receivable item open
    that day, with what was left of it then, in company currency.

    The day is the context's ``credit_as_of`` (today when absent), so that Odoo's own list,
    pivot and graph views, their grouping, export and drill-down work over any past date. The
    customer's collector, category and grade are today's (see ``credit.partner.risk`` for the
    figures of the day).
    """

    _name = "credit.aged.receivable"
    _description = "Aged Receivable Item"
    _auto = False
    _order = "partner_id, date_due, id"
    _rec_name = "move_line_id"
    _depends = {
        "account.move.line": [
            "balance", "date", "date_maturity", "move_id", "partner_id", "account_id",
            "company_id", "parent_state", "reconciled", "amount_residual", "no_followup",
        ],
        "account.partial.reconcile": ["amount", "max_date", "debit_move_id", "credit_move_id"],
        "account.move": ["invoice_user_id", "move_type", "invoice_date"],
        "credit.followup": ["category_id", "collector_id"],
        "credit.partner.risk": ["grade"],
    }  # fmt: skip

    as_of = fields.Date(string="As of", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Customer", readonly=True)
    country_id = fields.Many2one("res.country", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    collector_id = fields.Many2one("res.users", readonly=True)
    category_id = fields.Many2one(
        "credit.delinquency.category", string="Delinquency Category", readonly=True
    )
    grade = fields.Selection([(grade, grade) for grade in GRADES], readonly=True)
    move_line_id = fields.Many2one("account.move.line", string="Journal Item", readonly=True)
    move_id = fields.Many2one("account.move", string="Document", readonly=True)
    date = fields.Date(readonly=True)
    date_due = fields.Date(string="Due Date", readonly=True)
    days_late = fields.Integer(
        readonly=True, aggregator="max", help="Days past the due date on the as-of date."
    )
    bucket = fields.Selection(BUCKETS, string="Aging", readonly=True, group_expand=True)
    disputed = fields.Boolean(readonly=True, help="Disputed today (out of dunning).")
    amount_residual = fields.Monetary(
        string="Open Amount", readonly=True, help="What was left of the item on the as-of date."
    )
    amount_not_due = fields.Monetary(string="Not Due", readonly=True)
    amount_late_1_30 = fields.Monetary(string="1-30", readonly=True)
    amount_late_31_60 = fields.Monetary(string="31-60", readonly=True)
    amount_late_61_90 = fields.Monetary(string="61-90", readonly=True)
    amount_late_91_120 = fields.Monetary(string="91-120", readonly=True)
    amount_late_120_plus = fields.Monetary(string="120+", readonly=True)

    @api.model
    def _as_of(self):
        as_of = self.env.context.get("credit_as_of")
        return fields.Date.to_date(as_of) if as_of else fields.Date.context_today(self)

    @property
    def _table_query(self):
        as_of = self._as_of()
        return SQL(" UNION ALL ").join(
            self._company_items(company, as_of) for company in self.env.companies
        )

    def _company_items(self, company, as_of):
        return SQL(
            """
            SELECT items.id, items.id AS move_line_id, items.move_id, items.partner_id,
                   %(company_id)s AS company_id, %(as_of)s::date AS as_of,
                   partner.country_id, items.invoice_user_id AS user_id,
                   followup.collector_id, followup.category_id, risk.grade,
                   items.date, items.date_due, items.days_late,
                   COALESCE(items.no_followup, FALSE) AS disputed,
                   items.amount_residual, CASE %(bucket)s END AS bucket, %(bucket_amounts)s
              FROM (SELECT *, %(as_of)s::date - date_due AS days_late
                      FROM (%(items)s) open_items) items
              LEFT JOIN res_partner partner ON partner.id = items.partner_id
              LEFT JOIN credit_followup followup
                     ON followup.partner_id = items.partner_id
                    AND followup.company_id = %(company_id)s
              LEFT JOIN credit_partner_risk risk
                     ON risk.partner_id = items.partner_id AND risk.company_id = %(company_id)s
            """,
            company_id=company.id,
            as_of=as_of,
            items=open_items_as_of(company, as_of),
            bucket=SQL(" ").join(
                SQL("WHEN %s THEN %s", days_late_between(first, last), key)
                for (key, _label), (_name, first, last) in zip(BUCKETS, AGING_BUCKETS, strict=True)
            ),
            bucket_amounts=SQL(", ").join(
                SQL(
                    "CASE WHEN %s THEN items.amount_residual ELSE 0 END AS %s",
                    days_late_between(first, last),
                    SQL.identifier(name),
                )
                for name, first, last in AGING_BUCKETS
            ),
        )

    def action_open_document(self):
        """The invoice, credit note or payment of the item."""
        self.ensure_one()
        return self.move_id._get_records_action(name=self.move_id.display_name)
