from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditGroup(CreditCollectionsCommon):
    """A parent, put in a group with a 10,000 limit in the company, and its subsidiary, which
    shares its parent's group; neither has a limit of its own. The parent owes 6,000 there, the
    subsidiary 3,000, and the parent owes 5,000 in the other company, which is not the group's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["credit.risk.policy"]._for_company(cls.company).hold_grade = False
        cls.group = cls.env["credit.group"].create(
            {"name": "Parent Holding", "company_id": cls.company.id, "credit_limit": 10000.0}
        )
        cls.parent = cls.env["res.partner"].create({"name": "Parent Inc", "is_company": True})
        cls.subsidiary = cls.env["res.partner"].create(
            {"name": "Subsidiary Inc", "is_company": True, "parent_id": cls.parent.id}
        )
        cls.parent.with_company(cls.company).credit_group_id = cls.group
        cls._invoice(cls.parent, 6000.0)
        cls._invoice(cls.subsidiary, 3000.0)
        cls._invoice(cls.parent, 5000.0, company=cls.other_company)

    def _quotation(self, customer, price):
        return self._sale_order(
            customer, quantity=1, price=price, confirm=False, user_id=self.salesperson.id
        ).with_user(self.salesperson)

    def test_group_exposure_is_its_members_in_its_company(self):
        self.env["credit.partner.risk"]._refresh(self.company, (self.parent | self.subsidiary).ids)
        self.assertEqual(self.group.member_ids, self.parent | self.subsidiary)
        self.assertEqual(self.group.exposure, 6000.0 + 3000.0)
        self.assertEqual(self.group.available, 10000.0 - 9000.0)

    def test_a_members_order_over_the_group_limit_is_held_with_the_groups_figures(self):
        order = self._quotation(self.subsidiary, 1500.0)
        order.action_confirm()
        self.assertEqual(order.state, "draft")
        self.assertTrue(order.credit_hold)
        self.assertIn(
            "The credit group Parent Holding owes $\xa010,500.00 with this ($\xa01,500.00): over "
            "the group's limit of $\xa010,000.00 by $\xa0500.00.",
            order.credit_hold_reasons,
        )

    def test_a_members_order_within_the_group_limit_is_confirmed(self):
        order = self._quotation(self.parent, 900.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertEqual(self.group.exposure, 9900.0, "the confirmed order counts at once")
        second = self._quotation(self.subsidiary, 200.0)
        second.action_confirm()
        self.assertTrue(second.credit_hold, "the other member's order now goes over")

    def test_only_a_credit_manager_groups_customers_and_it_is_logged(self):
        other = self.env["res.partner"].create({"name": "Joiner", "is_company": True})
        with self.assertRaises(AccessError):
            other.with_user(self.salesperson).credit_group_id = self.group
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.salesperson).create(
                {"name": "Sneaky", "credit_group_id": self.group.id}
            )
        with self.assertRaises(AccessError):
            self.env["credit.group"].with_user(self.salesperson).create({"name": "Mine"})
        other.with_user(self.credit_manager).credit_group_id = self.group
        self.assertIn("Credit group in", other.message_ids[0].body)
        self.assertIn("Parent Holding", other.message_ids[0].body)
        self.assertIn(other, self.group.member_ids)

    def test_the_quotation_banner_tells_the_group_limit_from_the_stored_figures(self):
        self.env["credit.partner.risk"]._refresh(self.company, (self.parent | self.subsidiary).ids)
        self.assertIn(
            "The credit group Parent Holding owes $\xa010,500.00",
            self._quotation(self.subsidiary, 1500.0).partner_credit_warning,
        )
        self.assertFalse(self._quotation(self.subsidiary, 500.0).partner_credit_warning)

    def test_a_subsidiary_with_a_group_of_its_own_is_not_in_its_parents(self):
        own = self.env["credit.group"].create({"name": "Own", "credit_limit": 100000.0})
        self.subsidiary.with_company(self.company).credit_group_id = own
        self.assertEqual(self.group.member_ids, self.parent)
        self.assertEqual(own.member_ids, self.subsidiary)
        order = self._quotation(self.subsidiary, 1500.0)
        order.action_confirm()
        self.assertEqual(order.state, "sale", "judged on its own group, not its parent's")
