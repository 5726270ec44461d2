"""Late-payment interest, compensation and follow-up fees still to charge, read from the ledger:
SQL building blocks for ``credit.late.charge``.

Interest is simple interest per day late on what was left of a late invoice that day, in the
invoice's currency, at the yearly rate in force that day (the policy's reference rate of that day
plus its margin for the customer's type, business or consumer), counted actual/365. It runs from
the day after the due date; a payment (or credit note) stops it, on what it settled, from the day
after its date, so the day an invoice is settled is its last day of interest, as its days late
say. It is charged per invoice and calendar month: a month once it is over, or once the invoice
is settled (what is left of the month is then final), never twice. An invoice settled or still
open within the grace days of its due date is not late; a disputed item (Odoo's
``no_followup``) accrues nothing, nor does a charge's own invoice (no interest on interest).
Nothing accrues before the policy's start date.
"""

from odoo.tools import SQL

from .receivables import receivable_items


def late_invoices(policy, partner_ids, today, businesses, consumers):
    """SQL: the customer invoices (of ``partner_ids``, if given) late beyond the grace days on
    ``today``, of business customers (companies) and/or consumers: ``partner_id``
    (commercial), ``line_id`` (receivable item), ``move_id``, ``currency_id``, ``original`` (in
    that currency), ``date_due``, ``settled_on`` (empty while open) and ``is_company``."""
    return SQL(
        """
        SELECT items.partner_id, items.id AS line_id, items.move_id, line.currency_id,
               line.amount_currency AS original, items.date_due, settled.settled_on,
               COALESCE(customer.is_company, FALSE) AS is_company
          FROM (%(items)s) items
          JOIN account_move_line line ON line.id = items.id
          JOIN res_partner customer ON customer.id = items.partner_id
          LEFT JOIN LATERAL (
                SELECT MAX(part.max_date) AS settled_on FROM account_partial_reconcile part
                 WHERE part.debit_move_id = items.id
          ) settled ON items.reconciled
         WHERE items.move_type = 'out_invoice' AND items.balance > 0
           AND NOT COALESCE(items.no_followup, FALSE)
           -- no interest on interest, nor compensation for a late charge
           AND NOT EXISTS (SELECT 1 FROM credit_late_charge charge
                            WHERE charge.move_id = items.move_id)
           AND CASE WHEN COALESCE(customer.is_company, FALSE) THEN %(b2b)s ELSE %(b2c)s END
           AND COALESCE(settled.settled_on, %(today)s) - items.date_due > %(grace)s
           AND COALESCE(settled.settled_on, %(today)s) >= %(start)s
        """,
        items=receivable_items(policy.company_id, partner_ids),
        b2b=businesses,
        b2c=consumers,
        today=today,
        grace=policy.late_charge_grace_days,
        start=policy.late_charge_start_date,
    )


