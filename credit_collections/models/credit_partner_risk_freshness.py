from collections import defaultdict
from functools import partial

from odoo import api, fields, models
from odoo.tools import SQL

from .concurrent_runs import run_step
from .credit_partner_risk import uninvoiced_order_ctes

MARKS_TABLE = "credit_partner_risk_mark"
PENDING_MARKS = "credit_collections.stale_marks"


def cache_columns(records, field_names, columns):
    """Put the values of a query's columns, one per field, in the cache of ``records`` (its
    rows), as the ORM's own fetch does: values already in the cache are kept."""
    for name, values in zip(field_names, columns, strict=True):
        records._fields[name]._insert_cache(records, values)


class CreditPartnerRisk(models.Model):
    """Figures that follow the ledger: every change that moves a customer's figures marks it
    stale, and a frequent cron refreshes the marked customers in batches.

    A mark costs the writing transaction nothing but one ``INSERT`` when it commits (all its
    marks at once, collected in the cursor's pre-commit data): marks go to an append-only table,
    so payments and postings never wait on, nor conflict with, the refresh. The cron claims marks
    with ``FOR UPDATE SKIP LOCKED`` and deletes them in the transaction that refreshes their
    customers: several workers share the work, a crash leaves the marks for the next run, and
    a mark committed while a refresh runs is kept for the next one.
    """

    # Extended by concern, one file each: freshness, the follow-up's and KYC's contributions.
    _inherit = "credit.partner.risk"  # pylint: disable=consider-merging-classes-inherited

    def init(self):
        result = super().init()
        self.env.cr.execute(
            SQL(
                """
                CREATE TABLE IF NOT EXISTS %(table)s (
                    id bigserial PRIMARY KEY,
                    partner_id int NOT NULL REFERENCES res_partner (id) ON DELETE CASCADE,
                    company_id int NOT NULL REFERENCES res_company (id) ON DELETE CASCADE
                )
                """,
                table=SQL.identifier(MARKS_TABLE),
            )
        )
        return result

    @api.model
    def _mark_stale(self, partner_ids_by_company):
        """Mark the figures of these customers stale when the transaction commits.

        :param partner_ids_by_company: ``{company id: partner ids}``, any contact of a customer
        """
        pending = self.env.cr.precommit.data.get(PENDING_MARKS)
        if pending is None:
            pending = self.env.cr.precommit.data[PENDING_MARKS] = defaultdict(set)
            self.env.cr.precommit.add(self._write_marks)
        for company_id, partner_ids in partner_ids_by_company.items():
            if company_id:
                pending[company_id].update(filter(None, partner_ids))

    def _write_marks(self):
        pending = self.env.cr.precommit.data.pop(PENDING_MARKS, {})
        pairs = [
            (partner_id, company_id) for company_id, ids in pending.items() for partner_id in ids
        ]
        if not pairs:
            return
        partner_ids, company_ids = zip(*pairs, strict=True)
        self.env.cr.execute(
            SQL(
                """
                INSERT INTO %(table)s (partner_id, company_id)
                SELECT DISTINCT partner.commercial_partner_id, marked.company_id
                  FROM unnest(%(partner_ids)s::int[], %(company_ids)s::int[])
                       AS marked(partner_id, company_id)
                  JOIN res_partner partner ON partner.id = marked.partner_id
                """,
                table=SQL.identifier(MARKS_TABLE),
                partner_ids=list(partner_ids),
                company_ids=list(company_ids),
            )
        )

    @api.model
    def _refresh_marked(self, progress, batch_size=500, after_batch=None):
        """Refresh the customers marked stale, batch by batch, until none is left.

        ``progress(done, remaining=...)`` is called after each batch (the cron commits there);
        a falsy answer stops the run. ``after_batch(company, partner_ids)``, if given, runs
        after each company's batch is refreshed, in its transaction: the layers above the
        figures (the follow-up) refresh theirs there. Returns the refreshed rows.
        """
        self.env.cr.flush()  # this transaction's own marks first
        refreshed = self.browse()
        claim_and_refresh = partial(self._claim_and_refresh, batch_size, after_batch)
        while True:
            claimed, rows = run_step(self.env, claim_and_refresh, progress)
            if not claimed:
                break
            refreshed |= rows
            remaining = self.env.execute_query(
                SQL("SELECT COUNT(*) FROM %s", SQL.identifier(MARKS_TABLE))
            )[0][0]
            if not progress(claimed, remaining=remaining):
                break
        return refreshed

    @api.model
    def _refresh_unless_fresh(self, company, partner_ids, today):
        """Refresh those of the customers not computed on ``today`` or marked stale since (marks
        committed, or pending in this transaction): a run after the nightly refresh, or before
        it, leaves each customer computed once. Returns the refreshed rows.

        Driven from the customers, each row found through the unique index: after a nightly
        rewrite of every row, the table's statistics lag and a search on the rows would scan
        them all (115 ms per batch of 500 at 100,000 customers)."""
        rows = self.env.execute_query(
            SQL(
                """
                SELECT customer.id
                  FROM unnest(%(partner_ids)s::int[]) AS customer(id)
                 WHERE NOT EXISTS (
                       SELECT 1 FROM credit_partner_risk risk
                        WHERE risk.partner_id = customer.id AND risk.company_id = %(company)s
                          AND %(fresh)s)
                """,
                partner_ids=list(partner_ids),
                company=company.id,
                fresh=self._fresh_row(company, today, SQL("risk")),
            )
        )
        stale = [partner_id for (partner_id,) in rows]
        return self._refresh(company, stale, today) if stale else self.browse()

    @api.model
    def _fresh_rows_with_customers(self, company, contacts, customer_fields, field_names):
        """The fresh rows of the contacts' customers in ``company``, read in one query with
        what a credit check reads of the customers: each contact's commercial partner, and
        ``customer_fields`` of those in ``company`` (put in the cache, as superuser). A check
        on fresh figures, the usual case, reads nothing else.

        :return: the fresh rows, ``partner_id``, ``company_id`` and ``field_names`` cached
        """
        customers = self.env["res.partner"].sudo().with_company(company)
        rows = self.sudo()
        risk_fields = ["partner_id", "company_id", *field_names]
        results = self.env.execute_query(
            SQL(
                """
                SELECT contact.id, contact.commercial_partner_id, %(customer_columns)s,
                       risk.id, %(risk_columns)s
                  FROM res_partner contact
                  JOIN res_partner customer ON customer.id = contact.commercial_partner_id
                  LEFT JOIN credit_partner_risk risk
                         ON risk.partner_id = customer.id AND risk.company_id = %(company)s
                        AND %(fresh)s
                 WHERE contact.id = ANY(%(contact_ids)s)
                """,
                customer_columns=SQL(", ").join(
                    customers._field_to_sql("customer", name) for name in customer_fields
                ),
                risk_columns=SQL(", ").join(
                    rows._field_to_sql("risk", name) for name in risk_fields
                ),
                company=company.id,
                fresh=self._fresh_row(company, fields.Date.context_today(self), SQL("risk")),
                contact_ids=contacts.ids,
            )
        )
        if not results:
            return rows
        contact_ids, customer_ids, *columns = zip(*results, strict=True)
        cache_columns(customers.browse(contact_ids), ["commercial_partner_id"], [customer_ids])
        split = len(customer_fields)
        customer_columns, risk_columns = columns[:split], columns[split:]
        cache_columns(customers.browse(customer_ids), customer_fields, customer_columns)
        found = [row for row in zip(*risk_columns, strict=True) if row[0]]
        if not found:
            return rows
        risk_ids, *risk_columns = zip(*found, strict=True)
        rows = rows.browse(risk_ids)
        cache_columns(rows, risk_fields, risk_columns)
        return rows

    @api.model
    def _fresh_row(self, company, today, risk):
        """SQL over the row ``risk`` of a customer in ``company``: computed on ``today``, and
        nothing marked it stale since (a mark committed, or pending in this transaction)."""
        pending = self.env.cr.precommit.data.get(PENDING_MARKS, {}).get(company.id, set())
        pending_ids = self.env["res.partner"].browse(pending).commercial_partner_id.ids
        return SQL(
            """
            %(risk)s.computed_on = %(today)s
            AND %(risk)s.partner_id != ALL(%(pending_ids)s)
            AND NOT EXISTS (
                SELECT 1 FROM %(marks)s mark
                 WHERE mark.partner_id = %(risk)s.partner_id
                   AND mark.company_id = %(risk)s.company_id)
            """,
            risk=risk,
            today=today,
            pending_ids=pending_ids,
            marks=SQL.identifier(MARKS_TABLE),
        )

    @api.model
    def _add_confirmed_orders(self, company, orders, today=None):
        """Count ``orders``, just confirmed in ``company``, in their customers' fresh figures,
        in one statement: the exposure grows by exactly what a refresh would add for them (see
        ``uninvoiced_order_ctes``), and the month's history with it. Customers without fresh
        figures are refreshed instead.

        :return: the rows changed or refreshed
        """
        today = today or fields.Date.context_today(self)
        self.env.flush_all()
        rows = self.env.execute_query(
            SQL(
                """
                WITH %(order_ctes)s,
                added AS (
                    UPDATE credit_partner_risk risk
                       SET uninvoiced_order_amount
                               = risk.uninvoiced_order_amount + orders.uninvoiced_order_amount,
                           exposure = risk.exposure + orders.uninvoiced_order_amount,
                           write_uid = %(uid)s, write_date = NOW() AT TIME ZONE 'UTC'
                      FROM orders
                     WHERE risk.partner_id = orders.partner_id
                       AND risk.partner_id = ANY(%(customer_ids)s)  -- the unique index
                       AND risk.company_id = %(company_id)s
                       AND %(fresh)s
                 RETURNING risk.id, risk.partner_id, risk.exposure
                ),
                history AS (
                    UPDATE credit_partner_risk_history history
                       SET exposure = added.exposure
                      FROM added
                     WHERE history.partner_id = added.partner_id
                       AND history.company_id = %(company_id)s
                       AND history.month = %(month)s
                )
                SELECT orders.partner_id, added.id
                  FROM orders
                  LEFT JOIN added ON added.partner_id = orders.partner_id
                """,
                order_ctes=uninvoiced_order_ctes(
                    company.id,
                    SQL("sale.id = ANY(%s)", orders.ids),
                    company.currency_id.decimal_places,
                    downpayments=any(orders.order_line.mapped("is_downpayment")),
                ),
                uid=self.env.uid,
                customer_ids=orders._credit_customer().ids,
                company_id=company.id,
                fresh=self._fresh_row(company, today, SQL("risk")),
                month=today.replace(day=1),
            )
        )
        self.invalidate_model()
        self.env["res.partner"].invalidate_model()  # its credit_* fields read these rows
        changed = self.browse([risk_id for _partner_id, risk_id in rows if risk_id])
        stale = [partner_id for partner_id, risk_id in rows if not risk_id]
        return changed | self._refresh(company, stale, today) if stale else changed

    @api.model
    def _claim_and_refresh(self, limit, after_batch):
        """Claim a batch of marks and refresh their customers: how many customers were marked,
        and the refreshed rows."""
        claimed, refreshed = self._claim_marks(limit), self.browse()
        for company_id, partner_ids in claimed.items():
            company = self.env["res.company"].browse(company_id)
            refreshed |= self._refresh(company, partner_ids)
            if after_batch:
                after_batch(company, partner_ids)
        return sum(map(len, claimed.values())), refreshed

    @api.model
    def _claim_marks(self, limit):
        """Delete up to ``limit`` marks no other worker holds: ``{company id: partner ids}``."""
        rows = self.env.execute_query(
            SQL(
                """
                DELETE FROM %(table)s mark
                 USING (SELECT id FROM %(table)s ORDER BY id LIMIT %(limit)s
                           FOR UPDATE SKIP LOCKED) AS claimed
                 WHERE mark.id = claimed.id
             RETURNING mark.company_id, mark.partner_id
                """,
                table=SQL.identifier(MARKS_TABLE),
                limit=limit,
            )
        )
        claimed = defaultdict(set)
        for company_id, partner_id in rows:
            claimed[company_id].add(partner_id)
        return {company_id: sorted(ids) for company_id, ids in claimed.items()}

    @api.model
    def _marked_partner_ids(self, company):
        """The customers of ``company`` marked stale (committed marks)."""
        rows = self.env.execute_query(
            SQL(
                "SELECT DISTINCT partner_id FROM %s WHERE company_id = %s",
                SQL.identifier(MARKS_TABLE),
                company.id,
            )
        )
        return [partner_id for (partner_id,) in rows]
