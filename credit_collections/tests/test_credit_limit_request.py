from psycopg2.errors import CheckViolation

from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import CreditCollectionsCommon


@tagged("post_install", "-at_install")
class TestCreditLimitRequest(CreditCollectionsCommon):
    def _request(self, user, limit=12000.0, **values):
        return (
            self.env["credit.limit.request"]
            .with_user(user)
            .create(
                {
                    "partner_id": self.customer.id,
                    "requested_limit": limit,
                    "reason": "Growing account",
                }
                | values
            )
        )

    def _limit(self, company):
        return self.customer.with_company(company).credit_limit

    def test_approval_applies_limit_in_request_company_only(self):
        self.customer.with_company(self.other_company).credit_limit = 300.0
        request = self._request(self.collections_user)
        self.assertEqual(request.current_limit, 0.0)

        request.with_user(self.credit_manager).action_approve()

        self.assertEqual(request.state, "approved")
        self.assertEqual(request.decided_by_id, self.credit_manager)
        self.assertTrue(request.decided_on)
        self.assertEqual(self._limit(self.company), 12000.0)
        self.assertTrue(self.customer.with_company(self.company).use_partner_credit_limit)
        self.assertEqual(self._limit(self.other_company), 300.0)
        self.assertEqual(request.current_limit, 0.0, "the old limit stays on the record")

    def test_approval_leaves_audit_trail_on_partner(self):
        request = self._request(self.salesperson, limit=8000.0)
        request.with_user(self.credit_manager).action_approve()
        message = self.customer.message_ids[:1]
        self.assertIn("8,000.00", message.body)
        self.assertIn(self.salesperson.name, message.body)
        self.assertIn(self.credit_manager.name, message.body)
        self.assertIn("Growing account", message.body)

    def test_non_managers_cannot_decide(self):
        request = self._request(self.salesperson)
        for user in (self.salesperson, self.collections_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                request.with_user(user).action_approve()
        self.assertEqual(request.state, "to_approve")
        self.assertEqual(self._limit(self.company), 0.0)

    def test_reject_requires_a_note_and_keeps_limit(self):
        request = self._request(self.collections_user).with_user(self.credit_manager)
        with self.assertRaisesRegex(UserError, "decision note"):
            request.action_reject()
        request.decision_note = "Payment history too short"
        request.action_reject()
        self.assertEqual(request.state, "rejected")
        self.assertEqual(self._limit(self.company), 0.0)

    def test_a_decision_is_final(self):
        request = self._request(self.collections_user).with_user(self.credit_manager)
        request.action_approve()
        with self.assertRaisesRegex(UserError, "already decided"):
            request.action_approve()
        request.decision_note = "Changed my mind"
        with self.assertRaisesRegex(UserError, "already decided"):
            request.action_reject()

    @mute_logger("odoo.sql_db")
    def test_negative_limit_is_refused(self):
        with self.assertRaises(CheckViolation):
            self._request(self.collections_user, limit=-1.0)

    def test_creating_or_duplicating_a_customer_sets_no_limit_for_a_collector(self):
        partners = self.env["res.partner"].with_user(self.collections_user)
        created = partners.create({"name": "New With Limit", "credit_limit": 99999.0})
        self.assertEqual(created.with_company(self.company).sudo().credit_limit, 0.0)
        request = self.env["credit.limit.request"].search([("partner_id", "=", created.id)])
        self.assertEqual(request.requested_limit, 99999.0)
        self.assertEqual(request.state, "to_approve")
        self.customer.credit_limit = 500.0
        duplicate = self.customer.with_user(self.collections_user).copy({"credit_limit": 88888.0})
        self.assertEqual(duplicate.with_company(self.company).sudo().credit_limit, 0.0)
        with self.assertRaises(AccessError):
            partners.create({"name": "Held", "credit_hold": True})

    def test_decisions_cannot_be_forged(self):
        for user in (self.salesperson, self.collections_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self._request(user, state="approved", decided_by_id=self.credit_manager.id)
        request = self._request(self.collections_user)
        for values in ({"state": "approved"}, {"decided_by_id": self.credit_manager.id}):
            with self.subTest(values=values), self.assertRaises(AccessError):
                request.with_user(self.collections_user).write(values)
        with self.assertRaises(AccessError):
            request.with_user(self.credit_manager).write({"company_id": self.other_company.id})
        self.assertEqual(request.state, "to_approve")

    def test_four_eyes_the_requester_does_not_approve(self):
        request = self._request(self.credit_manager)
        with self.assertRaisesRegex(UserError, "Four eyes"):
            request.with_user(self.credit_manager).action_approve()
        other_manager = self._new_user("cc_manager_2", "credit_collections.group_credit_manager")
        request.with_user(other_manager).action_approve()
        self.assertEqual(request.decided_by_id, other_manager)
        policy = self.env["credit.risk.policy"]._for_company(self.company)
        policy.limit_four_eyes = False
        own = self._request(self.credit_manager, limit=15000.0)
        own.with_user(self.credit_manager).action_approve()
        self.assertEqual(own.state, "approved")
