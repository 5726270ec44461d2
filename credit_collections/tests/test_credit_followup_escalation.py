from datetime import timedelta

from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupEscalation(FollowupCommon):
    """Which level a customer reaches, and that each level is acted upon once.

    These tests read the level reached by the invoices, so their ladder lets customers go
    straight to it (every level skippable, no days between communications); climbing one step
    at a time is tested in ``TestFollowupOneStepAtATime``.
    """

    def setUp(self):
        super().setUp()
        self._allow_jumps()

    def test_level_reached_on_boundary_days(self):
        expected = {
            -8: None,
            -7: -7,
            0: -7,
            1: 1,
            6: 1,
            7: 7,
            14: 7,
            15: 15,
            29: 15,
            30: 30,
            59: 30,
            60: 60,
            200: 60,
        }  # days overdue: offset of the standard level reached
        followups = {}
        for days, offset in expected.items():
            customer = self._customer(f"Boundary {days}")
            self._invoice(customer, 100.0, days_ago=days)
            followups[days] = (self._followup(customer), offset)
        self._escalate()
        for days, (followup, offset) in followups.items():
            with self.subTest(days=days):
                self.assertEqual(followup.level_id, self.levels.get(offset, followup.level_id[:0]))
                self.assertEqual(len(followup.communication_ids), 1 if offset is not None else 0)

    def test_one_communication_covers_all_overdue_invoices(self):
        customer = self._customer("Grouped")
        invoices = [
            self._invoice(customer, amount, days_ago=days)
            for amount, days in ((100.0, 3), (250.5, 20), (1000.25, 40))
        ]
        not_due = self._invoice(customer, 70.0, days_ago=-20)
        followup = self._followup(customer)
        self._escalate()
        communication = followup.communication_ids
        self.assertEqual(len(communication), 1)
        self.assertEqual(communication.level_id, self.levels[30])
        self.assertEqual(communication.line_ids.move_id, sum(invoices, not_due.browse()))
        self.assertAlmostEqual(communication.amount_due, 1350.75, places=2)
        self.assertAlmostEqual(followup.overdue_amount, 1350.75, places=2)
        self.assertEqual(followup.max_days_overdue, 40)
        self.assertEqual(followup.next_level_id, self.levels[60])
        self.assertEqual(followup.next_action_date, self.today + timedelta(days=20))

    def test_every_escalation_is_in_the_follow_up_history(self):
        """A level reached with a communication is in its record and, once delivered, in the
        history; a change without one (paid: back to clear) is noted by the run."""
        customer = self._customer("Tracked")
        invoice = self._invoice(customer, 100.0, days_ago=8)
        followup = self._followup(customer)
        self._escalate()
        self.assertEqual(followup.communication_ids.level_id, self.levels[7])
        self._deliver()
        self.assertIn(
            "Level Second reminder",
            " ".join(followup.message_ids.mapped(lambda message: str(message.body))),
        )
        self._pay(invoice, 100.0)
        self._escalate(today=self.today + timedelta(days=1))
        note = followup.message_ids.filtered(lambda m: "Follow-up run" in (m.body or ""))
        self.assertEqual(len(note), 1)
        self.assertIn("Second reminder → none", note.body)

    def test_second_run_same_day_does_nothing(self):
        customer = self._customer("Twice")
        self._invoice(customer, 100.0, days_ago=8)
        followup = self._followup(customer)
        self.assertEqual(self._escalate(), followup | self._escalate().browse() or followup)
        self.assertFalse(self._escalate(), "a second run the same day decides for nobody")
        self.assertEqual(len(followup.communication_ids), 1)

    def test_next_runs_act_only_on_a_new_level(self):
        customer = self._customer("Aging")
        self._invoice(customer, 100.0, days_ago=1)
        followup = self._followup(customer)
        self._escalate()
        self._escalate(today=self.today + timedelta(days=5))  # 6 days: still the first reminder
        self.assertEqual(followup.communication_ids.level_id, self.levels[1])
        self._escalate(today=self.today + timedelta(days=6))  # 7 days: second reminder
        self.assertEqual(followup.communication_ids.level_id, self.levels[1] | self.levels[7])

    def test_credits_and_minimum_amount(self):
        customer = self._customer("Credited")
        invoice = self._invoice(customer, 500.0, days_ago=10)
        self._invoice(customer, 480.0, move_type="out_refund")  # unapplied credit note
        self.levels[7].min_amount = 50.0
        followup = self._followup(customer)
        self._escalate()
        self.assertEqual(followup.level_id, self.levels[1], "20 net is under level 7's 50")
        self.assertAlmostEqual(followup.overdue_amount, 500.0, places=2)
        self._pay(invoice, 20.0)
        followup.last_run_date = False
        self._escalate()
        self.assertFalse(followup.level_id, "nothing owed net: the episode is over")
        self.assertEqual(followup.state, "clear")

    def test_paid_down_lowers_the_level_without_sending(self):
        customer = self._customer("Paid down")
        old = self._invoice(customer, 100.0, days_ago=35)
        self._invoice(customer, 100.0, days_ago=2)
        followup = self._followup(customer)
        self._escalate()
        self.assertEqual(followup.level_id, self.levels[30])
        self._pay(old, 100.0)
        self._escalate(today=self.today + timedelta(days=1))
        self.assertEqual(followup.level_id, self.levels[1])
        self.assertEqual(len(followup.communication_ids), 1)

    def test_disputed_invoice_is_left_out(self):
        customer = self._customer("Disputer")
        disputed = self._invoice(customer, 900.0, days_ago=45)
        self._invoice(customer, 100.0, days_ago=3)
        followup = self._followup(customer)
        wizard = self.env["credit.dispute.wizard"].create(
            {"move_ids": disputed.ids, "reason": "Goods damaged on delivery"}
        )
        wizard.action_confirm()
        self.assertTrue(disputed.credit_disputed)
        Move = self.env["account.move"]
        self.assertEqual(Move.search([("credit_disputed", "=", True)]), disputed)
        self.assertNotIn(disputed, Move.search([("credit_disputed", "=", False)]))
        self._escalate()
        self.assertEqual(followup.level_id, self.levels[1])
        self.assertAlmostEqual(followup.overdue_amount, 100.0, places=2)
        self.assertEqual(followup.dispute_count, 1)
        disputed.action_credit_resolve_dispute()
        self._escalate(today=self.today + timedelta(days=1))
        self.assertEqual(followup.level_id, self.levels[30])

    def test_one_definition_of_overdue_everywhere(self):
        """Risk figures, hold, ladder and a collector's Send Now agree on what is overdue: owed,
        late, not disputed; an old unapplied credit note is not 'overdue'."""
        customer = self._customer("Overdue Rule")
        late = self._invoice(customer, 500.0, days_ago=40)
        self._invoice(customer, 300.0, days_ago=40)._credit_set_dispute("Wrong goods")
        self._invoice(customer, 200.0, days_ago=-10)  # not due yet
        self._invoice(customer, 100.0, days_ago=40, move_type="out_refund")  # unapplied
        followup = self._followup(customer)
        risk = self._refreshed_risk(customer)
        self._escalate()
        self.assertEqual(risk.overdue_amount, 500.0)
        self.assertEqual(risk.oldest_days_late, 40, "the overdue hold reads the same items")
        self.assertEqual(risk.open_amount, 900.0, "credits lower what is open, not what is late")
        self.assertEqual(followup.overdue_amount, 500.0)
        self.assertEqual(followup._overdue_total(), 500.0)
        self.assertEqual(followup._overdue_lines().move_id, late)

    def test_categories_from_payment_behaviour_with_override(self):
        newcomer = self._customer("Newcomer")
        self._invoice(newcomer, 100.0, days_ago=2)
        chronic = self._customer("Chronic")
        for days_ago in (300, 250, 200):
            invoice = self._invoice(chronic, 100.0, days_ago=days_ago)
            self._pay(invoice, 100.0, days_ago=days_ago - 60)
        self._invoice(chronic, 100.0, days_ago=2)
        steady = self._customer("Steady")
        for days_ago in (300, 250, 200):
            self._pay(self._invoice(steady, 100.0, days_ago=days_ago), 100.0, days_ago=days_ago)
        self._invoice(steady, 5000.0, days_ago=2)
        followups = {p: self._followup(p) for p in (newcomer, chronic, steady)}
        followups[chronic].category_override_id = False
        followups[newcomer].category_override_id = False
        followups[steady].category_override_id = False
        self._escalate()
        ref = self.env.ref
        self.assertEqual(
            followups[newcomer].category_id,
            ref("credit_collections.delinquency_category_new_account"),
        )
        self.assertEqual(
            followups[chronic].category_id, ref("credit_collections.delinquency_category_chronic")
        )
        self.assertEqual(
            followups[steady].category_id, ref("credit_collections.delinquency_category_large_debt")
        )
        self.assertEqual(
            followups[chronic].level_id.policy_id, ref("credit_collections.followup_policy_tight")
        )

    def test_manual_level_waits_for_a_collector(self):
        customer = self._customer("Manual")
        self._invoice(customer, 100.0, days_ago=10)
        followup = self._followup(customer)
        self.levels[7].trigger = "manual"
        self._escalate()
        self.assertEqual(followup.state, "action")
        self.assertEqual(followup.pending_level_id, self.levels[7])
        self.assertEqual(followup.level_id, self.env["credit.followup.level"])
        self.assertFalse(followup.communication_ids)
        action = followup.with_user(self.collections_user).action_send_now()
        self.assertEqual(action["res_model"], "mail.compose.message", "an email level: composer")
        self.assertFalse(followup.level_id, "nothing moves before the collector sends")
        self._send_composer(action, self.collections_user)
        self.assertEqual(followup.level_id, self.levels[7])
        self.assertEqual(followup.communication_ids.trigger, "manual")
        self.assertEqual(followup.communication_ids.state, "done")

    def test_other_company_is_followed_separately(self):
        customer = self._customer("Two companies")
        self._invoice(customer, 100.0, days_ago=35)
        self._invoice(customer, 100.0, days_ago=2, company=self.other_company)
        followup = self._followup(customer)
        other = self._followup(customer, company=self.other_company)
        self._escalate()
        self.assertEqual(followup.level_id, self.levels[30])
        self.assertEqual(other.level_id, self.levels[1])


