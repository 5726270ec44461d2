"""Demo portfolio: thirty customers whose ledgers tell thirty different credit stories.

Only the demo data calls this (``demo/credit_collections_demo.xml``), and the tests that check
it. Dates are relative to today, so every screen has something to show on the day it is opened.
"""

import random
from datetime import timedelta
from typing import NamedTuple

from odoo import Command, api, fields, models
from odoo.exceptions import UserError

DEMO_REF_PREFIX = "CCDEMO-"
PAYMENT_TERM_DAYS = 30


class PlannedInvoice(NamedTuple):
    """An invoice to create: its date, untaxed amount and payments (date, share of total)."""

    days_ago: int
    amount: float
    payments: tuple = ()
    disputed: bool = False


class DemoCustomer(NamedTuple):
    name: str
    city: str
    profile: str


PORTFOLIO = [
    DemoCustomer("Alder & Finch Interiors", "Portland", "prompt"),
    DemoCustomer("Bluewater Marine Supply", "Seattle", "prompt"),
    DemoCustomer("Cedar Ridge Builders", "Denver", "prompt"),
    DemoCustomer("Delta Office Solutions", "Austin", "prompt"),
    DemoCustomer("Evergreen Grocers", "Boise", "prompt"),
    DemoCustomer("Foxglove Pharmacy", "Tucson", "prompt"),
    DemoCustomer("Granite Peak Outfitters", "Salt Lake City", "prompt"),
    DemoCustomer("Harborview Hotels", "San Diego", "prompt"),
    DemoCustomer("Ironwood Fabrication", "Cleveland", "slow"),
    DemoCustomer("Juniper Logistics", "Memphis", "slow"),
    DemoCustomer("Keystone Printing", "Pittsburgh", "slow"),
    DemoCustomer("Lakeshore Dental Group", "Milwaukee", "slow"),
    DemoCustomer("Maple Leaf Catering", "Buffalo", "slow"),
    DemoCustomer("Northstar Energy Services", "Minneapolis", "large_debt"),
    DemoCustomer("Oakmont Construction", "Charlotte", "large_debt"),
    DemoCustomer("Pinecrest Veterinary", "Raleigh", "new_account"),
    DemoCustomer("Quarry Lane Bakery", "Madison", "new_account"),
    DemoCustomer("Redwood Analytics", "Sacramento", "new_account"),
    DemoCustomer("Summit Medical Devices", "Phoenix", "disputed"),
    DemoCustomer("Tidewater Seafood Co.", "Norfolk", "disputed"),
    DemoCustomer("Union Square Apparel", "San Francisco", "promise"),
    DemoCustomer("Valley Farm Equipment", "Fresno", "promise"),
    DemoCustomer("Westbrook Auto Parts", "Detroit", "payment_plan"),
    DemoCustomer("Xenon Lighting Studio", "Las Vegas", "payment_plan"),
    DemoCustomer("Yellowstone Tours", "Billings", "over_limit"),
    DemoCustomer("Zephyr Wind Systems", "Omaha", "over_limit"),
    DemoCustomer("Apex Plumbing Supply", "Kansas City", "chronic"),
    DemoCustomer("Brightline Events", "Nashville", "chronic"),
    DemoCustomer("Coastal Pet Care", "Tampa", "credit_note"),
    DemoCustomer("Driftwood Furniture", "Savannah", "partial"),
]


