from contextlib import closing, contextmanager
from datetime import timedelta

from odoo import Command, api, fields
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL

from odoo.addons.credit_collections.models.credit_partner_risk_freshness import MARKS_TABLE


@tagged("post_install", "-at_install")
class TestConcurrentRuns(TransactionCase):
    """Two workers of the same scheduled job, each on its own cursor, the second started (its
    snapshot taken) before the first commits: the second must neither fail nor redo the work.

    Runs on committed data of its own, removed afterwards; the test's own cursor writes nothing,
    so that it holds no lock the workers would wait on.
    """

    def setUp(self):
        super().setUp()
        with self._worker() as env:
            self.today = fields.Date.context_today(env["res.partner"])
            self.partner_ids = [self._customer_with_open_invoice(env, name) for name in "AB"]
            env.cr.commit()
        self.addCleanup(self._remove_data)

    @contextmanager
    def _worker(self):
        """A cursor of its own (REPEATABLE READ, as Odoo's crons), as superuser."""
        with closing(self.registry.cursor()) as cr:
            yield api.Environment(cr, api.SUPERUSER_ID, {})

    def _customer_with_open_invoice(self, env, name):
        partner = env["res.partner"].create({"name": f"Concurrent {name}", "is_company": True})
        self._invoice(env, partner.id, due=self.today + timedelta(days=60))  # nothing to send
        return partner.id

    def _invoice(self, env, partner_id, due):
        invoice = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner_id,
                "invoice_date": min(self.today, due),
                "invoice_date_due": due,
                "invoice_line_ids": [
                    Command.create({"name": "Goods", "price_unit": 100.0, "tax_ids": []})
                ],
            }
        )
        invoice.action_post()
        return invoice

    def _remove_data(self):
        with self._worker() as env:
            partners = env["res.partner"].browse(self.partner_ids)
            env["credit.followup"].search([("partner_id", "in", partners.ids)]).unlink()
            env["credit.partner.risk"].search([("partner_id", "in", partners.ids)]).unlink()
            invoices = env["account.move"].search([("partner_id", "in", partners.ids)])
            invoices.button_draft()
            invoices.unlink()
            partners.unlink()
            env.cr.commit()

    @staticmethod
    def _committing(env):
        def progress(done, remaining=None):
            env.cr.commit()
            return True

        return progress

    def _race(self, run):
        """``run(env, progress)`` on a late worker whose snapshot predates a first worker's
        whole run; what each decided."""
        with self._worker() as late, self._worker() as first:
            late.cr.execute("SELECT 1")  # the late worker's snapshot starts here
            first_result = run(first, self._committing(first))
            late_result = run(late, self._committing(late))
            return first_result, late_result

    def test_two_escalation_runs_share_the_work(self):
        def escalate(day):
            def run(env, progress):
                decided = env["credit.followup"]._escalate_due(progress, today=day)
                return decided.filtered(lambda f: f.partner_id.id in self.partner_ids)

            return run

        # Day 1: the follow-ups are created by the first run while the late one looks on.
        first, late = self._race(escalate(self.today))
        self.assertEqual(len(first), 2)
        self.assertFalse(late, "nothing decided twice")
        # Day 2: the follow-ups exist; the late run finds them decided under its feet.
        first, late = self._race(escalate(self.today + timedelta(days=1)))
        self.assertEqual(len(first), 2)
        self.assertFalse(late, "nothing decided twice")
        with self._worker() as env:
            followups = env["credit.followup"].search([("partner_id", "in", self.partner_ids)])
            self.assertEqual(len(followups), 2, "one follow-up per customer")

    def test_two_refreshes_of_the_marked_share_the_work(self):
        def refresh(env, progress):
            refreshed = env["credit.partner.risk"]._refresh_marked(progress)
            return refreshed.filtered(lambda risk: risk.partner_id.id in self.partner_ids)

        with self._worker() as env:  # the marks the invoices left, and two more
            env.cr.execute(
                SQL(
                    "INSERT INTO %s (company_id, partner_id) SELECT %s, UNNEST(%s)",
                    SQL.identifier(MARKS_TABLE),
                    env.company.id,
                    self.partner_ids,
                )
            )
            env.cr.commit()
        first, late = self._race(refresh)
        self.assertEqual(len(first), 2)
        self.assertFalse(late, "nothing refreshed twice")

    def test_two_nightly_recomputes_share_the_work(self):
        def recompute(env, progress):
            refreshed = env["credit.partner.risk"]._refresh_stale(progress)
            return refreshed.filtered(lambda risk: risk.partner_id.id in self.partner_ids)

        with self._worker() as env:  # last night's figures, so that both customers are stale
            env["credit.partner.risk"]._refresh_stale(self._committing(env))
            env.cr.execute(
                SQL(
                    "UPDATE credit_partner_risk SET computed_on = %s WHERE partner_id = ANY(%s)",
                    self.today - timedelta(days=1),
                    self.partner_ids,
                )
            )
            env.cr.commit()
        first, late = self._race(recompute)
        self.assertEqual(len(first), 2)
        self.assertFalse(late, "nothing recomputed twice")

    def test_two_late_charge_runs_charge_once(self):
        """The late run computes the same interest from its old snapshot; recording it meets
        the first run's charges: it starts again on a fresh snapshot and charges nothing."""
        with self._worker() as env:
            policy = env["credit.risk.policy"]._for_company(env.company)
            saved = policy.read(["interest_b2b", "late_charge_start_date"])[0]
            policy.write(
                {"interest_b2b": True, "late_charge_start_date": self.today - timedelta(days=150)}
            )
            for partner_id in self.partner_ids:
                self._invoice(env, partner_id, due=self.today - timedelta(days=100))
            env.cr.commit()
        self.addCleanup(self._remove_charges, saved)

        def charge(env, progress):
            charged = env["credit.late.charge"]._charge_due(progress, today=self.today)
            return [c.partner_id.id for c in charged if c.partner_id.id in self.partner_ids]

        first, late = self._race(charge)
        self.assertEqual(set(first), set(self.partner_ids))
        self.assertFalse(late, "nothing charged twice")
        with self._worker() as env:
            charges = env["credit.late.charge"].search([("partner_id", "in", self.partner_ids)])
            self.assertEqual(len(charges), len(first))

    def _remove_charges(self, policy_values):
        with self._worker() as env:
            env.cr.execute(
                SQL("DELETE FROM credit_late_charge WHERE partner_id = ANY(%s)", self.partner_ids)
            )
            env["credit.risk.policy"]._for_company(env.company).write(
                {name: policy_values[name] for name in ("interest_b2b", "late_charge_start_date")}
            )
            env.cr.commit()

    def test_a_recompute_worker_passes_over_the_customers_another_holds(self):
        with self._worker() as holder, self._worker() as other:
            holder_risks = holder["credit.partner.risk"]
            held = holder_risks._claim_stale(holder.company, self.partner_ids[:1], self.today)
            self.assertEqual(held, self.partner_ids[:1])
            claimed = other["credit.partner.risk"]._claim_stale(
                other.company, self.partner_ids, self.today
            )
            self.assertEqual(claimed, self.partner_ids[1:])
            holder.cr.rollback()
            other.cr.rollback()

    def test_new_follow_ups_are_committed_before_any_batch_is_decided(self):
        """Another worker waits on the follow-ups a run creates until they are committed: at
        once, not after the run's first batch; and a run whose time is up then stops."""
        undecided_seen = []

        with self._worker() as env:

            def progress(done, remaining=None):
                env.cr.commit()
                with self._worker() as other:
                    undecided = other["credit.followup"].search(
                        [("partner_id", "in", self.partner_ids), ("last_run_date", "=", False)]
                    )
                    undecided_seen.append(len(undecided))
                return False  # the cron's time is up

            decided = env["credit.followup"]._escalate_due(progress, today=self.today)
        self.assertEqual(undecided_seen, [2], "seen by another worker before any decision")
        self.assertFalse(decided)

    def test_creating_follow_ups_does_not_wait_on_a_batch_being_decided(self):
        with self._worker() as env:
            env["credit.followup"]._ensure_followups(env.company)
            env.cr.commit()
        with self._worker() as deciding, self._worker() as other:
            held = deciding["credit.followup"].search([("partner_id", "in", self.partner_ids)])
            deciding.cr.execute(  # a batch being decided holds its follow-ups' rows
                SQL("UPDATE credit_followup SET write_date = NOW() WHERE id = ANY(%s)", held.ids)
            )
            other.cr.execute("SET LOCAL statement_timeout = '3s'")  # fails rather than waits
            other["credit.followup"]._ensure_followups(other.company)
            deciding.cr.commit()
            other.cr.commit()
