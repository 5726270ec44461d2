from datetime import timedelta

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import FollowupCommon


@tagged("post_install", "-at_install")
class TestCreditRiskWarnings(FollowupCommon):
    """Early warnings on hand-built histories: each raised once when its condition starts,
    told to the salesperson and the Credit Managers, not again while it lasts, cleared when
    it ends; a customer's first check tells no one."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.policy = cls.env["credit.risk.policy"]._for_company(cls.company)
        cls.customer.user_id = cls.salesperson

    def _check(self, days_later=0, partner=None):
        """Refresh the customer's figures as of ``days_later`` days from today: its active
        warnings."""
        partner = partner or self.customer
        day = self.today + timedelta(days=days_later)
        self.env["credit.partner.risk"]._refresh(self.company, partner.ids, day)
        return self._warnings(partner)

    def _warnings(self, partner, kind=None, company=None):
        company = company or self.company
        domain = [("partner_id", "=", partner.id), ("company_id", "=", company.id)]
        return self.env["credit.risk.warning"].search(
            domain + ([("kind", "=", kind)] if kind else [])
        )

    def _told(self, partner):
        """(activities, notes) of early warnings on the customer."""
        activities = partner.activity_ids.filtered(lambda act: act.summary == "Credit warning")
        notes = partner.message_ids.filtered(lambda msg: msg.subject == "Credit warning")
        return activities, notes

    def test_invoice_long_overdue_told_once_then_cleared(self):
        invoice = self._invoice(self.customer, 500.0, days_ago=20)
        self.assertFalse(self._check(), "20 days late: under the policy's 30")
        warning = self._check(days_later=12)
        self.assertEqual(warning.kind, "late")
        self.assertEqual(warning.reason, "An invoice is 32 days overdue.")
        self.assertTrue(warning.notified)
        activities, notes = self._told(self.customer)
        self.assertEqual(activities.user_id, self.salesperson)
        self.assertIn("32 days overdue", str(activities.note))
        self.assertIn(self.credit_manager.partner_id, notes.partner_ids)
        self.assertNotIn(self.other_company_manager.partner_id, notes.partner_ids)

        for days_later in (12, 13, 20):
            self.assertEqual(self._check(days_later), warning, "not again while it lasts")
        self.assertEqual(len(self._told(self.customer)[1]), 1)

        self._pay(invoice, 500.0)
        self.assertFalse(self._check(days_later=21))
        self.assertFalse(warning.active)
        self.assertEqual(warning.cleared_on, self.today + timedelta(days=21))

    def test_a_refresh_by_a_user_without_credit_rights_still_warns(self):
        """As when an accountant posts an invoice whose hold check refreshes stale figures."""
        billing = self._new_user("cc_billing", "account.group_account_invoice")
        self._invoice(self.customer, 500.0, days_ago=20)
        self._check()
        risks = self.env["credit.partner.risk"].with_user(billing)
        risks._refresh(self.company, self.customer.ids, self.today + timedelta(days=12))
        self.assertTrue(self._warnings(self.customer, "late").notified)
        self.assertTrue(self._told(self.customer)[0])

    def test_first_check_records_but_tells_no_one(self):
        self._invoice(self.customer, 500.0, days_ago=45)
        warning = self._check()
        self.assertEqual(warning.kind, "late")
        self.assertFalse(warning.notified)
        self.assertEqual(
            self._told(self.customer), (self.env["mail.activity"], self.env["mail.message"])
        )

    def test_downgrade_lasts_until_the_customer_recovers(self):
        self.policy.warn_score_drop = 10
        self._paid_history(self.customer, [0, 0, 0, 0])
        self._invoice(self.customer, 100.0, days_ago=5)
        risk = self._refreshed_risk(self.customer)
        before = (risk.grade, risk.score)
        late = self._invoice(self.customer, 5000.0, days_ago=100)
        warning = self._check(days_later=1).filtered(lambda w: w.kind == "downgrade")
        risk.invalidate_recordset()
        self.assertEqual((risk.previous_grade, risk.previous_score), before)
        self.assertGreaterEqual(before[1] - risk.score, self.policy.warn_score_drop)
        self.assertEqual(
            warning.reason,
            f"Grade {before[0]} to {risk.grade}, score {before[1]} to {risk.score}.",
        )
        self.assertTrue(warning.notified)
        self._check(days_later=2)
        self.assertTrue(warning.active, "not recovered: the score is still down")
        refund = self._invoice(self.customer, 5000.0, move_type="out_refund")
        (late | refund).line_ids.filtered(
            lambda line: line.account_id.account_type == "asset_receivable"
        ).reconcile()
        self._check(days_later=3)
        self.assertFalse(warning.active, "credited: the score is back")

    def test_exposure_near_the_limit(self):
        self.company.account_use_credit_limit = True
        self.customer.with_company(self.company).sudo().credit_limit = 1000.0
        self._invoice(self.customer, 850.0, days_ago=1)
        self.assertFalse(self._warnings(self.customer, "limit") & self._check())
        self._invoice(self.customer, 100.0, days_ago=0)
        warning = self._check(days_later=1).filtered(lambda w: w.kind == "limit")
        self.assertIn("95%", warning.reason)
        self.policy.warn_limit_share = 0
        self.assertFalse(self._check(days_later=2).filtered(lambda w: w.kind == "limit"))

    def test_slower_payments(self):
        self._paid_history(self.customer, [0, 0, 0], paid_days_ago=200)
        self._paid_history(self.customer, [25, 25], paid_days_ago=10)
        warning = self._check().filtered(lambda w: w.kind == "trend")
        self.assertEqual(warning.reason, "Pays 25 days later over the last quarter than before it.")
        self.policy.warn_trend_days = 30
        self.assertFalse(self._check().filtered(lambda w: w.kind == "trend"))

    def test_broken_promise(self):
        self._invoice(self.customer, 100.0, days_ago=2)
        followup = self._followup(self.customer)
        self._escalate()
        self.assertFalse(self._warnings(self.customer))
        self.env["credit.followup.promise"].create(
            {
                "followup_id": followup.id,
                "promise_date": self.today + timedelta(days=3),
                "amount": 100.0,
            }
        )
        self._escalate(today=self.today + timedelta(days=4))
        warning = self._warnings(self.customer, "broken")
        self.assertEqual(warning.reason, "Broke 1 promise(s) to pay or payment plan(s).")
        self.assertTrue(warning.notified)

    def test_thresholds_refuse_nonsense(self):
        for field, value in [
            ("warn_grade_steps", 5),
            ("warn_score_drop", 101),
            ("warn_limit_share", -1),
            ("warn_days_late", -3),
        ]:
            with self.subTest(field=field), self.assertRaises(ValidationError):
                self.policy.write({field: value})

    def test_access_read_only_and_per_company(self):
        self._invoice(self.customer, 500.0, days_ago=40)
        warning = self._check()
        other = self.env["res.partner"].create({"name": "Elsewhere", "is_company": True})
        self._invoice(other, 500.0, days_ago=40, company=self.other_company)
        self.env["credit.partner.risk"]._refresh(self.other_company, other.ids, self.today)
        for user in (self.salesperson, self.collections_user, self.credit_manager):
            warnings = self.env["credit.risk.warning"].with_user(user)
            self.assertEqual(
                warnings.search([("partner_id", "in", (self.customer | other).ids)]), warning
            )
            with self.assertRaises(AccessError):
                warning.with_user(user).write({"active": False})
            with self.assertRaises(AccessError):
                warnings.create(
                    {
                        "partner_id": other.id,
                        "company_id": self.company.id,
                        "kind": "late",
                        "raised_on": self.today,
                    }
                )

    def test_the_customer_form_lists_its_active_warnings(self):
        self._invoice(self.customer, 500.0, days_ago=40)
        late = self._check()
        self.env["credit.risk.warning"].sudo().create(
            {
                "partner_id": self.customer.id,
                "company_id": self.company.id,
                "kind": "trend",
                "raised_on": self.today,
                "active": False,
            }
        )
        self._invoice(self.customer, 500.0, days_ago=40, company=self.other_company)
        self.env["credit.partner.risk"]._refresh(self.other_company, self.customer.ids, self.today)
        self.assertTrue(self._warnings(self.customer, company=self.other_company))
        spec = {"credit_listed_warning_ids": {"fields": {"kind": {}, "reason": {}}}}
        (form,) = self.customer.with_user(self.salesperson).web_read(spec)
        self.assertEqual(
            form["credit_listed_warning_ids"],
            [{"id": late.id, "kind": "late", "reason": late.reason}],
            "the active warning of the salesperson's company, not the cleared one",
        )

    def test_the_risk_row_knows_whether_its_customer_has_active_warnings(self):
        """The form looks warnings up only for a customer whose risk row says it has some."""
        invoice = self._invoice(self.customer, 500.0, days_ago=20)
        self._check()
        risk = self.env["credit.partner.risk"].search(
            [("partner_id", "=", self.customer.id), ("company_id", "=", self.company.id)]
        )
        self.assertFalse(risk.has_active_warnings, "20 days late: under the policy's 30")
        warning = self._check(days_later=12)
        self.assertTrue(risk.has_active_warnings, "raised by the check")
        self._pay(invoice, 500.0)
        self._check(days_later=13)
        self.assertFalse(warning.active)
        self.assertFalse(risk.has_active_warnings, "cleared by the next one")
        self.assertFalse(self.customer.credit_listed_warning_ids)

        warning.sudo().active = True
        self.assertTrue(risk.has_active_warnings, "also when the ORM writes a warning")
        self.customer.invalidate_recordset()
        self.assertEqual(self.customer.credit_listed_warning_ids, warning)

    def test_the_form_looks_warnings_up_only_for_a_warned_customer(self):
        self._invoice(self.customer, 500.0, days_ago=40)
        calm = self._customer("Calm", user_id=self.salesperson.id)
        self._invoice(calm, 500.0, days_ago=1)
        self._check()
        self._check(partner=calm)
        spec = {"credit_listed_warning_ids": {"fields": {"kind": {}}}}
        (self.customer | calm).with_user(self.salesperson).web_read(spec)  # warms the caches
        queries = {}
        for partner in (self.customer, calm):
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            (form,) = partner.with_user(self.salesperson).web_read(spec)
            queries[partner] = self.env.cr.sql_log_count - before
            self.assertEqual(bool(form["credit_listed_warning_ids"]), partner == self.customer)
        self.assertEqual(queries[self.customer] - queries[calm], 1, "the warnings' search")

    def test_watchlists(self):
        self._invoice(self.customer, 500.0, days_ago=40)
        calm = self._customer("Calm")
        self._invoice(calm, 500.0, days_ago=1)
        followup = self._followup(self.customer)
        calm_followup = self._followup(calm)
        self._check()
        self._check(partner=calm)
        partners = self.env["res.partner"].with_user(self.salesperson)
        self.assertEqual(
            partners.search(
                [("credit_warning_ids", "!=", False), ("id", "in", (self.customer | calm).ids)]
            ),
            self.customer,
        )
        followups = self.env["credit.followup"].with_user(self.collections_user)
        watched = followups.search([("warning_ids", "!=", False)])
        self.assertIn(followup, watched)
        self.assertNotIn(calm_followup, watched)
        self.assertIn(calm_followup, followups.search([("warning_ids", "=", False)]))
        self.assertEqual(followup.with_user(self.collections_user).warning_ids.kind, "late")
