from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestFollowupAccess(FollowupCommon):
    """Collections users work the screen; salespeople do not see it; managers configure."""

    def setUp(self):
        super().setUp()
        self.debtor = self._customer("Debtor")
        self.invoice = self._invoice(self.debtor, 100.0, days_ago=20)
        self.followup = self._followup(self.debtor)
        self._escalate()

    def test_salesperson_cannot_see_or_act(self):
        followup = self.followup.with_user(self.salesperson)
        with self.assertRaises(AccessError):
            followup.read(["level_id"])
        with self.assertRaises(AccessError):
            followup.action_send_now()
        with self.assertRaises(AccessError):
            self.env["credit.followup.promise"].with_user(self.salesperson).search([])

    def test_collections_user_works_the_screen_but_not_the_ladders(self):
        followup = self.followup.with_user(self.collections_user)
        self.assertEqual(followup.overdue_amount, 100.0)
        followup.action_send_now()
        self.assertEqual(len(self.followup.communication_ids), 2)
        wizard = (
            self.env["credit.dispute.wizard"]
            .with_user(self.collections_user)
            .create({"move_ids": self.invoice.ids, "reason": "Wrong price"})
        )
        wizard.action_confirm()
        self.assertTrue(self.invoice.credit_disputed)
        with self.assertRaises(AccessError):
            self.standard.with_user(self.collections_user).write({"name": "Mine"})
        with self.assertRaises(AccessError):
            followup.action_credit_hold()

    def test_credit_manager_holds_and_releases(self):
        followup = self.followup.with_user(self.credit_manager)
        followup.action_credit_hold()
        self.assertTrue(self.debtor.with_company(self.company).credit_hold)
        followup.action_credit_release()
        self.assertFalse(self.debtor.with_company(self.company).credit_hold)
        self.standard.with_user(self.credit_manager).write({"max_attempts": 5})

    def test_other_company_cannot_see_the_follow_up(self):
        followups = self.env["credit.followup"].with_user(self.other_company_manager)
        self.assertFalse(followups.search([("id", "=", self.followup.id)]))
