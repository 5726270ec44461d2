from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditGroupTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a Credit Manager creates a group and puts a customer in it; the
    collector reads groups; a salesperson has no menu and cannot set a customer's group."""

    def test_credit_manager_creates_a_group_and_adds_a_customer(self):
        customer = self.env["res.partner"].create({"name": "Tour Parent", "is_company": True})
        self._invoice(customer, 4000.0)
        self._refreshed_risk(customer)
        self.start_tour(
            "/odoo/action-credit_collections.credit_group_action",
            "credit_group_manager",
            login=self.credit_manager.login,
        )
        group = self.env["credit.group"].search([("name", "=", "Tour Holding")])
        self.assertEqual((group.company_id, group.credit_limit), (self.company, 5000.0))
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{customer.id}",
            "credit_group_member",
            login=self.credit_manager.login,
        )
        self.assertEqual(customer.with_company(self.company).credit_group_id, group)
        self.assertEqual(group.exposure, 4000.0)

    def test_who_sees_the_groups_menu(self):
        menu = self.env.ref("credit_collections.menu_credit_group")
        menus = self.env["ir.ui.menu"]
        for user in (self.credit_manager, self.collections_user):
            self.assertIn(menu.id, menus.with_user(user)._visible_menu_ids())
        self.assertNotIn(menu.id, menus.with_user(self.salesperson)._visible_menu_ids())
