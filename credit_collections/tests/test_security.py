from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestSecurity(CreditCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.request = cls.env["credit.limit.request"].create(
            {"partner_id": cls.customer.id, "requested_limit": 5000, "reason": "Seasonal volume"}
        )

    def test_user_of_another_company_cannot_see_request(self):
        requests = self.env["credit.limit.request"].with_user(self.other_company_manager)
        self.assertFalse(requests.search([("id", "=", self.request.id)]))
        with self.assertRaises(AccessError):
            requests.browse(self.request.id).read(["requested_limit"])

    def test_user_of_same_company_sees_request(self):
        requests = self.env["credit.limit.request"].with_user(self.collections_user)
        self.assertEqual(requests.search([("id", "=", self.request.id)]), self.request)

    def test_salesperson_can_ask_but_not_edit_or_delete(self):
        request = self.request.with_user(self.salesperson)
        self.assertEqual(request.requested_limit, 5000)
        with self.assertRaises(AccessError):
            request.write({"requested_limit": 9000})
        with self.assertRaises(AccessError):
            request.unlink()
        own = (
            self.env["credit.limit.request"]
            .with_user(self.salesperson)
            .create(
                {"partner_id": self.customer.id, "requested_limit": 7000, "reason": "New contract"}
            )
        )
        self.assertEqual(own.requested_by_id, self.salesperson)

    def test_only_credit_manager_may_delete(self):
        with self.assertRaises(AccessError):
            self.request.with_user(self.collections_user).unlink()
        self.request.with_user(self.credit_manager).unlink()
        self.assertFalse(self.request.exists())

    def test_credit_figures_visible_per_company_and_read_only(self):
        self._invoice(self.customer, 100.0)
        self.env["credit.partner.risk"]._refresh(self.company, self.customer.ids)
        figures = self.env["credit.partner.risk"].search([("partner_id", "=", self.customer.id)])
        for user in (self.salesperson, self.collections_user, self.credit_manager):
            with self.subTest(user=user.login):
                self.assertEqual(self.customer.with_user(user).credit_exposure, 100.0)
                with self.assertRaises(AccessError):
                    figures.with_user(user).write({"exposure": 0.0})
        other = self.env["credit.partner.risk"].with_user(self.other_company_manager)
        self.assertFalse(other.search([("id", "=", figures.id)]))

    def test_user_without_credit_or_sales_group_sees_nothing(self):
        employee = self._new_user("cc_employee", "base.group_user")
        with self.assertRaises(AccessError):
            self.env["credit.limit.request"].with_user(employee).search([])

    def test_portal_user_reads_no_credit_data(self):
        portal = new_test_user(self.env, login="cc_portal", groups="base.group_portal")
        customer = portal.partner_id.commercial_partner_id
        self._invoice(customer, 100.0)
        self.env["credit.partner.risk"]._refresh(self.company, customer.ids)
        order = self._sale_order(customer, quantity=1, price=10.0, confirm=False)
        for record, fields in (
            (customer, ["credit_score", "credit_grade", "credit_exposure", "credit_hold"]),
            (customer, ["credit_score_reasons", "credit_hold_note", "kyc_status"]),
            (order, ["credit_hold", "credit_hold_reasons", "credit_released_amount"]),
        ):
            with self.subTest(fields=fields), self.assertRaises(AccessError):
                record.with_user(portal).read(fields)

    def test_release_wizard_keeps_other_companies_orders_hidden(self):
        order = self._sale_order(self.customer, 1, 100.0, confirm=False)
        order.sudo().write(
            {"credit_hold": True, "credit_hold_reasons": "Secret: over limit by 1,000,000"}
        )
        wizards = self.env["credit.hold.release.wizard"].with_user(self.other_company_manager)
        with self.assertRaises(AccessError):
            wizards.create({"res_model": "sale.order", "res_id": order.id, "reason": "Peek"})
        own = wizards.with_user(self.credit_manager).create(
            {"res_model": "sale.order", "res_id": order.id, "reason": "Ok"}
        )
        self.assertEqual(own.hold_reasons, "Secret: over limit by 1,000,000")
