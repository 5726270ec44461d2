from datetime import date

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditLateChargeTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a Credit Manager waives a charge; a collector reads it, no waiver;
    a salesperson has no menu."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["credit.risk.policy"]._for_company(cls.company).write(
            {
                "interest_b2b": True,
                "late_charge_start_date": date(2026, 1, 1),
                "interest_rate_ids": [Command.create({"date_from": date(2026, 1, 1), "rate": 2.0})],
            }
        )
        customer = cls.env["res.partner"].create({"name": "Charged Business", "is_company": True})
        cls._invoice(customer, 1000.0, invoice_date=date(2026, 3, 1))
        cls.env["credit.late.charge"]._charge_due(lambda *a, **k: True, date(2026, 6, 10))

    def test_credit_manager_waives_a_charge(self):
        self.start_tour(
            "/odoo/action-credit_collections.credit_late_charge_action",
            "credit_late_charge_waive",
            login=self.credit_manager.login,
        )
        waived = self.env["credit.late.charge"].search([("state", "=", "waived")])
        self.assertEqual(len(waived), 1)
        self.assertEqual(waived.waive_move_id.state, "posted")

    def test_collector_reads_a_charge_without_waiving_it(self):
        self.start_tour(
            "/odoo/action-credit_collections.credit_late_charge_action",
            "credit_late_charge_read_only",
            login=self.collections_user.login,
        )

    def test_salesperson_has_no_charges_menu(self):
        menu = self.env.ref("credit_collections.menu_credit_late_charge")
        menus = self.env["ir.ui.menu"]
        self.assertIn(menu.id, menus.with_user(self.collections_user)._visible_menu_ids())
        self.assertNotIn(menu.id, menus.with_user(self.salesperson)._visible_menu_ids())
