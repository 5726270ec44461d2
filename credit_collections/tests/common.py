from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditCollectionsCommon(AccountTestInvoicingCommon):
    """Two companies with charts of accounts, and one real user per credit role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.company = cls.company_data["company"]
        cls.other_company_data = cls.setup_other_company(name="Credit Other Company")
        cls.other_company = cls.other_company_data["company"]
        cls.customer = cls.env["res.partner"].create(
            {"name": "Credit Customer", "is_company": True}
        )
        cls.salesperson = cls._new_user("cc_salesperson", "sales_team.group_sale_salesman")
        cls.collections_user = cls._new_user(
            "cc_collections", "credit_collections.group_collections_user"
        )
        cls.credit_manager = cls._new_user("cc_manager", "credit_collections.group_credit_manager")
        cls.other_company_manager = cls._new_user(
            "cc_other_manager",
            "credit_collections.group_credit_manager",
            company=cls.other_company,
        )

    @classmethod
    def get_default_groups(cls):
        """The test environment's own user manages credit and sales, like an administrator."""
        return (
            super().get_default_groups()
            | cls.quick_ref("credit_collections.group_credit_manager")
            | cls.quick_ref("sales_team.group_sale_manager")
        )

    @classmethod
    def _new_user(cls, login, groups, company=None):
        company = company or cls.company
        return new_test_user(
            cls.env,
            login=login,
            groups=f"base.group_user,{groups}",
            company_id=company.id,
            company_ids=[company.id],
        )
