import json
from collections import defaultdict
from functools import partial

from odoo import Command, api, fields, models
from odoo.tools import SQL, format_amount, groupby, split_every

from ..tools.late_charges import (
    chargeable_customers,
    interest_segments,
    unbilled_fees,
    uncompensated_invoices,
)
from .concurrent_runs import run_step
from .credit_late_charge import CHARGE_LOCK_SPACE

# The columns of a charge that the run writes, besides company, date and state.
CHARGE_COLUMNS = [
    "kind",
    "partner_id",
    "currency_id",
    "line_id",
    "invoice_id",
    "communication_id",
    "period_start",
    "date_from",
    "date_to",
    "amount",
    "computation",
]


class CreditLateCharge(models.Model):
    """The late-charges run: each customer's interest, compensations and fees still due,
    computed from the ledger (``tools/late_charges.py``), charged on one posted customer
    invoice per currency, in the transaction that records them.

    Safe to run twice and to share: what is charged is recorded with its invoice, a second
    run finds nothing left; workers lock the customers they charge (advisory locks) and a
    charge recorded by another worker since this one's snapshot makes the batch start again
    on a fresh one (``run_step``), finding it charged.
    """

    _inherit = "credit.late.charge"  # pylint: disable=consider-merging-classes-inherited

    @api.model
    def _cron_charge(self):
        self._charge_due(self.env["ir.cron"]._commit_progress)

    @api.model
    def _charge_due(self, progress, today=None, batch_size=200):
        """Charge what every customer of every company owes for paying late, by batches of
        customers; ``progress(done, remaining=...)`` after each (the cron commits there)."""
        today = today or fields.Date.context_today(self)
        self.env.flush_all()  # the ledger is read in SQL
        charged = self.browse()
        policies = self.env["credit.risk.policy"]
        for company in self.env["res.company"].search([("chart_template", "!=", False)]):
            policy = policies._for_company(company)
            if not (policy._charges_late_payments() or self._levels_with_fees(company)):
                continue  # the default: nothing to read
            partner_ids = self._chargeable_customers(policy, today)
            remaining = len(partner_ids)
            for batch in split_every(batch_size, partner_ids):
                step = partial(self._charge_customers, policy, batch, today)
                charged |= run_step(self.env, step, progress)
                remaining -= len(batch)
                if not progress(len(batch), remaining=remaining):
                    return charged
        return charged

    @api.model
    def _levels_with_fees(self, company):
        return self.env["credit.followup.level"].search_count(
            [("fee_amount", ">", 0), ("company_id", "in", [company.id, False])], limit=1
        )

    @api.model
    def _chargeable_customers(self, policy, today):
        rows = self.env.execute_query(
            SQL(
                "SELECT partner_id FROM (%s) customers ORDER BY partner_id",
                chargeable_customers(policy, today),
            )
        )
        return [partner_id for (partner_id,) in rows]

    @api.model
    def _charge_customers(self, policy, partner_ids, today):
        """Charge these customers (those no other worker is charging); returns the charges."""
        policy = policy.with_company(policy.company_id)
        self.env.flush_all()
        partner_ids = self._lock_customers(partner_ids)
        due = self._due_charges(policy, partner_ids, today)
        charges = self.browse()
        for (partner_id, currency_id), values in due.items():
            currency = self.env["res.currency"].browse(currency_id)
            if self._below_minimum(policy, currency, values, today):
                continue
            charges |= self._invoice_charges(policy, partner_id, currency, values, today)
        return charges

    @api.model
    def _lock_customers(self, partner_ids):
        rows = self.env.execute_query(
            SQL(
                "SELECT id FROM unnest(%s::int[]) AS id WHERE pg_try_advisory_xact_lock(%s, id)",
                list(partner_ids),
                CHARGE_LOCK_SPACE,
            )
        )
        return [partner_id for (partner_id,) in rows]

    @api.model
    def _due_charges(self, policy, partner_ids, today):
        """``{(customer id, currency id): [charge values]}``: what is due and not charged."""
        due = defaultdict(list)
        if not partner_ids:
            return due
        charges = []
        if policy.interest_b2b or policy.interest_b2c:
            charges += self._interest_charges(policy, partner_ids, today)
        if policy.compensation_b2b and policy.compensation_currency_id:
            charges += self._compensation_charges(policy, partner_ids, today)
        charges += self._fee_charges(policy, partner_ids)
        for values in charges:
            if values["amount"] > 0:
                due[values["partner_id"], values["currency_id"]].append(values)
        return due

    @api.model
    def _interest_charges(self, policy, partner_ids, today):
        """One charge per late invoice and month, from its stretches of days at one base and
        rate: rounded once, in the invoice's currency, with its computation spelt out."""
        segments = self.env.execute_query_dict(interest_segments(policy, partner_ids, today))
        charges = []
        for _key, month in groupby(segments, key=lambda row: (row["line_id"], row["month_start"])):
            first = month[0]
            currency = self.env["res.currency"].browse(first["currency_id"])
            invoice = self.env["account.move"].browse(first["move_id"])
            amount = sum(row["base"] * row["rate"] / 100 * row["days"] / 365 for row in month)
            terms = " + ".join(
                self.env._(
                    "%(base)s at %(rate)s%% for %(days)s days",
                    base=format_amount(self.env, row["base"], currency),
                    rate=f"{row['rate']:.2f}",
                    days=row["days"],
                )
                for row in month
            )
            charges.append(
                {
                    "kind": "interest",
                    "partner_id": first["partner_id"],
                    "currency_id": currency.id,
                    "line_id": first["line_id"],
                    "invoice_id": invoice.id,
                    "period_start": first["month_start"],
                    "date_from": first["first_day"],
                    "date_to": first["last_day"],
                    "amount": currency.round(amount),
                    "computation": self.env._(
                        "Interest on %(invoice)s from %(start)s to %(end)s (a year of 365 "
                        "days): %(terms)s",
                        invoice=invoice.name,
                        start=first["first_day"],
                        end=first["last_day"],
                        terms=terms,
                    ),
                }
            )
        return charges

    @api.model
    def _compensation_charges(self, policy, partner_ids, today):
        """The fixed compensation, once per late invoice, in the invoice's currency at
        today's rate."""
        fixed = policy.compensation_currency_id
        rows = self.env.execute_query_dict(uncompensated_invoices(policy, partner_ids, today))
        charges = []
        for row in rows:
            currency = self.env["res.currency"].browse(row["currency_id"])
            invoice = self.env["account.move"].browse(row["move_id"])
            amount = fixed._convert(policy.compensation_amount, currency, policy.company_id, today)
            computation = self.env._(
                "Compensation for recovery costs on %(invoice)s (Directive 2011/7/EU): %(amount)s",
                invoice=invoice.name,
                amount=format_amount(self.env, policy.compensation_amount, fixed),
            )
            if currency != fixed:
                computation += " = " + format_amount(self.env, amount, currency)
            charges.append(
                {
                    "kind": "compensation",
                    "partner_id": row["partner_id"],
                    "currency_id": currency.id,
                    "line_id": row["line_id"],
                    "invoice_id": invoice.id,
                    "amount": amount,
                    "computation": computation,
                }
            )
        return charges

    @api.model
    def _fee_charges(self, policy, partner_ids):
        """The fee of each communication sent at a level with a fee (company currency)."""
        currency = policy.company_id.currency_id
        rows = self.env.execute_query_dict(unbilled_fees(policy, partner_ids))
        communications = self.env["credit.followup.communication"].browse(
            [row["communication_id"] for row in rows]
        )
        return [
            {
                "kind": "fee",
                "partner_id": communication.partner_id.id,
                "currency_id": currency.id,
                "communication_id": communication.id,
                "amount": currency.round(row["amount"]),
                "computation": self.env._(
                    "Follow-up fee: %(level)s of %(date)s",
                    level=communication.level_id.name,
                    date=communication.date,
                ),
            }
            for row, communication in zip(rows, communications, strict=True)
        ]

    @api.model
    def _below_minimum(self, policy, currency, values, today):
        """Whether these charges wait for more (they stay uncharged, so nothing is lost)."""
        total = sum(value["amount"] for value in values)
        company = policy.company_id
        in_company_currency = currency._convert(total, company.currency_id, company, today)
        return (
            company.currency_id.compare_amounts(in_company_currency, policy.late_charge_min_amount)
            < 0
        )

    @api.model
    def _invoice_charges(self, policy, partner_id, currency, values, today):
        """Record the charges and post the invoice that charges them, in this transaction."""
        charges = self._record(policy, values, today)
        if not charges:
            return charges
        move = self._charge_invoice(policy, partner_id, currency, charges, today)
        # Nobody edits a charge (a waiver is its credit note): the run links it as superuser.
        for charge, line in zip(charges.sudo(), move.invoice_line_ids.sorted("id"), strict=True):
            charge.write({"move_id": move.id, "move_line_id": line.id})
        # A charge is the cost of lateness, not new credit: the hold rules do not judge it.
        move._credit_checked_ids().update(move.ids)
        move._post(soft=False)
        return charges

    @api.model
    def _record(self, policy, values, today):
        """Insert the charges not recorded yet; the unique indexes skip the others (under the
        cron's snapshot isolation, one committed meanwhile by another worker raises a
        serialization failure, and ``run_step`` starts the batch again)."""
        rows = [{name: value.get(name) for name in CHARGE_COLUMNS} for value in values]
        for row in rows:
            for name in ("period_start", "date_from", "date_to"):
                row[name] = row[name] and fields.Date.to_string(row[name])
        columns = SQL(", ").join(map(SQL.identifier, CHARGE_COLUMNS))
        ids = self.env.execute_query(
            SQL(
                """
                INSERT INTO credit_late_charge (company_id, date, state, create_uid, create_date,
                                                write_uid, write_date, %(columns)s)
                SELECT %(company_id)s, %(today)s, 'charged', %(uid)s, NOW() AT TIME ZONE 'UTC',
                       %(uid)s, NOW() AT TIME ZONE 'UTC', %(columns)s
                  FROM jsonb_to_recordset(%(rows)s::jsonb) AS charge(%(typed_columns)s)
                ON CONFLICT DO NOTHING
                RETURNING id
                """,
                columns=columns,
                typed_columns=SQL(", ").join(
                    SQL("%s %s", SQL.identifier(name), SQL(self._fields[name].column_type[1]))
                    for name in CHARGE_COLUMNS
                ),
                company_id=policy.company_id.id,
                today=today,
                uid=self.env.uid,
                rows=json.dumps(rows),
            )
        )
        return self.browse(charge_id for (charge_id,) in ids)

    @api.model
    def _charge_invoice(self, policy, partner_id, currency, charges, today):
        """The customer invoice of these charges, one line each, its computation as label."""
        invoices = charges.invoice_id.sorted("name")
        product = policy.late_charge_product_id or self.env.ref(
            "credit_collections.product_late_payment_charge"
        )
        return (
            self.env["account.move"]
            .with_company(policy.company_id)
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner_id,
                    "currency_id": currency.id,
                    "invoice_date": today,
                    "invoice_date_due": today,
                    "ref": self.env._("Late-payment charges"),
                    "invoice_origin": ", ".join(invoices.mapped("name")) or False,
                    "invoice_line_ids": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "name": charge.computation,
                                "quantity": 1,
                                "price_unit": charge.amount,
                            }
                        )
                        for charge in charges
                    ],
                }
            )
        )