def interest_segments(policy, partner_ids, today):
    """SQL: the interest still to charge, one row per stretch of days at one base and one rate
    within an uncharged month of a late invoice: ``partner_id``, ``line_id``, ``move_id``,
    ``currency_id``, ``month_start``, ``first_day`` and ``last_day`` (the month's days of
    interest), ``segment_start``, ``days``, ``base`` (left of the invoice, its currency) and
    ``rate`` (yearly, in percent)."""
    return SQL(
        """
        WITH late AS MATERIALIZED (%(late)s),
        months AS MATERIALIZED (
            SELECT late.*, month::date AS month_start,
                   GREATEST(month::date, late.date_due + 1, %(start)s) AS first_day,
                   LEAST((month + interval '1 month')::date - 1,
                         COALESCE(late.settled_on, %(today)s)) AS last_day
              FROM late, generate_series(
                       date_trunc('month', GREATEST(late.date_due + 1, %(start)s)),
                       date_trunc('month', COALESCE(late.settled_on, %(today)s)),
                       interval '1 month') AS month
             WHERE ((month + interval '1 month')::date <= %(today)s OR late.settled_on IS NOT NULL)
               AND NOT EXISTS (
                    SELECT 1 FROM credit_late_charge charge
                     WHERE charge.line_id = late.line_id AND charge.kind = 'interest'
                       AND charge.period_start = month::date)
        ),
        cuts AS (  -- the first day of each stretch: the month's, after a payment, a new rate
            SELECT line_id, month_start, first_day AS day FROM months
             UNION
            SELECT months.line_id, months.month_start, part.max_date + 1
              FROM months
              JOIN account_partial_reconcile part ON part.debit_move_id = months.line_id
             WHERE part.max_date + 1 > months.first_day AND part.max_date + 1 <= months.last_day
             UNION
            SELECT months.line_id, months.month_start, rate.date_from
              FROM months
              JOIN credit_interest_rate rate ON rate.policy_id = %(policy_id)s
             WHERE rate.date_from > months.first_day AND rate.date_from <= months.last_day
        ),
        segments AS (
            SELECT cuts.line_id, cuts.month_start, cuts.day AS segment_start,
                   COALESCE(LEAD(cuts.day) OVER (PARTITION BY cuts.line_id, cuts.month_start
                                                 ORDER BY cuts.day),
                            months.last_day + 1) - cuts.day AS days
              FROM cuts
              JOIN months ON months.line_id = cuts.line_id
                         AND months.month_start = cuts.month_start
        )
        SELECT months.partner_id, months.line_id, months.move_id, months.currency_id,
               months.month_start, months.first_day, months.last_day,
               segments.segment_start, segments.days,
               months.original - COALESCE((
                    SELECT SUM(part.debit_amount_currency) FROM account_partial_reconcile part
                     WHERE part.debit_move_id = months.line_id
                       AND part.max_date < segments.segment_start), 0) AS base,
               COALESCE((
                    SELECT rate.rate FROM credit_interest_rate rate
                     WHERE rate.policy_id = %(policy_id)s
                       AND rate.date_from <= segments.segment_start
                     ORDER BY rate.date_from DESC LIMIT 1), 0)
               + CASE WHEN months.is_company THEN %(b2b_margin)s ELSE %(b2c_margin)s END AS rate
          FROM segments
          JOIN months ON months.line_id = segments.line_id
                     AND months.month_start = segments.month_start
         ORDER BY months.partner_id, months.line_id, months.month_start, segments.segment_start
        """,
        late=late_invoices(policy, partner_ids, today, policy.interest_b2b, policy.interest_b2c),
        start=policy.late_charge_start_date,
        today=today,
        policy_id=policy.id,
        b2b_margin=policy.interest_b2b_margin,
        b2c_margin=policy.interest_b2c_margin,
    )


def uncompensated_invoices(policy, partner_ids, today):
    """SQL: the late invoices of business customers that have not had their fixed
    compensation for recovery costs yet (once per invoice): ``partner_id``, ``line_id``,
    ``move_id``, ``currency_id``."""
    return SQL(
        """
        SELECT late.partner_id, late.line_id, late.move_id, late.currency_id
          FROM (%(late)s) late
         WHERE NOT EXISTS (SELECT 1 FROM credit_late_charge charge
                            WHERE charge.line_id = late.line_id AND charge.kind = 'compensation')
         ORDER BY late.partner_id, late.line_id
        """,
        late=late_invoices(policy, partner_ids, today, True, False),
    )


def unbilled_fees(policy, partner_ids=None):
    """SQL: the communications (of ``partner_ids``, if given) done at a level with a fee, since
    the policy's
    start date, whose fee is not charged yet: ``partner_id``, ``communication_id``,
    ``amount`` (company currency)."""
    return SQL(
        """
        SELECT communication.partner_id, communication.id AS communication_id,
               level.fee_amount AS amount
          FROM credit_followup_communication communication
          JOIN credit_followup_level level ON level.id = communication.level_id
         WHERE communication.company_id = %(company_id)s
           AND %(customers)s
           AND communication.state = 'done' AND level.fee_amount > 0
           AND communication.date >= %(start)s
           AND NOT EXISTS (SELECT 1 FROM credit_late_charge charge
                            WHERE charge.communication_id = communication.id
                              AND charge.kind = 'fee')
         ORDER BY communication.partner_id, communication.id
        """,
        company_id=policy.company_id.id,
        customers=SQL("TRUE")
        if partner_ids is None
        else SQL("communication.partner_id = ANY(%s)", list(partner_ids)),
        start=policy.late_charge_start_date,
    )


def chargeable_customers(policy, today):
    """SQL: the customers with something to charge, or that may have (``partner_id``)."""
    return SQL(
        "SELECT partner_id FROM (%s) late UNION SELECT partner_id FROM (%s) fees",
        late_invoices(
            policy,
            None,
            today,
            policy.interest_b2b or policy.compensation_b2b,
            policy.interest_b2c,
        ),
        unbilled_fees(policy),
    )
