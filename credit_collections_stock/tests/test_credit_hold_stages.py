from contextlib import contextmanager, suppress

from odoo.tests import tagged

from odoo.addons.credit_collections.tests.common import CreditCollectionsCommon


class Undo(Exception):
    """Raised to roll a case back to its savepoint."""


@tagged("post_install", "-at_install")
class TestCreditHoldStages(CreditCollectionsCommon):
    """Each hold rule stops each stage of order-to-cash: confirming a quotation, posting an
    invoice (under a blocking policy), validating a delivery of an order confirmed before."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.account_use_credit_limit = True
        cls.policy = cls.env["credit.risk.policy"]._for_company(cls.company)
        cls.policy.write({"hold_grade": False, "invoice_hold_mode": "block"})

    @contextmanager
    def _undone(self):
        with suppress(Undo), self.env.cr.savepoint():
            yield
            raise Undo
        self.env.invalidate_all()
        # A savepoint's rollback leaves the policy's hold settings in the worker's cache.
        self.env.registry.clear_cache()

    def _stages(self):
        """A delivery of an order confirmed while the customer was clean, a quotation and a
        draft invoice, all waiting."""
        customer = self.env["res.partner"].create({"name": "Stages", "is_company": True})
        customer.credit_limit = 5000.0
        delivery = self._sale_order(customer, quantity=1, price=1000.0).picking_ids
        delivery.move_ids.quantity = 1
        delivery.move_ids.picked = True
        quotation = self._sale_order(customer, quantity=1, price=100.0, confirm=False)
        invoice = self._invoice(customer, 100.0, post=False)
        return customer, quotation, invoice, delivery

    def _graded_below_a(self, customer):
        """A late invoice that the overdue rule lets by, and a policy accepting grade A only."""
        self._invoice(customer, 300.0, days_ago=60)
        self.policy.write({"hold_overdue": False, "hold_grade": True, "hold_worst_grade": "A"})

    def test_each_rule_holds_each_stage(self):
        rules = {
            "limit": (lambda customer: setattr(customer, "credit_limit", 500.0), "credit limit"),
            "overdue": (
                lambda customer: self._invoice(customer, 300.0, days_ago=60),
                "overdue by 60 days",
            ),
            "grade": (self._graded_below_a, "Risk grade"),
            "kyc": (lambda customer: setattr(self.policy, "kyc_free_exposure", 50.0), "KYC is"),
            "customer hold": (
                lambda customer: setattr(customer, "credit_hold", True),
                "is on credit hold",
            ),
        }
        for rule, (apply, reason) in rules.items():
            with self.subTest(rule=rule), self._undone():
                customer, quotation, invoice, delivery = self._stages()
                apply(customer)
                quotation.action_confirm()
                invoice.action_post()
                delivery.button_validate()
                for document in (quotation, invoice, delivery):
                    with self.subTest(rule=rule, document=document._name):
                        self.assertTrue(document.credit_hold)
                        self.assertIn(reason, document.credit_hold_reasons)
                self.assertEqual(
                    (quotation.state, invoice.state, delivery.state),
                    ("draft", "draft", "assigned"),
                )
