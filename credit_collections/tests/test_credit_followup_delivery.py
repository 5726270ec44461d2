import threading
import time
import traceback
from datetime import timedelta
from functools import partial
from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import tagged

from ..models.concurrent_runs import run_step
from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupDelivery(FollowupCommon):
    """What each level does, exactly once, whatever fails or runs beside it."""

    def setUp(self):
        super().setUp()
        self._allow_jumps()  # each test reads what one level does

    def _run(self, **kwargs):
        self._escalate(**kwargs)
        self._deliver()

    def test_formal_demand_emails_statement_and_letter_and_holds(self):
        customer = self._customer("Demand", phone="+32 470 00 00 01")
        self._invoice(customer, 300.0, days_ago=35)
        followup = self._followup(customer)
        self._run()
        communication = followup.communication_ids
        self.assertEqual(communication.state, "done")
        message = communication.message_id
        self.assertEqual(message.model, "credit.followup.communication")
        self.assertEqual(message.res_id, communication.id)
        self.assertEqual(message.partner_ids, customer, "the customer only, no follower")
        self.assertEqual(len(message.attachment_ids), 2)
        for attachment in message.attachment_ids:
            self.assertEqual(attachment.mimetype, "application/pdf")
            self.assertTrue(attachment.raw.startswith(b"%PDF"))
        mails = self.env["mail.mail"].search([("mail_message_id", "=", message.id)])
        self.assertEqual(mails.mapped("state"), ["outgoing"], "queued, sent by Odoo's mail cron")
        held = customer.with_company(self.company)
        self.assertTrue(held.credit_hold)
        self.assertIn("Formal demand", held.credit_hold_note)

    def test_escalation_cron_queues_and_starts_every_delivery_job(self):
        """Deciding and delivering are separate cron jobs: the escalation starts its second
        worker, queues, then starts the delivery jobs (the two shipped and any duplicate), which
        several workers run at once; each delivers what it claims."""
        customer = self._customer("Queued", phone="+32 470 00 00 03")
        self._invoice(customer, 300.0, days_ago=35)
        followup = self._followup(customer)
        jobs = self.env["credit.followup.communication"]._delivery_jobs()
        self.assertEqual(len(jobs), 2)
        duplicate = jobs[0].copy()
        triggers = self.env["ir.cron.trigger"]
        with patch.object(type(self.env["ir.cron"]), "_commit_progress", return_value=True):
            self.env["credit.followup"]._cron_escalate()
            self.assertEqual(followup.communication_ids.state, "queued", "not delivered yet")
            self.assertEqual(
                set(triggers.search([("cron_id", "in", (jobs | duplicate).ids)]).cron_id.ids),
                set((jobs | duplicate).ids),
            )
            sharer = self.env.ref("credit_collections.ir_cron_credit_followup_escalate_2")
            self.assertTrue(triggers.search([("cron_id", "=", sharer.id)]), "decides alongside")
            self.env["credit.followup.communication"]._cron_deliver()
        self.assertEqual(followup.communication_ids.state, "done")

    def test_second_reminder_queues_an_sms_and_the_call_level_an_activity(self):
        texted = self._customer("Texted", phone="+32 470 00 00 02")
        self._invoice(texted, 100.0, days_ago=8)
        called = self._customer("Called")
        self._invoice(called, 100.0, days_ago=16)
        self._followup(texted)
        to_call = self._followup(called)
        to_call.collector_override_id = self.collections_user
        self._run()
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", texted.id)])
        self.assertEqual(len(sms), 1)
        self.assertEqual(sms.state, "outgoing")
        self.assertEqual(sms.credit_communication_id.partner_id, texted)
        self.assertIn("100.00", sms.body)
        activity = to_call.activity_ids
        self.assertEqual(activity.activity_type_id, self.env.ref("mail.mail_activity_data_call"))
        self.assertEqual(activity.user_id, self.collections_user)

    def test_agency_level_suspends_and_hands_off(self):
        customer = self._customer("Agency")
        self._invoice(customer, 100.0, days_ago=61)
        followup = self._followup(customer)
        self._run()
        self.assertEqual(followup.state, "handed_off")
        self.assertTrue(customer.with_company(self.company).credit_hold)
        self.assertIn("Suspended", customer.with_company(self.company).credit_hold_note)
        self.assertEqual(followup.activity_ids.summary, "Hand off to the collection agency")
        self._run(today=self.today + timedelta(days=30))
        self.assertEqual(len(followup.communication_ids), 1)

    def test_amount_due_is_exact_in_company_currency(self):
        customer = self._customer("Foreign")
        eur = self.setup_other_currency("EUR", rates=[("2000-01-01", 2.0)])
        foreign = self._invoice(customer, 1000.0, days_ago=10, currency_id=eur.id)
        local = self._invoice(customer, 333.33, days_ago=9)
        self._pay(local, 111.11)
        refund = self._invoice(customer, 22.22, move_type="out_refund")
        (refund | local).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        followup = self._followup(customer)
        self._run()
        expected = foreign.amount_residual_signed + local.amount_residual_signed
        self.assertAlmostEqual(local.amount_residual, 200.0, places=2)
        self.assertAlmostEqual(followup.communication_ids.amount_due, expected, places=2)
        self.assertAlmostEqual(followup.overdue_amount, expected, places=2)

    def test_failed_delivery_is_retried_once_and_not_duplicated(self):
        customer = self._customer("Flaky")
        self._invoice(customer, 100.0, days_ago=2)
        followup = self._followup(customer)
        self._escalate()
        original = type(followup.communication_ids)._send_email
        calls = []

        def fail_first(communication, attachments):
            calls.append(communication.id)
            if len(calls) == 1:
                raise OSError("mail server down")
            return original(communication, attachments)

        with patch.object(type(followup.communication_ids), "_send_email", fail_first):
            self._deliver()
            communication = followup.communication_ids
            self.assertEqual(communication.state, "queued")
            self.assertEqual(communication.attempt_count, 1)
            self.assertIn("mail server down", communication.error)
            self._deliver()
        self.assertEqual(communication.state, "done")
        self.assertEqual(len(calls), 2)
        emails = self.env["mail.message"].search(
            [
                ("model", "=", "credit.followup.communication"),
                ("res_id", "=", communication.id),
                ("message_type", "=", "comment"),
            ]
        )
        self.assertEqual(len(emails), 1)

    def test_run_killed_mid_way_resumes_without_duplicates(self):
        customers = [self._customer(f"Crash {index}") for index in range(4)]
        for customer in customers:
            self._invoice(customer, 100.0, days_ago=3)
        followups = [self._followup(customer) for customer in customers]
        cr = self.env.cr

        def commit(done, remaining=None):  # what the cron's commit keeps, a savepoint keeps here
            self.env.flush_all()  # as Cursor.commit() does
            cr.execute("SAVEPOINT committed_batch")
            return True

        original = type(followups[0])._decide
        decided = []

        def crash_on_third_batch(batch, today):
            decided.append(batch.ids)
            if len(decided) == 3:
                original(batch, today)
                raise KeyboardInterrupt("worker killed")
            return original(batch, today)

        cr.execute("SAVEPOINT committed_batch")
        # Not assertRaises: Odoo's rolls the whole block back, committed batches included.
        killed = False
        with patch.object(type(followups[0]), "_decide", crash_on_third_batch):
            try:
                self.env["credit.followup"]._escalate_due(commit, batch_size=1, today=self.today)
            except KeyboardInterrupt:
                killed = True
        self.assertTrue(killed)
        cr.execute("ROLLBACK TO SAVEPOINT committed_batch")  # the killed batch never committed
        self.env.invalidate_all()
        self.assertEqual(sum(len(f.communication_ids) for f in followups), 2)
        self.assertEqual(len(self._escalate()), 2, "the rest, and only the rest")
        for followup in followups:
            self.assertEqual(len(followup.communication_ids), 1)


