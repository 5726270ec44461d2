from datetime import timedelta

from odoo import Command, fields
from odoo.tests import new_test_user

from odoo.addons.account.tests.common import AccountTestInvoicingCommon


class CreditCollectionsCommon(AccountTestInvoicingCommon):
    """Two companies with charts of accounts, and one real user per credit role."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.today = fields.Date.context_today(cls.env["res.partner"])
        cls.immediate_term = cls.env["account.payment.term"].create(
            {
                "name": "Immediate (credit tests)",
                "company_id": False,
                "line_ids": [Command.create({"value": "percent", "value_amount": 100.0})],
            }
        )
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

    # Ledger helpers: amounts without taxes, due on the invoice date (immediate payment), so that
    # an invoice dated N days ago is N days late.

    @classmethod
    def _invoice(
        cls, partner, amount, days_ago=0, move_type="out_invoice", post=True, company=None, **values
    ):
        move = (
            cls.env["account.move"]
            .with_company(company or cls.company)
            .create(
                {
                    "move_type": move_type,
                    "partner_id": partner.id,
                    "invoice_date": cls.today - timedelta(days=days_ago),
                    "invoice_payment_term_id": cls.immediate_term.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"name": "Goods", "quantity": 1, "price_unit": amount, "tax_ids": []}
                        )
                    ],
                    **values,
                }
            )
        )
        if post:
            move.action_post()
        return move

    @classmethod
    def _refreshed_risk(cls, partner, company=None):
        """The credit figures of ``partner`` in ``company``, recomputed now."""
        company = company or cls.company
        risks = cls.env["credit.partner.risk"]
        risks._refresh(company, partner.ids, cls.today)
        return risks.search([("partner_id", "=", partner.id), ("company_id", "=", company.id)])

    @classmethod
    def _pay(cls, invoice, amount, days_ago=0, **values):
        return (
            cls.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create(
                {"amount": amount, "payment_date": cls.today - timedelta(days=days_ago), **values}
            )
            ._create_payments()
        )

    @classmethod
    def _paid_history(cls, partner, delays, paid_days_ago=100, amount=100.0):
        """Invoices of ``amount`` paid ``paid_days_ago``, each ``delay`` days after its due date."""
        for delay in delays:
            invoice = cls._invoice(partner, amount, days_ago=paid_days_ago + delay)
            cls._pay(invoice, amount, days_ago=paid_days_ago)

    def _statement_html(self, followup):
        """The customer's statement of ``followup`` as rendered for its PDF, spaces plain."""
        html = self.env["ir.actions.report"]._render_qweb_html(
            "credit_collections.action_report_followup_partner_statement", followup.ids
        )[0]
        return html.decode().replace("\xa0", " ")

    @classmethod
    def _sale_order(cls, partner, quantity, price, confirm=True, **values):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product_a.id,
                            "product_uom_qty": quantity,
                            "price_unit": price,
                            "tax_ids": [],
                        }
                    )
                ],
                **values,
            }
        )
        if confirm:
            order.action_confirm()
            assert order.state == "sale", f"held by credit: {order.credit_hold_reasons}"
        return order

    @classmethod
    def _online_provider(cls):
        """A payment provider whose transactions book payments in the bank journal."""
        provider = cls.env["payment.provider"].search([("name", "=", "Credit tests")])
        if not provider:
            provider = cls.env["payment.provider"].create(
                {
                    "name": "Credit tests",
                    "code": "none",
                    "state": "test",
                    "company_id": cls.company.id,
                }
            )
            cls._create_dummy_payment_method_for_provider(
                provider, cls.company_data["default_journal_bank"]
            )
        return provider

    @classmethod
    def _done_transaction(cls, order, amount):
        """An online payment of ``amount`` for ``order``, done at the provider (not yet
        post-processed: no payment booked, the order not confirmed)."""
        transaction = cls.env["payment.transaction"].create(
            {
                "provider_id": cls._online_provider().id,
                "payment_method_id": cls.env.ref("payment.payment_method_unknown").id,
                "amount": amount,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"CREDIT-{order.id}-{amount}",
                "operation": "online_redirect",
                "sale_order_ids": [Command.set(order.ids)],
            }
        )
        transaction._set_done()
        return transaction


class FollowupCommon(CreditCollectionsCommon):
    """Escalation helpers: runs without commits, follow-ups on a chosen ladder."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.regular = cls.env.ref("credit_collections.delinquency_category_regular")
        cls.standard = cls.env.ref("credit_collections.followup_policy_standard")
        cls.levels = {level.offset_days: level for level in cls.standard.level_ids}

    def _allow_jumps(self):
        """Let customers reach the highest level due at once (a ladder of skippable levels)."""
        self.standard.level_ids.skippable = True
        self.standard.min_days_between = 0

    @staticmethod
    def _no_commit(done, remaining=None):
        return True

    def _escalate(self, today=None, batch_size=500):
        return self.env["credit.followup"]._escalate_due(
            self._no_commit, batch_size=batch_size, today=today or self.today
        )

    def _deliver(self, batch_size=50):
        """Deliver what is queued; ``batch_size=1`` for several PDFs, which Debian's
        wkhtmltopdf renders one per process."""
        return self.env["credit.followup.communication"]._deliver_queued(
            self._no_commit, batch_size=batch_size
        )

    def _send_composer(self, action, user):
        """Send the mail composer that ``action`` opens, as ``user`` would with its button."""
        composer = (
            self.env["mail.compose.message"]
            .with_user(user)
            .with_context(**action["context"])
            .create({})
        )
        return composer.action_send_mail()

    def _followup(self, partner, company=None, category=None):
        """The follow-up of ``partner`` (created if needed), on ``category`` (Regular)."""
        company = company or self.company
        followups = self.env["credit.followup"]
        followups._ensure_followups(company)
        followup = followups.search(
            [("partner_id", "=", partner.id), ("company_id", "=", company.id)]
        )
        followup.category_override_id = category or self.regular
        return followup

    def _customer(self, name, **values):
        return self.env["res.partner"].create(
            {"name": name, "is_company": True, "email": f"{name.lower()}@example.com", **values}
        )
