from datetime import timedelta

from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditKyc(CreditCollectionsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer.country_id = cls.env.ref("base.be")
        cls.customer.action_apply_kyc_template()
        cls.items = cls.customer.kyc_item_ids
        cls.by_type = {item.check_type: item for item in cls.items}

    def _item_named(self, name):
        return self.items.filtered(lambda item: item.name == name)

    def _verify_required(self):
        documents = self.env["ir.attachment"].create({"name": "scan.pdf", "raw": b"%PDF"})
        values = {
            "vat": "BE 0477.472.701",
            "company_registry": "0477472701",
            "iban": "be71 0961 2345 6769",
        }
        for item in self.items.filtered("required"):
            if item.check_type in values:
                item.value = values[item.check_type]
            else:
                item.attachment_ids = documents
        self.items.filtered("required").with_user(self.collections_user).action_verify()

    def test_template_by_country_no_eu_checks_for_a_us_customer(self):
        american = self.env["res.partner"].create(
            {"name": "US Customer", "is_company": True, "country_id": self.env.ref("base.us").id}
        )
        american.action_apply_kyc_template()
        types = set(american.kyc_item_ids.mapped("check_type"))
        self.assertFalse(types & {"vat", "vies", "iban"}, "no EU VAT, VIES or IBAN items")
        self.assertIn("company_registry", types)
        self.assertIn("vies", set(self.customer.kyc_item_ids.mapped("check_type")), "BE is EU")

    def test_template_builds_the_checklist_once(self):
        self.assertEqual(
            set(self.items.mapped("check_type")),
            {"vat", "company_registry", "iban", "document", "lei", "vies", "bureau"},
        )
        self.customer.action_apply_kyc_template()
        self.assertEqual(self.customer.kyc_item_ids, self.items)
        person = self.env["res.partner"].create({"name": "Jane Doe"})
        person.action_apply_kyc_template()
        self.assertIn("Identity document", person.kyc_item_ids.mapped("name"))

    def test_scores_requirements_and_company_are_not_for_collectors(self):
        bureau = self.by_type["bureau"].with_user(self.collections_user)
        with self.assertRaises(AccessError):
            bureau.write({"external_score": 100.0})
        with self.assertRaises(AccessError):
            self.by_type["vat"].with_user(self.collections_user).write({"required": False})
        with self.assertRaises(AccessError):
            bureau.write({"company_id": self.other_company.id})
        with self.assertRaises(AccessError):
            self.env["credit.kyc.item"].with_user(self.collections_user).create(
                {"partner_id": self.customer.id, "name": "Forged", "external_score": 99.0}
            )
        self.by_type["lei"].with_user(self.credit_manager).write({"required": True})
        self.assertTrue(self.by_type["lei"].required)

    def test_search_by_kyc_status_and_available_credit(self):
        partners = self.env["res.partner"]
        stranger = partners.create({"name": "No checklist", "is_company": True})
        self.assertIn(self.customer, partners.search([("kyc_status", "=", "incomplete")]))
        self.assertNotIn(self.customer, partners.search([("kyc_status", "=", "none")]))
        self.assertIn(stranger, partners.search([("kyc_status", "=", "none")]))
        self.assertNotIn(stranger, partners.search([("kyc_status", "!=", "none")]))
        self.customer.credit_limit = 500.0
        self._invoice(self.customer, 200.0)
        self.env["credit.partner.risk"]._refresh(self.company, self.customer.ids)
        self.assertIn(self.customer, partners.search([("credit_available", ">", 250.0)]))
        self.assertNotIn(self.customer, partners.search([("credit_available", ">", 350.0)]))
        with self.assertRaises(UserError):
            partners.search([("credit_available", "like", "x")])

    def test_a_value_is_validated_against_its_new_type(self):
        document = self.items.filtered(lambda item: item.check_type == "document")[:1]
        document.value = "not an iban"
        with self.assertRaises(ValidationError):
            document.write({"check_type": "iban"})

    def test_identifiers_stored_in_compact_form(self):
        self.by_type["vat"].value = "BE 0477.472.701"
        self.by_type["iban"].value = "be71 0961 2345 6769"
        self.by_type["lei"].value = "529900t8bm49aursdo55"
        self.assertEqual(self.by_type["vat"].value, "BE0477472701")
        self.assertEqual(self.by_type["iban"].value, "BE71096123456769")
        self.assertEqual(self.by_type["lei"].value, "529900T8BM49AURSDO55")
        self.by_type["vat"].value = "0477472701"
        self.assertEqual(self.by_type["vat"].value, "BE0477472701", "prefixed from the country")

    def test_invalid_identifier_says_what_was_expected(self):
        cases = [
            ("vat", "BE0477472702", "EU VAT number"),
            ("iban", "BE71 0961 2345 6768", "IBAN (International Bank Account Number)"),
            ("lei", "529900T8BM49AURSDO56", "LEI"),
            ("company_registry", "0477472702", "Belgian enterprise number"),
        ]
        for check_type, value, expected in cases:
            with self.subTest(check_type=check_type), self.assertRaises(ValidationError) as bad:
                self.by_type[check_type].value = value
            self.assertIn(expected, str(bad.exception))
            self.assertFalse(self.by_type[check_type].value)

    def test_status_follows_the_required_items(self):
        self.assertEqual(self.customer.kyc_status, "incomplete")
        self._verify_required()
        self.assertEqual(self.customer.kyc_status, "complete")
        accounts = self._item_named("Latest annual accounts")
        self.assertEqual(accounts.expires_on.year, self.today.year + 1)
        accounts.verified_on = self.today - timedelta(days=400)
        self.assertEqual(self.customer.kyc_status, "expired")

    def test_status_is_each_companys_own(self):
        self._verify_required()
        self.customer.with_company(self.other_company).action_apply_kyc_template()
        both = self.customer.with_context(
            allowed_company_ids=[self.company.id, self.other_company.id]
        )
        self.assertEqual(both.kyc_status, "complete")
        self.assertEqual(both.with_company(self.other_company).kyc_status, "incomplete")

    def test_a_customer_without_checklist_is_known_as_such(self):
        """Most customers have no checklist: the partner says so, and their status is "Not
        started" without a search of the checklists."""
        newcomer = self.env["res.partner"].create({"name": "Newcomer", "is_company": True})
        self.assertFalse(newcomer.kyc_started)
        self.assertEqual(newcomer.kyc_status, "none")
        newcomer.country_id = self.env.ref("base.be")
        newcomer.with_company(self.other_company).action_apply_kyc_template()
        self.assertTrue(newcomer.kyc_started)
        self.assertEqual(newcomer.kyc_status, "none", "started in the other company only")
        self.assertEqual(newcomer.with_company(self.other_company).kyc_status, "incomplete")
        newcomer.kyc_item_ids.unlink()
        self.assertFalse(newcomer.kyc_started)

    def test_submit_verify_reject_need_content_and_reasons(self):
        document = self.items.filtered(lambda item: item.check_type == "document")[:1]
        with self.assertRaisesRegex(UserError, "Attach a document"):
            document.action_submit()
        document.attachment_ids = self.env["ir.attachment"].create({"name": "a.pdf", "raw": b"x"})
        document.action_submit()
        with self.assertRaisesRegex(UserError, "why"):
            document.action_reject()
        document.note = "Unsigned"
        document.action_reject()
        self.assertEqual(document.state, "rejected")

    def test_documents_only_for_credit_groups(self):
        with self.assertRaises(AccessError):
            self.items.with_user(self.salesperson).read(["value"])
        self.assertEqual(self.customer.with_user(self.salesperson).kyc_status, "incomplete")
        self.assertTrue(self.items.with_user(self.collections_user).read(["value"]))
        other = self.env["credit.kyc.item"].with_user(self.other_company_manager)
        self.assertFalse(other.search([("id", "in", self.items.ids)]))

    def test_incomplete_kyc_holds_large_orders(self):
        self.env["credit.risk.policy"]._for_company(self.company).kyc_free_exposure = 1000.0
        order = self._sale_order(
            self.customer, 1, 1500.0, confirm=False, user_id=self.salesperson.id
        ).with_user(self.salesperson)
        order.action_confirm()
        self.assertIn("KYC is incomplete", order.credit_hold_reasons)
        self._verify_required()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_suggested_limit_capped_while_kyc_incomplete(self):
        policy = self.env["credit.risk.policy"]._for_company(self.company)
        policy.write({"kyc_free_exposure": 1500.0, "starter_limit": 2000.0})
        self.company.account_use_credit_limit = True
        self.env["credit.partner.risk"]._refresh(self.company, self.customer.ids)
        self.env["credit.limit.request"]._propose_for_customers(self.company, self.customer.ids)
        self.assertEqual(self.customer.credit_limit, 1500.0)

    def test_review_interval_follows_the_grade(self):
        self._verify_required()
        self.assertEqual(self.customer.kyc_status, "complete")
        self.customer.kyc_reviewed_on = self.today - timedelta(days=200)  # ~6.5 months
        self.env["credit.partner.risk"]._refresh(self.company, self.customer.ids)
        self.assertEqual(self.customer.credit_grade, "A")
        self.assertEqual(self.customer.kyc_status, "complete", "grade A: every 24 months")
        policy = self.env["credit.risk.policy"]._for_company(self.company)
        policy._grade("A").kyc_review_months = 6
        self.customer.invalidate_recordset(["kyc_status"])
        self.assertEqual(self.customer.kyc_status, "review_due")
        self.customer.with_user(self.collections_user).action_kyc_mark_reviewed()
        self.assertEqual(self.customer.kyc_status, "complete")

    def test_reassessment_expires_and_warns(self):
        self._verify_required()
        accounts = self._item_named("Latest annual accounts")
        application = self._item_named("Signed credit application")
        accounts.verified_on = self.today - timedelta(days=370)
        application.verified_on = self.today - timedelta(days=720)  # expires within 30 days
        items = self.env["credit.kyc.item"]
        items._reassess(progress=lambda done: True)
        items._reassess(progress=lambda done: True)  # a second run changes nothing more
        self.assertEqual(accounts.state, "expired")
        self.assertEqual(self.customer.kyc_status, "expired")
        self.assertEqual(len(application.activity_ids), 1)
        self.assertEqual(application.activity_ids.user_id, self.collections_user)

    def test_customer_bank_accounts_and_banks_are_validated(self):
        accounts = self.env["res.partner.bank"]
        account = accounts.create(
            {"partner_id": self.customer.id, "acc_number": "BE71096123456769"}
        )
        self.assertTrue(account)
        with self.assertRaises(ValidationError) as bad:
            accounts.create({"partner_id": self.customer.id, "acc_number": "BE71 0961 2345 6768"})
        self.assertIn("IBAN (International Bank Account Number)", str(bad.exception))
        accounts.create({"partner_id": self.customer.id, "acc_number": "123-4567890-12"})
        self.env["res.bank"].create({"name": "Good", "bic": "GEBABEBB"})
        with self.assertRaises(ValidationError) as bad:
            self.env["res.bank"].create({"name": "Typo", "bic": "GEBA12BB"})
        self.assertIn("BIC", str(bad.exception))
