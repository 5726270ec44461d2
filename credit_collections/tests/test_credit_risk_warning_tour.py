from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditRiskWarningTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a collector and a salesperson find a slipping customer on their
    watchlists and read why; a Credit Manager reads the warnings and sets a threshold; a user
    without a credit role has neither."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.slipping, calm = cls.env["res.partner"].create(
            [
                {"name": "Slipping Customer", "is_company": True, "user_id": cls.salesperson.id},
                {"name": "Calm Customer", "is_company": True, "user_id": cls.salesperson.id},
            ]
        )
        cls._invoice(cls.slipping, 500.0, days_ago=40)
        cls._invoice(calm, 500.0, days_ago=1)
        cls.env["credit.followup"]._ensure_followups(cls.company)
        for customer in cls.slipping | calm:
            cls._refreshed_risk(customer)

    def test_collector_finds_the_customer_on_the_follow_up_watchlist(self):
        self.start_tour(
            "/odoo/action-credit_collections.credit_followup_action",
            "credit_risk_warning_collector",
            login=self.collections_user.login,
        )

    def test_salesperson_finds_the_customer_on_the_customers_watchlist(self):
        self.start_tour(
            "/odoo/action-base.action_partner_form",
            "credit_risk_warning_salesperson",
            login=self.salesperson.login,
        )

    def test_credit_manager_reads_the_warnings_and_sets_a_threshold(self):
        self.start_tour(
            "/odoo/action-credit_collections.credit_risk_warning_action",
            "credit_risk_warning_manager",
            login=self.credit_manager.login,
        )
        policy = self.env["credit.risk.policy"]._for_company(self.company)
        self.start_tour(
            f"/odoo/action-credit_collections.credit_risk_policy_action/{policy.id}",
            "credit_risk_warning_policy",
            login=self.credit_manager.login,
        )
        self.assertEqual(policy.warn_days_late, 45)

    def test_no_watchlist_without_a_credit_role(self):
        clerk = self._new_user("cc_clerk", "base.group_user")
        menu = self.env.ref("credit_collections.menu_credit_risk_warning")
        self.assertNotIn(menu.id, self.env["ir.ui.menu"].with_user(clerk)._visible_menu_ids())
        self.assertIn(
            menu.id, self.env["ir.ui.menu"].with_user(self.salesperson)._visible_menu_ids()
        )
        partners = self.env["res.partner"]
        search_view = self.env.ref("base.view_res_partner_filter")
        arch = partners.with_user(clerk).get_view(search_view.id, "search")["arch"]
        self.assertNotIn("credit_watchlist", arch)
        arch = partners.with_user(self.salesperson).get_view(search_view.id, "search")["arch"]
        self.assertIn("credit_watchlist", arch)
