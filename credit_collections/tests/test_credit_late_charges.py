from datetime import date

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CreditCollectionsCommon

# Invoices due on 1 March (immediate payment), a run on 10 June: March, April and May are over.
DUE = date(2026, 3, 1)
RUN = date(2026, 6, 10)


def interest(*stretches):
    """Simple interest of (base, yearly rate in %, days) stretches, actual/365, to the cent:
    the figure a credit controller computes by hand."""
    return round(sum(base * rate / 100 * days / 365 for base, rate, days in stretches), 2)


class NoProgress(Exception):
    """The run stopped between two batches (a crash, a time limit)."""


@tagged("post_install", "-at_install")
class TestCreditLateCharges(CreditCollectionsCommon):
    """Interest per month on what was left of each late invoice, the compensation per late
    invoice, follow-up fees: charged on posted invoices, once, waived by a Credit Manager."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["credit.risk.policy"]._for_company(cls.company)
        cls.policy.write(
            {
                "interest_b2b": True,
                "interest_b2b_margin": 8.0,
                "late_charge_start_date": date(2026, 1, 1),
                "interest_rate_ids": [Command.create({"date_from": date(2026, 1, 1), "rate": 2.0})],
            }
        )
        cls.business = cls.env["res.partner"].create({"name": "Late Business", "is_company": True})
        cls.consumer = cls.env["res.partner"].create({"name": "Late Consumer"})
        cls.eur = cls.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])

    def _late_invoice(self, partner, amount, due=DUE, **values):
        return self._invoice(partner, amount, invoice_date=due, **values)

    def _run(self, today=RUN, progress=None):
        return self.env["credit.late.charge"]._charge_due(progress or (lambda *a, **k: True), today)

    def _charges(self, partner, kind=None):
        domain = [("partner_id", "=", partner.id)] + ([("kind", "=", kind)] if kind else [])
        return self.env["credit.late.charge"].search(domain, order="period_start, id")

    def test_interest_per_month_on_what_was_left_at_the_rate_of_each_day(self):
        """1,000 due 1 March, 400 paid on 10 April, the reference rate from 2 to 3 % on
        16 April (+ 8 points): interest runs from 2 March, on 1,000 until the payment day,
        on 600 after it, at 10 % then 11 %."""
        self.policy.interest_rate_ids = [
            Command.create({"date_from": date(2026, 4, 16), "rate": 3})
        ]
        invoice = self._late_invoice(self.business, 1000.0)
        self._pay(invoice, 400.0, payment_date=date(2026, 4, 10))
        self._run()
        charges = self._charges(self.business)
        self.assertEqual(
            [(c.period_start, c.date_from, c.date_to, c.amount) for c in charges],
            [
                (date(2026, 3, 1), date(2026, 3, 2), date(2026, 3, 31), interest((1000, 10, 30))),
                (
                    date(2026, 4, 1),
                    date(2026, 4, 1),
                    date(2026, 4, 30),
                    interest((1000, 10, 10), (600, 10, 5), (600, 11, 15)),
                ),
                (date(2026, 5, 1), date(2026, 5, 1), date(2026, 5, 31), interest((600, 11, 31))),
            ],
        )
        self.assertEqual(charges.mapped("amount"), [8.22, 6.27, 5.61])
        self.assertIn(
            "$ 1,000.00 at 10.00% for 10 days", charges[1].computation.replace("\xa0", " ")
        )
        move = charges.move_id
        self.assertEqual(len(move), 1, "one invoice per customer and currency")
        self.assertEqual(move.state, "posted")
        self.assertEqual(move.move_type, "out_invoice")
        self.assertEqual(move.amount_total, 20.10)
        self.assertEqual(move.invoice_origin, invoice.name)
        self.assertEqual(move.invoice_line_ids.mapped("name"), charges.mapped("computation"))
        self.assertEqual(charges.move_line_id, move.invoice_line_ids)
        risk = self._refreshed_risk(self.business)
        self.assertEqual(risk.open_amount, 600.0 + 20.10, "the charges are owed like any invoice")

    def test_nothing_is_charged_twice_and_a_settled_invoice_gets_its_last_interest_once(self):
        """Run again the same day: nothing. An invoice settled on 5 June gets June 1-5 at once
        (its interest is final), then nothing more; an open one gets June once June is over."""
        open_invoice = self._late_invoice(self.business, 1000.0)
        settled = self._late_invoice(self.business, 500.0, due=date(2026, 5, 1))
        self._pay(settled, 500.0, payment_date=date(2026, 6, 5))
        first = self._run()
        self.assertEqual(len(first), 3 + 2)
        self.assertEqual(
            self._charges(self.business)
            .filtered(lambda c: c.invoice_id == settled)
            .mapped("amount"),
            [interest((500, 10, 30)), interest((500, 10, 5))],
        )
        self.assertFalse(self._run(), "the same day again: nothing")
        later = self._run(today=date(2026, 7, 5))
        self.assertEqual(later.invoice_id, open_invoice, "June of the open invoice only")
        self.assertEqual(later.amount, interest((1000, 10, 30)))

    def test_compensation_once_per_late_invoice_in_its_currency_for_businesses_only(self):
        """40 EUR per late invoice: 40.00 on a EUR invoice, 20.00 on a dollar one (2 EUR a
        dollar); each currency on its own charge invoice; none for a consumer."""
        self.policy.write(
            {
                "interest_b2b": False,
                "compensation_b2b": True,
                "compensation_amount": 40.0,
                "compensation_currency_id": self.eur.id,
            }
        )
        in_euros = self._late_invoice(self.business, 300.0, currency_id=self.eur.id)
        in_dollars = self._late_invoice(self.business, 300.0)
        self._late_invoice(self.consumer, 300.0)
        self._run()
        charges = self._charges(self.business, "compensation")
        amounts = {(c.invoice_id, c.currency_id): c.amount for c in charges}
        self.assertEqual(
            amounts,
            {(in_euros, self.eur): 40.0, (in_dollars, self.company.currency_id): 20.0},
        )
        self.assertEqual(len(charges.move_id), 2)
        self.assertEqual(
            set(charges.move_id.mapped("currency_id")), {self.eur, self.company.currency_id}
        )
        self.assertFalse(self._charges(self.consumer))
        self.assertFalse(self._run(today=date(2026, 8, 1)), "once per invoice")

    def test_foreign_invoice_interest_in_its_currency(self):
        invoice = self._late_invoice(self.business, 1000.0, currency_id=self.eur.id)
        self._pay(invoice, 400.0, payment_date=date(2026, 4, 10), currency_id=self.eur.id)
        self._run()
        charges = self._charges(self.business)
        self.assertEqual(charges.currency_id, self.eur)
        self.assertEqual(
            charges.mapped("amount"),
            [
                interest((1000, 10, 30)),
                interest((1000, 10, 10), (600, 10, 20)),
                interest((600, 10, 31)),
            ],
        )
        self.assertEqual(charges.move_id.currency_id, self.eur)

    def test_nothing_is_charged_while_charges_are_off(self):
        self.policy.interest_b2b = False
        self._late_invoice(self.business, 1000.0)
        self.assertFalse(self._run())

    def test_consumers_only_when_the_policy_says_so_at_their_margin(self):
        self._late_invoice(self.consumer, 1000.0)
        self.assertFalse(self._run())
        self.policy.write({"interest_b2c": True, "interest_b2c_margin": 3.0})
        self._run()
        self.assertEqual(
            self._charges(self.consumer).mapped("amount"),
            [interest((1000, 5, 30)), interest((1000, 5, 30)), interest((1000, 5, 31))],
        )

    def test_grace_days_and_start_date(self):
        """Paid 8 days late with 10 days of grace: nothing. Charges from 1 April: an invoice
        late since March pays interest from April only."""
        self.policy.write(
            {"late_charge_grace_days": 10, "late_charge_start_date": date(2026, 4, 1)}
        )
        on_grace = self._late_invoice(self.business, 1000.0, due=date(2026, 5, 1))
        self._pay(on_grace, 1000.0, payment_date=date(2026, 5, 9))
        self._late_invoice(self.business, 1000.0)
        self._run()
        charges = self._charges(self.business)
        self.assertEqual(charges.mapped("period_start"), [date(2026, 4, 1), date(2026, 5, 1)])
        self.assertEqual(charges[0].amount, interest((1000, 10, 30)))

    def test_below_the_minimum_charges_wait_and_nothing_is_lost(self):
        self.policy.late_charge_min_amount = 20.0
        self._late_invoice(self.business, 1000.0)
        self.assertFalse(self._run(today=date(2026, 5, 10)), "March and April: 16.44, waiting")
        charged = self._run(today=date(2026, 6, 10))
        self.assertEqual(
            charged.mapped("period_start"), [date(2026, 3, 1), date(2026, 4, 1), date(2026, 5, 1)]
        )
        self.assertEqual(
            sum(charged.mapped("amount")),
            interest((1000, 10, 30)) + interest((1000, 10, 30)) + interest((1000, 10, 31)),
        )

    def test_follow_up_fee_once_per_communication(self):
        level = self.env["credit.followup.level"].search([], order="offset_days", limit=1)
        level.fee_amount = 15.0
        invoice = self._late_invoice(self.business, 1000.0)
        followups = self.env["credit.followup"]
        followups._ensure_followups(self.company)
        followup = followups.search([("partner_id", "=", self.business.id)])
        communication = self.env["credit.followup.communication"]._queue(
            [(followup, level, invoice.line_ids.filtered("date_maturity").ids)],
            "manual",
            today=date(2026, 5, 20),
        )
        self.policy.interest_b2b = False
        self.assertFalse(self._run(), "queued, not sent: no fee")
        communication.sudo().state = "done"
        fee = self._run()
        self.assertEqual((fee.kind, fee.communication_id, fee.amount), ("fee", communication, 15.0))
        self.assertIn(level.name, fee.computation)
        self.assertFalse(self._run(today=date(2026, 7, 1)))

    def test_a_run_stopped_between_batches_resumes_without_charging_twice(self):
        other = self.env["res.partner"].create({"name": "Other Late Business", "is_company": True})
        for partner in (self.business, other):
            self._late_invoice(partner, 1000.0)
        customers = self.business | other
        charges = self.env["credit.late.charge"]

        def crash_once_a_customer_is_charged(done, remaining=None):
            if charges.search_count([("partner_id", "in", customers.ids)]):
                raise NoProgress

        # Not assertRaises, which rolls back what the run did before it stopped.
        try:
            charges._charge_due(crash_once_a_customer_is_charged, RUN, batch_size=1)
            stopped = False
        except NoProgress:
            stopped = True
        self.assertTrue(stopped)
        charged_once = charges.search([("partner_id", "in", customers.ids)])
        self.assertEqual(len(charged_once.partner_id), 1)
        charges._charge_due(lambda *a, **k: True, RUN, batch_size=1)
        self.assertEqual(
            len(charges.search([("partner_id", "in", customers.ids)])),
            6,
            "three months for each, once",
        )

    def test_credit_manager_waives_a_charge_with_a_credit_note(self):
        self._late_invoice(self.business, 1000.0)
        self._run()
        charge = self._charges(self.business)[0]
        move = charge.move_id
        wizard = (
            self.env["credit.late.charge.waive"]
            .with_user(self.credit_manager)
            .create({"charge_ids": [Command.set(charge.ids)], "reason": "Goodwill: first delay"})
        )
        wizard.action_confirm()
        self.assertEqual(charge.state, "waived")
        self.assertEqual(charge.waive_reason, "Goodwill: first delay")
        credit_note = charge.waive_move_id
        self.assertEqual((credit_note.move_type, credit_note.state), ("out_refund", "posted"))
        self.assertEqual(credit_note.amount_total, charge.amount)
        self.assertEqual(move.amount_residual, move.amount_total - charge.amount)
        self.assertIn("Goodwill: first delay", move.message_ids[0].body)
        with self.assertRaises(UserError):
            self.env["credit.late.charge.waive"].with_user(self.credit_manager).create(
                {"charge_ids": [Command.set(charge.ids)], "reason": "Again"}
            ).action_confirm()

    def test_access(self):
        self._late_invoice(self.business, 1000.0)
        self._run()
        charges = self.env["credit.late.charge"]
        self.assertEqual(charges.with_user(self.collections_user).search_count([]), 3)
        self.assertFalse(charges.with_user(self.other_company_manager).search_count([]))
        self.assertFalse(charges.with_user(self.salesperson).has_access("read"))
        with self.assertRaises(AccessError):
            self.env["credit.late.charge.waive"].with_user(self.collections_user).create(
                {"charge_ids": [Command.set(charges.search([]).ids)], "reason": "No"}
            )
        with self.assertRaises(AccessError):
            charges.search([], limit=1).with_user(self.collections_user).write({"amount": 0})

    def test_statement_spells_out_the_open_charges(self):
        self._late_invoice(self.business, 1000.0)
        charges = self._run()
        followups = self.env["credit.followup"]
        followups._ensure_followups(self.company)
        followup = followups.search([("partner_id", "=", self.business.id)])
        html = self._statement_html(followup)
        self.assertIn("Late-payment charges", html)
        for charge in charges:
            self.assertIn(charge.computation.replace("\xa0", " "), html)