@tagged("post_install", "-at_install")
class TestFollowupOneStepAtATime(FollowupCommon):
    """The standard ladder as shipped: no level is passed over unsent, and communications are
    spaced by the ladder's days between communications."""

    def test_long_overdue_customer_climbs_level_by_level(self):
        customer = self._customer("Long overdue")
        self._invoice(customer, 100.0, days_ago=90)
        followup = self._followup(customer)
        self._escalate()
        self.assertEqual(followup.level_id, self.levels[1], "the courtesy reminder is skipped")
        self.assertEqual(followup.next_level_id, self.levels[7])
        self.assertEqual(followup.next_action_date, self.today + timedelta(days=7))
        sent = [self.levels[1]]
        for days, offset in ((3, None), (7, 7), (10, None), (14, 15), (21, 30), (28, 60)):
            self._escalate(today=self.today + timedelta(days=days))
            self._deliver()
            if offset:
                sent.append(self.levels[offset])
            with self.subTest(day=days):
                self.assertEqual(
                    followup.communication_ids.level_id.sorted("offset_days"),
                    sum(sent, self.env["credit.followup.level"]),
                )
        self.assertEqual(followup.state, "handed_off")

    def test_days_between_communications_come_from_the_ladder(self):
        self.standard.min_days_between = 2
        customer = self._customer("Spaced")
        self._invoice(customer, 100.0, days_ago=40)
        followup = self._followup(customer)
        self._escalate()
        self._escalate(today=self.today + timedelta(days=1))
        self.assertEqual(followup.level_id, self.levels[1])
        self._escalate(today=self.today + timedelta(days=2))
        self.assertEqual(followup.level_id, self.levels[7])

    def test_letter_speaks_of_earlier_reminders_only_when_there_were_some(self):
        customer = self._customer("Letters")
        self._invoice(customer, 100.0, days_ago=35)
        followup = self._followup(customer)
        self.levels[1].skippable = self.levels[7].skippable = self.levels[15].skippable = True
        self._escalate()
        first = followup.communication_ids
        self.assertEqual(first.level_id, self.levels[30])
        self.assertEqual(first.earlier_reminder_count, 0)
        self._deliver()
        self.assertNotIn("previous reminders", first.message_id.body)
        followup.level_id = self.levels[15]
        followup.level_date = self.today - timedelta(days=7)
        followup.last_run_date = False
        self._escalate()
        second = followup.communication_ids - first
        self.assertEqual(second.earlier_reminder_count, 1)
        self._deliver()
        self.assertIn("previous reminders", second.message_id.body)
