from odoo.tests import HttpCase, tagged

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditKycTour(CreditCollectionsCommon, HttpCase):
    """In a real browser: a collector reads a customer's KYC checklist in its order, on the
    customer and among every checklist; a salesperson reads the status only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.vetted = cls.env["res.partner"].create(
            {
                "name": "Vetted Customer",
                "is_company": True,
                "country_id": cls.env.ref("base.be").id,
                "user_id": cls.salesperson.id,
            }
        )
        cls.vetted.action_apply_kyc_template()
        vat = cls.vetted.kyc_item_ids.filtered(lambda item: item.check_type == "vat")
        vat.sequence = 100

    def _start(self, tour, user):
        url = f"/odoo/action-base.action_partner_form/{self.vetted.id}"
        self.start_tour(url, tour, login=user.login)

    def test_collector_reads_the_checklist_in_its_order(self):
        self._start("credit_kyc_collector", self.collections_user)
        self.start_tour(
            "/odoo/action-credit_collections.credit_kyc_item_action",
            "credit_kyc_checklists",
            login=self.collections_user.login,
        )

    def test_salesperson_reads_the_status_only(self):
        self._start("credit_kyc_salesperson", self.salesperson)
