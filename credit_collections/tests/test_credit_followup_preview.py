from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupPreview(FollowupCommon):
    """The run's dry run, and the screen filled before the first run: decided, never sent."""

    def setUp(self):
        super().setUp()
        self.followups = {}
        for name, days in (("Fresh", 2), ("Older", 40), ("Not due", -20)):
            customer = self._customer(name)
            self._invoice(customer, 100.0, days_ago=days)
            self.followups[name] = self._followup(customer)

    def test_preview_is_what_the_run_then_does(self):
        rows = self.env["credit.followup"]._preview(self.company)
        self.assertFalse(self.env["credit.followup.communication"].search([]), "nothing queued")
        previewed = {row["followup_id"]: row["level_id"] for row in rows}
        self.assertEqual(
            previewed,
            {
                self.followups["Fresh"].id: self.levels[1].id,
                self.followups["Older"].id: self.levels[1].id,
            },
            "one step at a time: the older customer starts at the first reminder too",
        )
        row = next(row for row in rows if row["followup_id"] == self.followups["Fresh"].id)
        self.assertEqual(row["channels"], "email")
        self.assertEqual(row["recipients"], "fresh@example.com")
        self.assertAlmostEqual(row["amount_due"], 100.0, places=2)
        self._escalate()
        sent = self.env["credit.followup.communication"].search([])
        self.assertEqual({c.followup_id.id: c.level_id.id for c in sent}, previewed)

    def test_desk_is_filled_before_the_first_run_without_sending(self):
        self.env["credit.followup"]._refresh_desk(self.company)
        fresh, not_due = self.followups["Fresh"], self.followups["Not due"]
        self.assertFalse(fresh.level_id, "no level is moved")
        self.assertEqual(fresh.next_level_id, self.levels[1])
        self.assertEqual(fresh.next_action_date, self.today)
        self.assertEqual(fresh.state, "auto")
        self.assertAlmostEqual(fresh.overdue_amount, 100.0, places=2)
        self.assertFalse(not_due.overdue_amount)
        self.assertFalse(self.env["credit.followup.communication"].search([]))
        needs_action = self.env["credit.followup"].search(
            [("next_action_date", "<=", self.today), ("company_id", "=", self.company.id)]
        )
        self.assertIn(fresh, needs_action)
        self.assertTrue(self._escalate(), "the run still decides the same day")
        self.assertEqual(fresh.communication_ids.level_id, self.levels[1])

    def test_run_wizard_previews_and_starts_the_cron(self):
        wizard = self.env["credit.followup.run.wizard"].with_user(self.credit_manager).create({})
        self.assertEqual(len(wizard.line_ids), 2)
        self.assertIn("No run yet", wizard.run_status)
        wizard.action_run_now()
        cron = self.env.ref("credit_collections.ir_cron_credit_followup_escalate")
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        with self.assertRaises(AccessError):
            self.env["credit.followup.run.wizard"].with_user(self.collections_user).create({})

    def test_run_wizard_tells_what_waits_for_delivery(self):
        self._escalate()
        queued = self.env["credit.followup.communication"].search_count([("state", "=", "queued")])
        self.assertTrue(queued)
        wizard = self.env["credit.followup.run.wizard"].with_user(self.credit_manager).create({})
        self.assertIn(f"{queued} reminders are being delivered", wizard.run_status)
        self._deliver(batch_size=1)
        wizard.invalidate_recordset()
        self.assertNotIn("being delivered", wizard.run_status)

    def test_payment_reaches_the_follow_up_screen_with_the_minute_cron(self):
        self._escalate()
        older = self.followups["Older"]
        self.assertAlmostEqual(older.overdue_amount, 100.0, places=2)
        self._pay(older.partner_id.invoice_ids, 60.0)
        self.env.cr.flush()  # the commit: the customer is marked
        followups = self.env["credit.followup"]
        self.env["credit.partner.risk"]._refresh_marked(
            lambda *args, **kwargs: True, after_batch=followups._refresh_figures
        )
        self.assertAlmostEqual(older.overdue_amount, 40.0, places=2)
        self.assertAlmostEqual(older.risk_id.overdue_amount, 40.0, places=2)
        self.assertEqual(older.level_id, self.levels[1], "levels are the daily run's")

    def test_default_collectors_follow_the_ladder_and_category(self):
        fresh = self.followups["Fresh"]
        self.standard.collector_id = self.collections_user
        self.assertEqual(fresh.collector_id, self.collections_user, "the ladder's default")
        self.regular.collector_id = self.credit_manager
        self.assertEqual(fresh.collector_id, self.credit_manager, "the category's comes first")
        fresh.collector_override_id = self.salesperson
        self.assertEqual(fresh.collector_id, self.salesperson, "by hand comes first of all")
