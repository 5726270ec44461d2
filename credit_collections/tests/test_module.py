import ast
from pathlib import Path

from odoo.modules.module import get_module_path
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestModule(TransactionCase):
    def test_installed_at_manifest_version(self):
        module = self.env["ir.module.module"].search([("name", "=", "credit_collections")])
        manifest_path = f"{get_module_path('credit_collections')}/__manifest__.py"
        with open(manifest_path, encoding="utf-8") as manifest_file:
            manifest = ast.literal_eval(manifest_file.read())
        self.assertEqual(module.state, "installed")
        self.assertEqual(module.latest_version, manifest["version"])
        self.assertTrue(manifest["version"].startswith("19.0."))

    def test_groups_form_a_chain(self):
        collections_user = self.env.ref("credit_collections.group_collections_user")
        credit_manager = self.env.ref("credit_collections.group_credit_manager")
        self.assertIn(collections_user, credit_manager.all_implied_ids)
        self.assertIn(
            self.env.ref("account.group_account_invoice"), collections_user.all_implied_ids
        )
        self.assertEqual(
            credit_manager.privilege_id.category_id,
            self.env.ref("credit_collections.module_category_credit_collections"),
        )

    def test_administrator_is_credit_manager(self):
        self.assertTrue(
            self.env.ref("base.user_admin").has_group("credit_collections.group_credit_manager")
        )

    def test_every_model_has_access_rules_and_company_rule(self):
        """Every model the addon defines (inherited ones keep their own rules)."""
        model_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "credit_collections"), ("model", "=", "ir.model")])
            .mapped("res_id")
        )
        stored = (
            self.env["ir.model"]
            .browse(model_ids)
            .filtered(
                lambda model: (
                    self.env[model.model]._original_module == "credit_collections"
                    and not self.env[model.model]._abstract
                    and not model.transient
                )
            )
        )
        self.assertTrue(stored)
        for model in stored:
            with self.subTest(model=model.model):
                self.assertTrue(model.access_ids, "no access rights")
                company_rules = model.rule_ids.filtered(
                    lambda rule: rule["global"] and "company_ids" in rule.domain_force
                )
                self.assertTrue(company_rules, "no multi-company record rule")

    def test_odoo_runner_sees_every_test_file(self):
        """pytest finds test files by name, Odoo's runner by ``tests/__init__.py``: keep both."""
        tests_dir = Path(__file__).parent
        imported = (tests_dir / "__init__.py").read_text()
        for test_file in tests_dir.glob("test_*.py"):
            with self.subTest(test_file=test_file.name):
                self.assertIn(f"from . import {test_file.stem}\n", imported)

    def test_a_new_company_gets_its_risk_policy(self):
        """Created with the company (and at installation for those found): never inside a
        compute or a confirmation."""
        policies = self.env["credit.risk.policy"]
        self.assertEqual(
            policies.search([]).company_id, self.env["res.company"].search([]), "one each"
        )
        company = self.env["res.company"].create({"name": "Credit New Company"})
        policy = policies._for_company(company)
        self.assertEqual(policy.company_id, company)
        self.assertEqual(
            policy.lookback_months, policies.default_get(["lookback_months"])["lookback_months"]
        )