class CreditDemoPortfolio(models.AbstractModel):
    _name = "credit.demo.portfolio"
    _description = "Credit & Collections demo portfolio builder"

    @api.model
    def _build(self, company=None):
        """Create the portfolio in ``company`` (default: the current one) unless it exists.

        :return: the demo customers, as ``res.partner`` records
        """
        company = company or self.env.company
        self = self.with_company(company).with_context(tracking_disable=True)
        existing = self._demo_partners()
        if existing:
            return existing
        if not company.chart_template:
            raise UserError(
                self.env._(
                    "Install a chart of accounts in %(company)s "
                    "before building the demo portfolio.",
                    company=company.name,
                )
            )
        company.account_use_credit_limit = True
        product = self._demo_product()
        today = fields.Date.context_today(self)
        partners = self._create_partners()
        plans_by_partner = [
            (partner, getattr(self, f"_plan_{customer.profile}")(random.Random(partner.ref)))
            for partner, customer in zip(partners, PORTFOLIO, strict=True)
        ]
        invoices = self._create_invoices(plans_by_partner, product, today)
        invoices_by_partner = invoices.grouped("partner_id")
        for partner, customer in zip(partners, PORTFOLIO, strict=True):
            finish = getattr(self, f"_finish_{customer.profile}", None)
            if finish:
                finish(partner, invoices_by_partner[partner], product, today)
        self._charge_late_payments(company, today)
        self.env["credit.partner.risk"]._refresh_nightly_batch(company, partners.ids, today)
        self._group_and_place(partners, today)
        self.env["credit.collection.kpi"]._snapshot(company, today)
        return partners

    def _group_and_place(self, partners, today):
        """Two customers of one owner share a credit group; a chronic payer's overdue items
        were placed with a collection agency three weeks ago."""
        by_name = {partner.name: partner for partner in partners}
        group = self.env["credit.group"].create(
            {"name": "Coastal Holdings", "credit_limit": 90000.0}
        )
        (by_name["Tidewater Seafood Co."] | by_name["Coastal Pet Care"]).credit_group_id = group
        agency = self.env["res.partner"].create(
            {
                "name": "Demo Recovery Agency",
                "is_company": True,
                "email": "cases@recovery-agency.example.com",
            }
        )
        placed = by_name["Brightline Events"]
        lines = self.env["account.move.line"].search(
            [
                ("partner_id", "=", placed.id),
                ("account_type", "=", "asset_receivable"),
                ("reconciled", "=", False),
                ("date_maturity", "<", today - timedelta(days=60)),
            ]
        )
        self.env["credit.agency.case"].sudo().create(  # cases are opened by hand-offs only
            {
                "followup_id": self._followup(placed).id,
                "agency_id": agency.id,
                "placed_on": today - timedelta(days=21),
                "line_ids": lines.ids,
                "amount_placed": sum(lines.mapped("amount_residual")),
                "fee_rate": 25.0,
            }
        )

    def _charge_late_payments(self, company, today):
        """Interest on invoices of businesses more than 5 days late, from four months ago: the
        late payers have their first charges, the prompt ones none."""
        self.env["credit.risk.policy"]._for_company(company).write(
            {
                "interest_b2b": True,
                "late_charge_grace_days": 5,
                "late_charge_start_date": today - timedelta(days=120),
                "interest_rate_ids": [
                    Command.create(
                        {
                            "date_from": today - timedelta(days=365),
                            "rate": 4.5,
                            "note": "Demo reference rate",
                        }
                    )
                ],
            }
        )
        self.env["credit.late.charge"]._charge_due(lambda *args, **kwargs: True, today)

    def _demo_partners(self):
        return self.env["res.partner"].search(
            [
                ("ref", "=like", f"{DEMO_REF_PREFIX}%"),
                ("company_id", "in", [False, self.env.company.id]),
            ],
            order="ref",
        )

    def _demo_product(self):
        return self.env["product.product"].create(
            {"name": "Industrial supplies (demo)", "type": "service", "list_price": 100.0}
        )

    def _create_partners(self):
        payment_term = self.env.ref("account.account_payment_term_30days")
        return self.env["res.partner"].create(
            [
                {
                    "name": customer.name,
                    "is_company": True,
                    "ref": f"{DEMO_REF_PREFIX}{index:02d}",
                    "city": customer.city,
                    "country_id": self.env.ref("base.us").id,
                    "email": f"accounts@{customer.name.split()[0].lower()}.example.com",
                    "phone": f"+1 555 01{index:02d}",
                    "property_payment_term_id": payment_term.id,
                    "comment": f"Demo credit profile: {customer.profile.replace('_', ' ')}",
                }
                for index, customer in enumerate(PORTFOLIO, start=1)
            ]
        )

    def _create_invoices(self, plans_by_partner, product, today):
        """Create and post every planned invoice at once, then pay them as planned."""
        planned = [(partner, plan) for partner, plans in plans_by_partner for plan in plans]
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_date": today - timedelta(days=plan.days_ago),
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "quantity": 1, "price_unit": plan.amount}
                        )
                    ],
                }
                for partner, plan in planned
            ]
        )
        invoices.action_post()
        plans = [plan for _partner, plan in planned]
        self._pay_invoices(invoices, plans, today)
        self._mark_disputes(invoices, plans)
        return invoices

    def _pay_invoices(self, invoices, plans, today):
        """One posted payment per planned instalment already due, reconciled with its invoice."""
        instalments = []
        for invoice, plan in zip(invoices, plans, strict=True):
            remaining = invoice.amount_total
            for days_after_invoice, share in plan.payments:
                payment_date = invoice.invoice_date + timedelta(days=days_after_invoice)
                amount = invoice.currency_id.round(min(invoice.amount_total * share, remaining))
                if payment_date <= today and amount > 0:
                    instalments.append((invoice, payment_date, amount))
                    remaining -= amount
        journal = self.env["account.journal"].search(
            [
                *self.env["account.journal"]._check_company_domain(self.env.company),
                ("type", "=", "bank"),
            ],
            limit=1,
        )
        payments = self.env["account.payment"].create(
            [
                {
                    "payment_type": "inbound",
                    "partner_type": "customer",
                    "partner_id": invoice.partner_id.id,
                    "amount": amount,
                    "date": payment_date,
                    "journal_id": journal.id,
                    "memo": invoice.name,
                }
                for invoice, payment_date, amount in instalments
            ]
        )
        payments.action_post()
        for (invoice, _date, _amount), payment in zip(instalments, payments, strict=True):
            (invoice.line_ids + payment.move_id.line_ids).filtered(
                lambda line: line.account_type == "asset_receivable" and not line.reconciled
            ).reconcile()

    def _mark_disputes(self, invoices, plans):
        for invoice, plan in zip(invoices, plans, strict=True):
            if plan.disputed:
                invoice.no_followup = True
                invoice.message_post(
                    body=self.env._(
                        "Customer disputes this invoice: goods reported damaged on arrival."
                    )
                )

    # Profiles: each returns the planned invoices of one kind of customer.

    def _monthly(self, rng, months, low, high, pay_delay):
        """One invoice a month for ``months`` months, paid ``pay_delay(rng)`` days after due."""
        return [
            PlannedInvoice(
                days_ago=30 * month + rng.randint(0, 4),
                amount=round(rng.uniform(low, high), 2),
                payments=((PAYMENT_TERM_DAYS + pay_delay(rng), 1.0),),
            )
            for month in range(months, 0, -1)
        ]

    def _plan_prompt(self, rng):
        return self._monthly(rng, 12, 800, 4000, lambda r: r.randint(-6, 2))

    def _plan_slow(self, rng):
        return self._monthly(rng, 12, 1500, 6000, lambda r: r.randint(20, 55))

    def _plan_large_debt(self, rng):
        plans = self._monthly(rng, 10, 500, 1500, lambda r: r.randint(-3, 3))
        return [*plans, PlannedInvoice(days_ago=105, amount=round(rng.uniform(38000, 46000), 2))]

    def _plan_new_account(self, rng):
        return [
            PlannedInvoice(
                days_ago=38, amount=round(rng.uniform(600, 1200), 2), payments=((29, 1.0),)
            ),
            PlannedInvoice(days_ago=9, amount=round(rng.uniform(900, 2500), 2)),
        ]

    def _plan_disputed(self, rng):
        plans = self._monthly(rng, 8, 1000, 3000, lambda r: r.randint(-2, 5))
        return [
            *plans,
            PlannedInvoice(days_ago=62, amount=round(rng.uniform(7000, 9000), 2), disputed=True),
        ]

    def _plan_promise(self, rng):
        plans = self._monthly(rng, 9, 1200, 3500, lambda r: r.randint(5, 25))
        overdue = [
            PlannedInvoice(days_ago=days, amount=round(rng.uniform(2500, 5000), 2))
            for days in (52, 66)
        ]
        return [*plans, *overdue]

    def _plan_payment_plan(self, rng):
        plans = self._monthly(rng, 6, 1000, 2000, lambda r: r.randint(0, 10))
        instalments = tuple((60 + 30 * number, 1 / 6) for number in range(6))
        return [
            *plans,
            PlannedInvoice(
                days_ago=150, amount=round(rng.uniform(18000, 26000), 2), payments=instalments
            ),
        ]

    def _plan_over_limit(self, rng):
        plans = self._monthly(rng, 11, 2000, 3000, lambda r: r.randint(10, 30))
        return [
            *plans,
            *(
                PlannedInvoice(days_ago=days, amount=round(rng.uniform(4000, 5000), 2))
                for days in (20, 40)
            ),
        ]

    def _plan_chronic(self, rng):
        paid = self._monthly(rng, 12, 1000, 2500, lambda r: r.randint(45, 90))[:6]
        unpaid = [
            PlannedInvoice(days_ago=days, amount=round(rng.uniform(1500, 3500), 2))
            for days in (175, 140, 110, 80, 45)
        ]
        return [*paid, *unpaid]

    def _plan_credit_note(self, rng):
        plans = self._monthly(rng, 11, 900, 2500, lambda r: r.randint(-3, 4))
        return [*plans, PlannedInvoice(days_ago=35, amount=2400.0)]

    def _plan_partial(self, rng):
        plans = self._monthly(rng, 12, 1000, 3000, lambda r: r.randint(0, 15))
        return [
            plan._replace(payments=((PAYMENT_TERM_DAYS + 10, 0.5),))
            if plan.days_ago < 130
            else plan
            for plan in plans
        ]

    # Finishing touches that invoices and payments alone cannot express.

    def _finish_promise(self, partner, invoices, product, today):
        followup = self._followup(partner)
        self.env["credit.followup.promise"].create(
            {
                "followup_id": followup.id,
                "promise_date": today + timedelta(days=7),
                "amount": followup._overdue_total(),
                "note": self.env._(
                    "Called accounts payable: they promise to pay the two overdue invoices."
                ),
            }
        )

    def _finish_payment_plan(self, partner, invoices, product, today):
        self.env["credit.payment.plan"].create(
            {
                "followup_id": self._followup(partner).id,
                "instalment_count": 2,
                "first_due_date": today + timedelta(days=30),
            }
        )

    def _followup(self, partner):
        followups = self.env["credit.followup"]
        followups._ensure_followups(self.env.company)
        return followups.search(
            [("partner_id", "=", partner.id), ("company_id", "=", self.env.company.id)]
        )

    def _finish_over_limit(self, partner, invoices, product, today):
        exposure = sum(invoices.mapped("amount_residual"))
        partner.credit_limit = round(exposure * 0.9, -3) or 5000.0
        salesperson = self.env.ref("base.user_demo", raise_if_not_found=False)
        self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "user_id": (salesperson or self.env.user).id,
                "order_line": [Command.create({"product_id": product.id, "product_uom_qty": 60})],
            }
        )

    def _finish_credit_note(self, partner, invoices, product, today):
        invoice = invoices[-1]
        credit_note = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": today - timedelta(days=20),
                "reversed_entry_id": invoice.id,
                "invoice_line_ids": [
                    Command.create({"product_id": product.id, "quantity": 1, "price_unit": 600.0})
                ],
            }
        )
        credit_note.action_post()
        (invoice + credit_note).line_ids.filtered(
            lambda line: line.account_type == "asset_receivable" and not line.reconciled
        ).reconcile()
        # The rest returned too, its credit note left unapplied: for To Reconcile.
        rest = self.env["account.move"].create(
            {
                "move_type": "out_refund",
                "partner_id": partner.id,
                "invoice_date": today - timedelta(days=5),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "quantity": 1,
                            "price_unit": invoice.amount_residual,
                            "tax_ids": [],
                        }
                    )
                ],
            }
        )
        rest.action_post()
