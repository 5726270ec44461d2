from odoo.tests import HttpCase, tagged

from odoo.addons.mail.tests.common import MockEmail

from .common import FollowupCommon

FOLLOWUP_URL = "/odoo/action-credit_collections.credit_followup_action"


@tagged("post_install", "-at_install")
class TestFollowupDeskTour(FollowupCommon, HttpCase, MockEmail):
    """The follow-up screen in a real browser, as each role that uses it, and one that may not."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.desk_customer = cls.env["res.partner"].create(
            {"name": "Desk Customer", "is_company": True, "email": "desk@example.com"}
        )
        cls._invoice(cls.desk_customer, 300.0, days_ago=10)

    def setUp(self):
        super().setUp()
        self.followup = self._followup(self.desk_customer)
        self.env["credit.followup"]._refresh_desk(self.company)

    def test_collector_works_a_customer_from_the_desk(self):
        self.start_tour(
            FOLLOWUP_URL, "credit_followup_desk_collector", login=self.collections_user.login
        )
        self.assertEqual(self.followup.promise_ids.amount, 120.0)
        self.assertEqual(self.followup.plan_ids.instalment_ids.mapped("amount"), [100.0] * 3)
        communication = self.followup.communication_ids
        self.assertEqual(communication.state, "done")
        self.assertEqual(communication.trigger, "manual")
        self.assertEqual(communication.message_id.partner_ids, self.desk_customer)
        self.assertEqual(self.followup.level_id, self.levels[1])
        self.assertTrue(self.desk_customer.invoice_ids.credit_disputed, "marked from the desk")

    def test_credit_manager_previews_runs_holds_and_releases(self):
        cron = self.env.ref("credit_collections.ir_cron_credit_followup_escalate")
        self.start_tour(
            FOLLOWUP_URL, "credit_followup_desk_manager", login=self.credit_manager.login
        )
        self.assertTrue(self.env["ir.cron.trigger"].search([("cron_id", "=", cron.id)]))
        self.assertFalse(self.followup.communication_ids, "the preview sent nothing")
        self.assertFalse(self.desk_customer.with_company(self.company).credit_hold)
        notes = self.desk_customer.message_ids.mapped("body")
        self.assertTrue(any("set the credit hold" in note for note in notes))
        self.assertTrue(any("lifted the credit hold" in note for note in notes))

        self._escalate()  # what the triggered cron does
        self.start_tour(
            FOLLOWUP_URL, "credit_followup_desk_after_run", login=self.collections_user.login
        )

    def test_collector_has_no_run_button_and_salesperson_no_desk(self):
        self.start_tour(
            FOLLOWUP_URL,
            "credit_followup_desk_not_for_collectors",
            login=self.collections_user.login,
        )
        menu = self.env.ref("credit_collections.menu_credit_collections_followup")
        visible = self.env["ir.ui.menu"].with_user(self.salesperson)._visible_menu_ids()
        self.assertNotIn(menu.id, visible)

    def test_aged_receivables_group_without_adding_scores_and_open_the_customer(self):
        self.env["credit.partner.risk"]._refresh(self.company, self.desk_customer.ids)
        self.start_tour(
            "/odoo/action-credit_collections.credit_partner_risk_action",
            "credit_aged_receivables",
            login=self.collections_user.login,
        )

    def test_collector_finds_the_reminders_not_delivered(self):
        self._allow_jumps()
        self.desk_customer.write({"email": "not an address", "phone": "+32 470 00 00 07"})
        self.followup.collector_override_id = self.collections_user
        self._escalate()
        self._deliver()
        with self.mock_mail_gateway():
            self.env["mail.mail"].sudo().search(
                [("mail_message_id", "=", self.followup.communication_ids.message_id.id)]
            ).send()
        self.env.cr.flush()
        self.start_tour(
            FOLLOWUP_URL, "credit_followup_delivery_problem", login=self.collections_user.login
        )