@tagged("post_install", "-at_install")
class TestFollowupConcurrentRuns(FollowupCommon):
    """Two workers run the escalation at once on committed data (real cursors, SKIP LOCKED)."""

    def test_two_workers_share_the_customers(self):
        company_id = self.env.ref("base.main_company").id
        with self.registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            partners = env["res.partner"].create(
                [{"name": f"Concurrent {index}"} for index in range(30)]
            )
            env["credit.followup"].create(
                [{"partner_id": p.id, "company_id": company_id} for p in partners]
            )
            partner_ids = partners.ids
            env["credit.risk.policy"]._for_company(env["res.company"].browse(company_id))
        try:
            decided = self._run_workers(company_id, workers=2)
            everyone = set(self._followup_ids(partner_ids))
            self.assertTrue(decided[0] and decided[1], "both workers took a share")
            self.assertFalse(decided[0] & decided[1], "no customer decided twice")
            self.assertEqual(decided[0] | decided[1], everyone)
        finally:
            with self.registry.cursor() as cr:
                api.Environment(cr, SUPERUSER_ID, {})["res.partner"].browse(partner_ids).unlink()

    def _followup_ids(self, partner_ids):
        with self.registry.cursor() as cr:
            followups = api.Environment(cr, SUPERUSER_ID, {})["credit.followup"]
            return followups.search([("partner_id", "in", partner_ids)]).ids

    def _run_workers(self, company_id, workers):
        barrier = threading.Barrier(workers)
        decided = [set() for _worker in range(workers)]
        errors = []

        def work(index):
            try:
                with self.registry.cursor() as cr:
                    env = api.Environment(cr, SUPERUSER_ID, {})
                    followups = env["credit.followup"]
                    company = env["res.company"].browse(company_id)
                    claim_and_decide = partial(followups._claim_and_decide, company, self.today, 5)

                    def commit(*_args, **_kwargs):
                        # pylint: disable-next=invalid-commit
                        cr.commit()  # as the cron does: the other worker must see the batch
                        return True

                    barrier.wait()
                    # As the run does: a batch colliding with the other's commit is run again.
                    while batch := run_step(env, claim_and_decide, commit):
                        decided[index] |= set(batch.ids)
                        time.sleep(0.05)  # hold the locks a little: the other worker skips
                        commit()
            except Exception:  # pylint: disable=broad-except  # asserted below
                errors.append(traceback.format_exc())

        threads = [threading.Thread(target=work, args=(index,)) for index in range(workers)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        self.assertFalse(errors)
        return decided
