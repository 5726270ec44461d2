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
        self._send_composer(followup.action_send_now(), self.collections_user)
        sent = self.followup.communication_ids.filtered(lambda c: c.trigger == "manual")
        self.assertEqual(sent.state, "done")
        self.assertEqual(sent.create_uid, self.collections_user)
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

    def test_collectors_open_a_communication_with_its_sms(self):
        texted = self._customer("Texted", phone="+32 470 00 00 09")
        self._invoice(texted, 100.0, days_ago=30)
        followup = self._followup(texted)
        self.standard.level_ids.filtered(lambda level: level.offset_days == 1).write(
            {"send_sms": True, "sms_template_id": self.levels[7].sms_template_id.id}
        )
        self._escalate()
        communication = followup.communication_ids
        communication._deliver()  # one PDF at a time: Debian's wkhtmltopdf cannot batch
        for user in (self.collections_user, self.credit_manager):
            with self.subTest(user=user.login):
                read = communication.with_user(user).web_read(
                    {"sms_ids": {"fields": {"number": {}, "state": {}, "failure_type": {}}}}
                )
                self.assertEqual(read[0]["sms_ids"][0]["number"], "+32 470 00 00 09")
        others = self.env["sms.sms"].sudo().create({"number": "+1 555 0100", "body": "Private"})
        self.assertFalse(
            self.env["sms.sms"].with_user(self.collections_user).search([("id", "=", others.id)])
        )
